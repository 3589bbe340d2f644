package dev.isr4j.wasm;

import dev.isr4j.Body;
import dev.isr4j.Headers;
import dev.isr4j.Response;
import dev.isr4j.AppProvider;
import dev.isr4j.api.Clock;
import dev.isr4j.api.Log;
import dev.isr4j.App;
import dev.isr4j.Request;
import dev.isr4j.api.CacheHandler;
import dev.isr4j.api.EarlyRead;
import dev.isr4j.runtime.Deadlines;
import dev.isr4j.runtime.IsrRuntime;
import dev.isr4j.wasm.js.JSRuntime;
import dev.isr4j.wasm.js.JSEnv;
import dev.isr4j.wasm.js.JSExecutionContext;
import dev.isr4j.wasm.js.JSRequest;
import dev.isr4j.wasm.js.JSSqlStorage;
import org.teavm.jso.core.JSBoolean;
import org.teavm.jso.core.JSString;
import org.teavm.jso.JSExport;
import org.teavm.jso.JSObject;
import org.teavm.jso.function.JSConsumer;

/**
 * The module's entry point (TeaVM main class): the shim calls the exported {@code fetch} for every request.
 * The application comes from the registered {@link AppProvider}; the isolate builds it once.
 */
public final class WorkerMain {
    private static final Log LOG = new ConsoleLog();
    private static IsrRuntime runtime;
    private static JsEnv env;
    /** The build's prerendered pages as the shim gave them (a JS string), until the runtime first needs them. */
    private static JSObject prerenderedBundle;
    private static JsKvStore kvStore;
    private static long backgroundMillis = Deadlines.DEFAULT_BACKGROUND_MILLIS;

    private WorkerMain() {
    }

    /**
     * Handles one request on its own green thread (it may suspend on KV or fetch) and settles the shim's
     * promise through {@code resolve}, always with a Response (a 500 when anything failed); the shim creates
     * the promise, so no JS function is made from Java per request.
     */
    @JSExport
    public static void fetch(JSRequest request, JSEnv jsEnv, JSExecutionContext ctx, JSObject resolve,
                             JSObject prefetchedRead, int slot) {
        new RequestThread(request, jsEnv, ctx, resolve, prefetchedRead, EarlyReads.take(slot, request)).start();
    }

    /**
     * Answers a request whose early read found a fresh entry (or a stale one, whose regeneration then starts on a
     * green thread of its own, held by waitUntil), at once: no green thread for the answer (see
     * {@link IsrRuntime#answerNow}). Returns true when {@code resolve} got the Response; a promise when the answer
     * needs tag records this isolate does not know yet: their reads are started, and the shim calls again with
     * what they found ({@code tagTexts}); null when the request goes to {@link #fetch}, which then decides
     * everything as if this had not been called. Nothing here may suspend.
     */
    @JSExport
    public static JSObject answerNow(JSRequest request, JSExecutionContext ctx, JSObject read, int slot,
                                     JSObject resolve, JSObject tagTexts) {
        IsrRuntime r = runtime;
        if (r == null || read == null || JsKvStore.nothingFound(read)) {
            return null; // a MISS (or a read past its deadline) renders: nothing to classify here
        }
        EarlyReads.Started started = EarlyReads.peek(slot, request);
        if (started == null) {
            return null;
        }
        Response response;
        try {
            EarlyRead.Found found = JsTiers.found(started.early(), read);
            CacheHandler.TagReads waited = EarlyReads.waitedForTags(slot, request);
            if (waited != null && tagTexts != null && !JSRuntime.isNullish(tagTexts)) {
                r.learnTagReads(waited, kvStore.textsOf(waited.storeKeys(), tagTexts));
            }
            response = r.answerNow(started.request(), found, new WaitUntilBackground(ctx, LOG, backgroundMillis));
            if (response == null) {
                CacheHandler.TagReads reads = waited == null ? r.tagReadsNow(started.request(), found) : null;
                if (reads == null) {
                    return null; // once only: what the reads did not settle, the normal path does
                }
                EarlyReads.waitForTags(slot, request, reads);
                return kvStore.startTexts(reads.storeKeys());
            }
            JsConversions.respond(response, resolve, true);
        } catch (RuntimeException e) {
            return null; // the normal path answers (and reports) it
        }
        EarlyReads.take(slot, request);
        JsBody.release(read); // the Response owns the body now; see JsBody for why this matters
        return ANSWERED;
    }

