package dev.isr4j.wasm.host;

import dev.isr4j.App;
import dev.isr4j.AppProvider;
import dev.isr4j.Body;
import dev.isr4j.Headers;
import dev.isr4j.Response;
import dev.isr4j.api.Clock;
import dev.isr4j.api.Log;
import dev.isr4j.isr.Ticket;
import dev.isr4j.runtime.Deadlines;
import dev.isr4j.runtime.Exchange;
import dev.isr4j.runtime.IsrRuntime;
import dev.isr4j.wasm.adapters.ConsoleLog;
import dev.isr4j.wasm.adapters.JsBody;
import dev.isr4j.wasm.adapters.JsConversions;
import dev.isr4j.wasm.adapters.JsEnv;
import dev.isr4j.wasm.adapters.JsKvStore;
import dev.isr4j.wasm.adapters.JsPromises;
import dev.isr4j.wasm.adapters.JsText;
import dev.isr4j.wasm.adapters.JsTiers;
import dev.isr4j.wasm.adapters.JsWorkersCache;
import dev.isr4j.wasm.js.JSEnv;
import dev.isr4j.wasm.js.JSExecutionContext;
import dev.isr4j.wasm.js.JSKvNamespace;
import dev.isr4j.wasm.js.JSRequest;
import dev.isr4j.wasm.js.JSRuntime;
import dev.isr4j.wasm.js.JSSqlStorage;
import org.teavm.jso.JSExport;
import org.teavm.jso.JSObject;
import org.teavm.jso.core.JSString;
import org.teavm.jso.function.JSConsumer;

/**
 * The module's entry point (TeaVM main class): the shim's fetch is a loop over {@link #step} (the runtime's host
 * steps, see {@link Exchange}), ending in an answer or in {@link #run}.
 * The application comes from the registered {@link AppProvider}; the isolate builds it once.
 */
public final class WorkerMain {
    private static final Log LOG = new ConsoleLog();
    private static IsrRuntime runtime;
    private static JsEnv env;
    /** The build's prerendered pages as the shim gave them (a JS string), until the runtime first needs them. */
    private static JSObject prerenderedBundle;
    private static String devBuildId = "";
    private static JsKvStore kvStore;
    private static long backgroundMillis = Deadlines.DEFAULT_BACKGROUND_MILLIS;
    private static App app;

    static {
        // Every thread that awaits is started by an export of this class, so this runs before any await.
        JsPromises.reportTrapsTo(Traps.REPORTER);
    }

    private WorkerMain() {
    }

    /**
     * The next step of a request (see {@link Exchange}), as the shim's loop reads it: a Response (the answer, sent
     * at once), a promise carrying {@code isr4jHandle} (reads started here, whose result the shim hands back with
     * that handle), or a number (the handle to {@link #run}, -1 for none). The first call ({@code handle} -1)
     * begins the exchange; each later one hands over what the read found ({@code read}: null when it failed).
     * Nothing here may suspend: TeaVM runs this export as a plain call, without a green thread, which is how a
     * HIT is answered without one. Only once the app is running: starting it (the first request) is the thread's
     * work.
     */
    @JSExport
    public static JSObject step(JSRequest request, JSEnv jsEnv, JSExecutionContext ctx, int handle, JSObject read) {
        IsrRuntime r = runtime;
        if (r == null) {
            return Exchanges.run(-1);
        }
        try {
            Exchange exchange;
            if (handle < 0) {
                rebind(jsEnv);
                exchange = r.begin(JsConversions.toJava(request, env), new WaitUntilBackground(ctx, LOG, backgroundMillis),
                        JsWorkersCache.of(ctx));
                handle = Exchanges.keep(request, exchange);
            } else {
                exchange = Exchanges.find(handle, request);
                if (exchange == null) {
                    return Exchanges.run(-1);
                }
                resume(exchange, handle, read);
            }
            return next(exchange, handle);
        } catch (RuntimeException e) {
            return Exchanges.run(handle); // running answers (and reports) it
        }
    }

    /** Hands the exchange what the read it is waiting for found. */
    private static void resume(Exchange exchange, int handle, JSObject read) {
        if (exchange.step() == Exchange.Step.READ_TAGS) {
            exchange.tagsRead(JSRuntime.isNullish(read) ? null : kvStore.textsOf(exchange.tagsToRead().storeKeys(), read));
        } else if (JSRuntime.isNullish(read)) {
            exchange.entryReadFailed();
        } else if (JsKvStore.nothingFound(read)) {
            if (JsKvStore.timedOut(read)) { // counted as a miss without a second read: the handler answers now
                LOG.warn(kvStore.lateMessage(exchange.entryToRead().storeKey()) + "; counted as a miss for "
                        + exchange.request().path());
            }
            exchange.entryRead(null, false);
        } else {
            Exchanges.holdRead(handle, read);
            // The read result itself holds the body: the buffer never enters Java (see JsBody).
            exchange.entryRead(JsKvStore.stored((JSKvNamespace.WithMetadata) read), JsTiers.fromRegion(read));
        }
    }

