package dev.isr4j.wasm;

import dev.isr4j.Body;
import dev.isr4j.Headers;
import dev.isr4j.Response;
import dev.isr4j.AppProvider;
import dev.isr4j.api.Clock;
import dev.isr4j.api.Log;
import dev.isr4j.App;
import dev.isr4j.Request;
import dev.isr4j.cache.KvCacheHandler;
import dev.isr4j.internal.AppRuntime;
import dev.isr4j.internal.Prefetched;
import dev.isr4j.wasm.js.JSKvNamespace;
import dev.isr4j.wasm.js.JSRuntime;
import dev.isr4j.internal.Dispatcher;
import dev.isr4j.wasm.js.JSEnv;
import dev.isr4j.wasm.js.JSExecutionContext;
import dev.isr4j.wasm.js.JSRequest;
import dev.isr4j.wasm.js.JSResponse;
import org.teavm.jso.JSExport;
import org.teavm.jso.JSExceptions;
import org.teavm.jso.JSObject;
import org.teavm.jso.function.JSConsumer;

/**
 * The module's entry point (TeaVM main class): the shim calls the exported {@code fetch} for every request.
 * The application comes from the registered {@link AppProvider}; the isolate builds it once.
 */
public final class WorkerMain {
    private static final Log LOG = new ConsoleLog();
    private static Dispatcher dispatcher;
    private static JsEnv env;
    private static String prerenderedBundle;
    private static JsKvStore kvStore;
    private static KvCacheHandler kvCache;

    private WorkerMain() {
    }

    /**
     * Handles one request on its own green thread (it may suspend on KV or fetch) and settles the shim's
     * promise through {@code resolve} / {@code reject}; the shim creates the promise, so no JS function is
     * made from Java per request.
     */
    @JSExport
    public static void fetch(JSRequest request, JSEnv jsEnv, JSExecutionContext ctx, JSConsumer<JSResponse> resolve,
                             JSConsumer<JSObject> reject, JSObject prefetchedRead) {
        new Thread(() -> {
            JSResponse response;
            try {
                response = handle(request, jsEnv, ctx, prefetchedRead);
            } catch (Throwable e) {
                LOG.error("isr4j failed to answer a request", e);
                reject.accept(JSExceptions.getJSException(e));
                return;
            }
            resolve.accept(response);
        }).start();
    }

    /**
     * Starts the one KV read a cached answer needs, if the request can have one, and returns its promise
     * (or null). Java decides the key; the shim waits for the read and hands its result to {@link #fetch},
     * so a HIT is answered without suspending Java on a promise. (Answering it synchronously, without a green
     * thread, is not possible: TeaVM's coroutine code needs a current thread even when it does not suspend.)
     */
    @JSExport
    public static JSObject prefetch(JSRequest request, JSEnv jsEnv) {
        try {
            Dispatcher d = dispatcher(jsEnv);
            if (kvCache == null) {
                return null;
            }
            String key = d.prefetchKey(JsConversions.toJava(request, env));
            return key == null ? null : JsTiers.startRead(kvStore, kvCache, key);
        } catch (RuntimeException e) {
            return null; // the normal path will report it
        }
    }

    private static Prefetched prefetched(Dispatcher d, Request request, JSObject read) {
        if (read == null || JSRuntime.isNullish(read) || kvCache == null) {
            return null;
        }
        String key = d.prefetchKey(request);
        return key == null ? null : JsTiers.prefetched(key, read);
    }

    private static JSResponse handle(JSRequest request, JSEnv jsEnv, JSExecutionContext ctx, JSObject read) {
        Dispatcher d;
        try {
            d = dispatcher(jsEnv);
        } catch (RuntimeException e) {
            LOG.error("isr4j could not start the application", e);
            return JsConversions.toJs(Response.of(500, Headers.of("content-type", "text/plain; charset=utf-8"),
                    Body.of("isr4j configuration error: " + e.getMessage())));
        }
        Request javaRequest = JsConversions.toJava(request, env);
        var response = d.handle(javaRequest, new WaitUntilBackground(ctx, LOG), prefetched(d, javaRequest, read));
        JSResponse js = JsConversions.toJs(response);
        if (read != null) {
            JsBody.release(read); // the Response owns the body now; see JsBody for why this matters
        }
        return js;
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
            kvStore = namespace == null ? null : new JsKvStore(namespace);
            App app = AppProvider.load();
            dispatcher = AppRuntime.dispatcher(app, kvStore, JsTiers.of(env, LOG), Clock.SYSTEM, LOG, prerenderedBundle);
            kvCache = dispatcher.cacheHandler() instanceof KvCacheHandler kv ? kv : null;
            prerenderedBundle = null; // parsed; the text is no longer needed
        } else if (jsEnv != env.current()) {
            // workerd hands every request the same env; a test harness may build one per call
            env.rebind(jsEnv);
            if (kvStore != null) {
                kvStore.rebind(env.namespace(AppRuntime.KV_BINDING));
            }
        }
        return dispatcher;
    }

    public static void main(String[] args) {
        // Nothing to do at start-up: the app is built on the first request, when env is known.
    }
}
