package dev.isr4j.runtime;

import dev.isr4j.page.Prerendered;
import dev.isr4j.routing.Dispatcher;
import dev.isr4j.App;
import dev.isr4j.api.CacheHandler;
import dev.isr4j.api.Clock;
import dev.isr4j.api.KvStore;
import dev.isr4j.api.Log;
import dev.isr4j.cache.InMemoryCacheHandler;
import dev.isr4j.cache.KvCacheHandler;

/** Assembles an isolate's dispatcher and cache for {@link dev.isr4j.runtime.IsrRuntime}, the hosts' one door. */
public final class AppRuntime {
    public static final String KV_BINDING = "CACHE_KV";

    private AppRuntime() {
    }

    /**
     * @param cacheKv the {@code CACHE_KV} namespace, or null when unbound (then the cache is this isolate's
     *                memory, which is said once in the log)
     */
    public static Dispatcher dispatcher(App app, KvStore cacheKv, Clock clock, Log log) {
        return dispatcher(app, cacheKv, clock, log, null);
    }

    /** @param prerenderedBundle the build's prerendered pages ({@link Prerendered}), or null */
    public static Dispatcher dispatcher(App app, KvStore cacheKv, Clock clock, Log log, String prerenderedBundle) {
        return dispatcher(app, cacheKv, KvCacheHandler.Tiers.NONE, clock, log, prerenderedBundle);
    }

    /** @param tiers the stores besides KV the runtime has (the location's cache, R2), used with KV only */
    public static Dispatcher dispatcher(App app, KvStore cacheKv, KvCacheHandler.Tiers tiers, Clock clock, Log log,
                                        String prerenderedBundle) {
        return new Dispatcher(app, cacheHandler(app, cacheKv, tiers, clock, log), log,
                Prerendered.parse(prerenderedBundle, log), clock);
    }

    static CacheHandler cacheHandler(App app, KvStore cacheKv, Clock clock, Log log) {
        return cacheHandler(app, cacheKv, KvCacheHandler.Tiers.NONE, clock, log);
    }

    static CacheHandler cacheHandler(App app, KvStore cacheKv, KvCacheHandler.Tiers tiers, Clock clock, Log log) {
        if (app.cacheHandler() != null) {
            return app.cacheHandler();
        }
        if (cacheKv == null) {
            log.warn("no " + KV_BINDING + " KV binding: caching in this isolate's memory only");
            return new InMemoryCacheHandler(clock);
        }
        return new KvCacheHandler(cacheKv, clock, log, app.kvOptions(), tiers);
    }
}