    private static final JSObject ANSWERED = JSBoolean.valueOf(true);

    /**
     * A trap (a JS error from inside the module, such as a stack overflow) ended a green thread outside Java's
     * catch; the shim and {@link JsPromises} report it here, and the thread that was running answers for it.
     */
    @JSExport
    public static void trapped(JSObject error) {
        Traps.trapped(error);
    }

    /** One request's green thread; it knows its request, so a trap can still be answered as a handler failure. */
    private static final class RequestThread extends Traps.GuardedThread {
        private final JSRequest request;
        private final JSEnv jsEnv;
        private final JSExecutionContext ctx;
        private final JSObject resolve;
        private final JSObject read;
        private final EarlyReads.Started started;
        private Request javaRequest;
        private boolean answered;

        RequestThread(JSRequest request, JSEnv jsEnv, JSExecutionContext ctx, JSObject resolve,
                      JSObject read, EarlyReads.Started started) {
            this.request = request;
            this.jsEnv = jsEnv;
            this.ctx = ctx;
            this.resolve = resolve;
            this.read = read;
            this.started = started;
        }

        @Override
        public void run() {
            try {
                handle(this);
            } catch (Throwable e) {
                if (!answered) {
                    LOG.error("isr4j failed to answer a request", e);
                    answer(internalError());
                } else {
                    LOG.error("isr4j: a request's thread failed after its answer", e);
                }
            }
        }

        @Override
        void trapped(Throwable error) {
            if (answered) {
                LOG.error("isr4j: a request's thread failed after its answer", error);
                return;
            }
            answer(runtime != null && javaRequest != null ? runtime.handlerFailed(javaRequest, error) : logged(error));
        }

        /** Sends {@code response}; one the Fetch API refuses (a header it rejects) is answered as a failed handler. */
        private void answer(Response response) {
            try {
                JsConversions.respond(response, resolve);
            } catch (RuntimeException e) {
                JsConversions.respond(runtime != null && javaRequest != null ? runtime.handlerFailed(javaRequest, e)
                        : logged(e), resolve);
            }
            answered = true;
        }

        private static Response logged(Throwable error) {
            LOG.error("isr4j failed to answer a request", error);
            return internalError();
        }
    }

    private static Response internalError() {
        return Response.of(500, Headers.of("content-type", "text/plain; charset=utf-8"),
                Body.of("Internal Server Error"));
    }

    /**
     * Starts the one KV read a cached answer needs, if the request can have one, and returns its promise
     * (or null). Java decides the key; the shim waits for the read and hands its result to {@link #fetch},
     * so a HIT is answered without suspending Java on a promise. (Answering it synchronously, without a green
     * thread, is not possible: TeaVM's coroutine code needs a current thread even when it does not suspend.)
     */
    @JSExport
    public static JSObject prefetch(JSRequest request, JSEnv jsEnv) {
        // Only once the app is running: starting it (the first request) is the normal path's work. Kept that way,
        // nothing here can suspend, so TeaVM runs this export as a plain call, without a green thread for it.
        IsrRuntime r = runtime;
        if (r == null || kvStore == null) {
            return null;
        }
        try {
            rebind(jsEnv);
            Request javaRequest = JsConversions.toJava(request, env);
            EarlyRead early = r.earlyRead(javaRequest);
            return early == null ? null
                    : EarlyReads.remember(JsTiers.startRead(kvStore, early), request, javaRequest, early);
        } catch (RuntimeException e) {
            return null; // the normal path will report it
        }
    }

