package dev.isr4j.wasm.host;

import dev.isr4j.api.Clock;
import dev.isr4j.api.Log;
import dev.isr4j.runtime.Coordination;
import dev.isr4j.coord.CoordinatorObject;
import dev.isr4j.coord.CoordinatorOptions;
import dev.isr4j.runtime.IsrRuntime;
import dev.isr4j.wasm.adapters.JsCoordinatorStorage;
import dev.isr4j.wasm.adapters.JsCoordinatorTransport;
import dev.isr4j.wasm.adapters.JsEnv;
import dev.isr4j.wasm.js.JSDurableObjectNamespace;
import dev.isr4j.wasm.js.JSRuntime;
import dev.isr4j.wasm.js.JSSqlStorage;
import org.teavm.jso.JSObject;
import org.teavm.jso.core.JSString;
import org.teavm.jso.function.JSConsumer;

/**
 * Both sides of the coordinator in workerd: an isolate's runtime put under {@code ISR_COORDINATOR} when it is
 * bound, and the {@code IsrCoordinator} Durable Object's calls, answered by {@link CoordinatorObject} over the
 * object's SQLite storage.
 */
final class CoordinatorHost {
    private static JsCoordinatorTransport transport;

    private CoordinatorHost() {
    }

    /** Puts the isolate's dispatcher under the coordinator when the binding is there (logged once). */
    static void install(IsrRuntime runtime, JsEnv env, Log log) {
        JSDurableObjectNamespace namespace = namespace(env);
        if (namespace == null) {
            return;
        }
        var options = CoordinatorOptions.fromEnv(env);
        transport = new JsCoordinatorTransport(namespace, options.timeoutMillis());
        runtime.coordinate(transport, options, Clock.SYSTEM, log);
    }

    /** The env object changed (a harness passes one per call): use its binding object. */
    static void rebind(JsEnv env) {
        if (transport != null) {
            transport.rebind(namespace(env));
        }
    }

    private static JSDurableObjectNamespace namespace(JsEnv env) {
        JSObject raw = env.current() == null ? null : env.current().get(Coordination.BINDING);
        return raw == null || JSRuntime.isNullish(raw) || JSRuntime.isString(raw) ? null
                : (JSDurableObjectNamespace) raw;
    }

    static void open(JSSqlStorage sql) {
        JsCoordinatorStorage.open(sql);
    }

    /** Answers one call on its own green thread, like a request (see WorkerMain.fetch). */
    static void handle(JSSqlStorage sql, String body, JSConsumer<JSString> resolve) {
        new CallThread(sql, body, resolve).start();
    }

    private static final class CallThread extends Traps.GuardedThread {
        private final JSSqlStorage sql;
        private final String body;
        private final JSConsumer<JSString> resolve;

        CallThread(JSSqlStorage sql, String body, JSConsumer<JSString> resolve) {
            this.sql = sql;
            this.body = body;
            this.resolve = resolve;
        }

        @Override
        public void run() {
            String answer;
            try {
                answer = new CoordinatorObject(new JsCoordinatorStorage(sql), Clock.SYSTEM).handle(body);
            } catch (Throwable e) {
                answer = "{\"r\":\"error\",\"message\":\"coordinator failed\"}";
            }
            resolve.accept(JSString.valueOf(answer));
        }

        @Override
        void trapped(Throwable error) {
            resolve.accept(JSString.valueOf("{\"r\":\"error\",\"message\":\"coordinator trapped\"}"));
        }
    }
}