    /** The step the exchange is at, for the shim: the answer, the reads it needs started, or the handle to run. */
    private static JSObject next(Exchange exchange, int handle) {
        switch (exchange.step()) {
            case ANSWER:
                Ticket ticket = exchange.ticket(); // issued only with the memory tier on (see MemoryTier)
                JSObject response = ticket == null ? JsConversions.response(exchange.answer(), true)
                        : JsConversions.replayable(exchange.answer(), Exchanges.requestOf(handle), ticket);
                JSObject read = Exchanges.drop(handle);
                if (read != null) {
                    JsBody.release(read); // the Response owns the body now; see JsBody for why this matters
                }
                return response;
            case READ_ENTRY:
                return kvStore == null ? Exchanges.run(handle)
                        : Exchanges.withHandle(JsTiers.startRead(kvStore, exchange.entryToRead()), handle);
            case READ_TAGS:
                return Exchanges.withHandle(kvStore.startTexts(exchange.tagsToRead().storeKeys()), handle);
            default:
                return Exchanges.run(handle);
        }
    }

    /**
     * Runs a request on its own green thread (it may suspend on KV or fetch) and settles the shim's promise through
     * {@code resolve}, always with a Response (a 500 when anything failed); the shim creates the promise, so no JS
     * function is made from Java per request. {@code handle}: the exchange {@link #step} began (-1: none, the
     * request starts here).
     */
    @JSExport
    public static void run(JSRequest request, JSEnv jsEnv, JSExecutionContext ctx, JSObject resolve, int handle) {
        Exchange exchange = Exchanges.find(handle, request);
        JSObject read = exchange == null ? null : Exchanges.drop(handle);
        new RequestThread(request, jsEnv, ctx, resolve, exchange, read).start();
    }

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
        /** The entry read's result the exchange holds the body of (released once answered), or null. */
        private final JSObject read;
        private Exchange exchange;
        private boolean answered;

        RequestThread(JSRequest request, JSEnv jsEnv, JSExecutionContext ctx, JSObject resolve, Exchange exchange,
                      JSObject read) {
            this.request = request;
            this.jsEnv = jsEnv;
            this.ctx = ctx;
            this.resolve = resolve;
            this.exchange = exchange;
            this.read = read;
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
            answer(exchange != null ? exchange.failed(error) : logged(error));
        }

        /** Sends {@code response}; one the Fetch API refuses (a header it rejects) is answered as a failed handler. */
        private void answer(Response response) {
            JSObject js;
            try {
                js = JsConversions.response(response, false);
            } catch (RuntimeException e) {
                js = JsConversions.response(exchange != null ? exchange.failed(e) : logged(e), false);
            }
            JsConversions.resolve(resolve, js);
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
        if (thread.exchange == null) {
            thread.exchange = d.begin(JsConversions.toJava(thread.request, env),
                    new WaitUntilBackground(thread.ctx, LOG, backgroundMillis), JsWorkersCache.of(thread.ctx));
        }
        thread.answer(thread.exchange.run());
        if (thread.read != null) {
            JsBody.release(thread.read); // the Response owns the body now; see JsBody for why this matters
        }
    }

    /**
     * The shim hands over the build's prerendered pages once, at start-up, and a development build's id ("" in
     * other builds), which scopes the cache keys of an app that sets none (see isr4j-maven-plugin's isr4j.dev).
     */
    @JSExport
    public static void prerendered(JSObject bundle, String buildId) {
        prerenderedBundle = bundle; // crossed into Java and parsed only when a request first needs it
        devBuildId = buildId == null ? "" : buildId;
    }

    /** The bundle's text, once (tens of kilobytes: one UTF-8 buffer, not a call per character). */
    private static String takePrerendered() {
        JSObject bundle = prerenderedBundle;
        prerenderedBundle = null;
        return bundle == null || JSRuntime.isNullish(bundle) ? null : JsText.string(bundle);
    }

    /** The application, built once: at start-up ({@link #warm}) or by the first request. */
    private static App app() {
        if (app == null) {
            App created = AppProvider.load();
            if (!devBuildId.isEmpty() && created.buildId().isEmpty()) {
                created.buildId(devBuildId);
            }
            app = created;
        }
        return app;
    }

    /**
     * Start-up work the first request would otherwise pay, done while the module starts (which Workers overlaps with
     * the TLS handshake): builds the application (its routes, pages and templates). Only what the first request
     * would do anyway: the runtime itself needs env, which the first request brings, and running requests here (a
     * runtime of its own, a 404, a MISS and HITs over a store in memory were tried) cost start-up more than they
     * saved the first request (docs/performance.md). Best effort: a failure is left to the first request, which
     * reports it.
     */
    @JSExport
    public static void warm() {
        new WarmUp().start(); // on a green thread, as a request runs: the app's own code may expect one
    }

    private static final class WarmUp extends Traps.GuardedThread {
        @Override
        public void run() {
            try {
                app();
            } catch (RuntimeException e) {
                // left to the first request, which reports it
            }
        }

        @Override
        void trapped(Throwable error) {
            // left to the first request
        }
    }

    private static IsrRuntime runtime(JSEnv jsEnv) {
        if (runtime == null) {
            env = new JsEnv(jsEnv, LOG);
            var namespace = env.namespace(IsrRuntime.KV_BINDING);
            kvStore = namespace == null ? null : new JsKvStore(namespace, Deadlines.kvReadMillis(env));
            backgroundMillis = Deadlines.backgroundMillis(env);
            boolean replay = MemoryTier.enabled(env);
            IsrRuntime created = IsrRuntime.startWithBundle(app(), kvStore, JsTiers.of(env, LOG), Clock.SYSTEM, LOG,
                    WorkerMain::takePrerendered);
            created.collapseWaitMillis(Deadlines.collapseWaitMillis(env));
            CoordinatorHost.install(created, env, LOG); // before it is kept: a bad var fails every request alike
            created.onRevalidation(JsConversions::dropReplayable);
            created.issueTickets(replay);
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