    /** What the shim's early read found, for the read the runtime asked for when it started it. */
    private static EarlyRead.Found found(IsrRuntime r, Request request, JSObject read, EarlyReads.Started started) {
        if (read == null || JSRuntime.isNullish(read) || kvStore == null) {
            return null;
        }
        EarlyRead early = started != null ? started.early() : r.earlyRead(request);
        if (early != null && JsKvStore.timedOut(read)) {
            // counted as a miss without a second read: the handler answers now
            LOG.warn(kvStore.lateMessage(early.storeKey()) + "; counted as a miss for " + request.path());
            return new EarlyRead.Found(early, null, false);
        }
        return early == null ? null : JsTiers.found(early, read);
    }

    private static void handle(RequestThread thread) {
        IsrRuntime d;
        try {
            d = runtime(thread.jsEnv);
        } catch (RuntimeException e) {
            LOG.error("isr4j could not start the application", e);
            thread.answer(Response.of(500, Headers.of("content-type", "text/plain; charset=utf-8"),
                    Body.of("isr4j configuration error: " + e.getMessage())));
            return;
        }
        // The request as converted for the early read, when there was one: converted and routed once.
        Request javaRequest = thread.started != null ? thread.started.request() : JsConversions.toJava(thread.request, env);
        thread.javaRequest = javaRequest;
        var response = d.handle(javaRequest, new WaitUntilBackground(thread.ctx, LOG, backgroundMillis),
                found(d, javaRequest, thread.read, thread.started));
        thread.answer(response);
        if (thread.read != null) {
            JsBody.release(thread.read); // the Response owns the body now; see JsBody for why this matters
        }
    }

    /** The shim hands over the build's prerendered pages once, at start-up. */
    @JSExport
    public static void prerendered(JSObject bundle) {
        prerenderedBundle = bundle; // crossed into Java and parsed only when a request first needs it
    }

    /** The bundle's text, once (tens of kilobytes: one UTF-8 buffer, not a call per character). */
    private static String takePrerendered() {
        JSObject bundle = prerenderedBundle;
        prerenderedBundle = null;
        return bundle == null || JSRuntime.isNullish(bundle) ? null : JsText.string(bundle);
    }

    private static IsrRuntime runtime(JSEnv jsEnv) {
        if (runtime == null) {
            env = new JsEnv(jsEnv, LOG);
            var namespace = env.namespace(IsrRuntime.KV_BINDING);
            kvStore = namespace == null ? null : new JsKvStore(namespace, Deadlines.kvReadMillis(env));
            backgroundMillis = Deadlines.backgroundMillis(env);
            App app = AppProvider.load();
            IsrRuntime created = IsrRuntime.startWithBundle(app, kvStore, JsTiers.of(env, LOG), Clock.SYSTEM, LOG,
                    WorkerMain::takePrerendered);
            created.collapseWaitMillis(Deadlines.collapseWaitMillis(env));
            CoordinatorHost.install(created, env, LOG); // before it is kept: a bad var fails every request alike
            runtime = created;
        } else {
            rebind(jsEnv);
        }
        return runtime;
    }

    /** workerd hands every request the same env; a test harness may build one per call. Never suspends. */
    private static void rebind(JSEnv jsEnv) {
        if (jsEnv != env.current()) {
            env.rebind(jsEnv);
            if (kvStore != null) {
                kvStore.rebind(env.namespace(IsrRuntime.KV_BINDING));
            }
            CoordinatorHost.rebind(env);
        }
    }

    /** The IsrCoordinator Durable Object's constructor: its SQLite tables (see CoordinatorHost). */
    @JSExport
    public static void coordinatorOpen(JSSqlStorage sql) {
        CoordinatorHost.open(sql);
    }

    /** One call to the IsrCoordinator Durable Object; {@code resolve} gets the answer's JSON text. */
    @JSExport
    public static void coordinate(JSSqlStorage sql, String body, JSConsumer<JSString> resolve) {
        CoordinatorHost.handle(sql, body, resolve);
    }

    public static void main(String[] args) {
        // Nothing to do at start-up: the app is built on the first request, when env is known.
    }
}
