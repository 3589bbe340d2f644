package dev.isr4j.runtime;

import dev.isr4j.App;
import dev.isr4j.Kv;
import dev.isr4j.Request;
import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.CacheHandler;
import dev.isr4j.api.Clock;
import dev.isr4j.api.KvStore;
import dev.isr4j.api.Log;
import dev.isr4j.api.RevalidationListener;
import dev.isr4j.api.WorkersCache;
import dev.isr4j.cache.InMemoryCacheHandler;
import dev.isr4j.cache.KvCacheHandler;
import dev.isr4j.coord.CoordinatorOptions;
import dev.isr4j.api.CoordinatorTransport;
import dev.isr4j.page.Prerendered;
import dev.isr4j.routing.Dispatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The one door into isr4j's runtime for a host: the Wasm entry point in workerd and the JVM test kit both
 * start it and drive each request through the same steps ({@link Exchange}), so the test kit runs the path
 * workerd takes, early read included.
 *
 * <pre>{@code
 * IsrRuntime runtime = IsrRuntime.start(app, cacheKv, KvCacheHandler.Tiers.NONE, clock, log, prerendered);
 * Exchange exchange = runtime.begin(request, background);   // then the loop Exchange shows
 * }</pre>
 */
public final class IsrRuntime {
    /** The binding that holds the cache. */
    public static final String KV_BINDING = "CACHE_KV";

    private final Dispatcher dispatcher;
    private final List<String> routePatterns;

    private IsrRuntime(Dispatcher dispatcher, List<String> routePatterns) {
        this.dispatcher = dispatcher;
        this.routePatterns = routePatterns;
    }

    /**
     * @param cacheKv the {@code CACHE_KV} namespace, or null (then the cache is this isolate's memory, said once
     *                in the log)
     * @param tiers the stores besides KV the host has (the location's cache, R2); used with KV only
     * @param prerenderedBundle the build's prerendered pages, or null
     * @throws IllegalArgumentException when the app is misconfigured, saying what to change
     */
    public static IsrRuntime start(App app, KvStore cacheKv, KvCacheHandler.Tiers tiers, Clock clock, Log log,
                                   String prerenderedBundle) {
        return startWithBundle(app, cacheKv, tiers, clock, log, prerenderedBundle == null ? null : () -> prerenderedBundle);
    }

    /**
     * As {@link #start(App, KvStore, KvCacheHandler.Tiers, Clock, Log, String)}, with the prerendered bundle asked
     * for (once) only when a request first needs it: a cached answer never does, so it is not read or parsed
     * before then.
     */
    public static IsrRuntime startWithBundle(App app, KvStore cacheKv, KvCacheHandler.Tiers tiers, Clock clock,
                                             Log log, Supplier<String> prerenderedBundle) {
        var patterns = new ArrayList<String>();
        for (var route : app.routes()) {
            patterns.add(route.pattern());
        }
        var dispatcher = new Dispatcher(app, cacheHandler(app, cacheKv, tiers, clock, log), log,
                Prerendered.lazy(prerenderedBundle, log), clock);
        return new IsrRuntime(dispatcher, List.copyOf(patterns));
    }

    /** The app's own handler, else KV when bound, else this isolate's memory (said once in the log). */
    private static CacheHandler cacheHandler(App app, KvStore cacheKv, KvCacheHandler.Tiers tiers, Clock clock,
                                             Log log) {
        if (app.cacheHandler() != null) {
            return app.cacheHandler();
        }
        if (cacheKv == null) {
            log.warn("no " + KV_BINDING + " KV binding: caching in this isolate's memory only");
            return new InMemoryCacheHandler(clock);
        }
        return new KvCacheHandler(cacheKv, clock, log, app.kvOptions(), tiers);
    }

    /**
     * Tells {@code listener} of every revalidation this isolate makes, as it starts and once it is written, and of
     * every recent one it learns of: a host that replays answers under {@link Exchange#ticket() tickets} drops them
     * then.
     */
    public void onRevalidation(RevalidationListener listener) {
        dispatcher.onRevalidation(listener);
    }

    /**
     * How long a request waits for another request's render of the same key in this isolate before rendering
     * itself ({@link Deadlines#collapseWaitMillis}); 0: requests never wait for each other.
     */
    public void collapseWaitMillis(long millis) {
        dispatcher.cache().collapseWaitMillis(millis);
        dispatcher.dataCache().collapseWaitMillis(millis);
    }

    /**
     * How a request waiting for another's render (in this isolate, or in another through the coordinator) passes
     * the time between looks; by default it sleeps. A simulation on a test clock advances the clock and runs other
     * work instead.
     */
    public void collapsePause(dev.isr4j.isr.RequestCollapser.Pause pause) {
        dispatcher.cache().collapsePause(pause);
    }

    /** A KV binding as a handler sees it ({@code Env.kv}): blocking-style calls over the host's store. */
    public static Kv kv(KvStore store) {
        return new BlockingKv(store);
    }

    /** The patterns of the app's routes and pages, in declaration order (e.g. {@code /api/posts/{id}}). */
    public List<String> routePatterns() {
        return routePatterns;
    }

    /**
     * Starts {@code request}'s way through the runtime: the host takes the steps the {@link Exchange} names (read
     * this, then answer or run) until it has the answer. Its background work (cache writes, regenerations) goes
     * to {@code background}. Reads nothing and never suspends.
     */
    public Exchange begin(Request request, BackgroundWork background) {
        return new Exchange(dispatcher, request, background, null, issueTickets);
    }

    /** Whether exchanges issue {@link Exchange#ticket() tickets} (off unless a host that replays asks for them). */
    private volatile boolean issueTickets;

    /**
     * Has every exchange begun from now on issue a {@link Exchange#ticket() ticket} with a fresh entry's answer
     * (for a host with a memory tier); without, nothing is spent on them.
     */
    public void issueTickets(boolean issue) {
        this.issueTickets = issue;
    }

    /**
     * As {@link #begin(Request, BackgroundWork)}, for a request that came through the Worker's own edge cache
     * ({@code ctx.cache} in workerd; null: none): the revalidations it makes purge that cache too (see
     * {@link dev.isr4j.cache.WorkersCachePurger}).
     */
    public Exchange begin(Request request, BackgroundWork background, WorkersCache workersCache) {
        return new Exchange(dispatcher, request, background, workersCache, issueTickets);
    }

    /**
     * Coordinates this isolate with the others through the {@code IsrCoordinator} Durable Object: regeneration
     * leases, and tag records when {@code options} keep them there.
     */
    public void coordinate(CoordinatorTransport transport, CoordinatorOptions options, Clock clock, Log log) {
        Coordination.install(dispatcher, transport, options, clock, log);
    }
}
