package dev.isr4j.wasm;

import dev.isr4j.Body;
import dev.isr4j.Headers;
import dev.isr4j.Response;
import dev.isr4j.AppProvider;
import dev.isr4j.api.Clock;
import dev.isr4j.api.Log;
import dev.isr4j.internal.AppRuntime;
import dev.isr4j.internal.Dispatcher;
import dev.isr4j.wasm.js.JSEnv;
import dev.isr4j.wasm.js.JSExecutionContext;
import dev.isr4j.wasm.js.JSRequest;
import dev.isr4j.wasm.js.JSResponse;
import org.teavm.jso.JSExport;
import org.teavm.jso.core.JSPromise;

/**
 * The module's entry point (TeaVM main class): the shim calls the exported {@code fetch} for every request.
 * The application comes from the registered {@link AppProvider}; the isolate builds it once.
 */
public final class WorkerMain {
    private static final Log LOG = new ConsoleLog();
    private static Dispatcher dispatcher;
    private static JsEnv env;
    private static String prerenderedBundle;

    private WorkerMain() {
    }

    @JSExport
    public static JSPromise<JSResponse> fetch(JSRequest request, JSEnv jsEnv, JSExecutionContext ctx) {
        return JSPromise.callAsync(() -> {
            Dispatcher d;
            try {
                d = dispatcher(jsEnv);
            } catch (RuntimeException e) {
                LOG.error("isr4j could not start the application", e);
                return JsConversions.toJs(Response.of(500, Headers.of("content-type", "text/plain; charset=utf-8"),
                        Body.of("isr4j configuration error: " + e.getMessage())));
            }
            var response = d.handle(JsConversions.toJava(request, env), new WaitUntilBackground(ctx, LOG));
            return JsConversions.toJs(response);
        });
    }

    /** The shim hands over the build's prerendered pages once, at start-up. */
    @JSExport
    public static void prerendered(String bundle) {
        prerenderedBundle = bundle;
    }

    private static Dispatcher dispatcher(JSEnv jsEnv) {
        if (dispatcher == null) {
            env = new JsEnv(jsEnv, LOG);
            var namespace = env.namespace(AppRuntime.KV_BINDING);
            dispatcher = AppRuntime.dispatcher(AppProvider.load(), namespace == null ? null : new JsKvStore(namespace),
                    Clock.SYSTEM, LOG, prerenderedBundle);
            prerenderedBundle = null; // parsed; the text is no longer needed
        }
        return dispatcher;
    }

    public static void main(String[] args) {
        // Nothing to do at start-up: the app is built on the first request, when env is known.
    }
}
