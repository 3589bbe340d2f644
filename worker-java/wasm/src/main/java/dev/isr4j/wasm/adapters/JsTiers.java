package dev.isr4j.wasm.adapters;

import dev.isr4j.api.Log;
import dev.isr4j.api.EarlyRead;
import dev.isr4j.cache.KvCacheHandler;
import dev.isr4j.wasm.js.JSCache;
import dev.isr4j.wasm.js.JSR2Bucket;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSFunctor;
import org.teavm.jso.JSObject;
import org.teavm.jso.core.JSPromise;

/**
 * The stores besides KV a worker has: the location's cache ({@code caches.default}, unless
 * {@code ISR_REGIONAL_CACHE} is {@code "off"}) and an R2 bucket bound as {@code CACHE_R2}; and the early read
 * of a request (see {@link #startRead}).
 */
public final class JsTiers {
    static final String R2_BINDING = "CACHE_R2";
    static final String REGIONAL_VAR = "ISR_REGIONAL_CACHE";

    private static JsRegionalCache regional;

    private JsTiers() {
    }

    /** Reads the bindings once per isolate; a bad {@code ISR_REGIONAL_CACHE} is a configuration error. */
    public static KvCacheHandler.Tiers of(JsEnv env, Log log) {
        String mode = env.var(REGIONAL_VAR);
        if (mode != null && !mode.isEmpty() && !mode.equals("on") && !mode.equals("off")) {
            throw new IllegalArgumentException(REGIONAL_VAR + " must be \"on\" or \"off\", got \"" + mode
                    + "\"; fix the vars entry in wrangler.jsonc");
        }
        JSCache cache = "off".equals(mode) ? null : JSCache.defaultCache();
        regional = cache == null ? null : new JsRegionalCache(cache, dev.isr4j.runtime.Deadlines.kvReadMillis(env));
        // Bindings are plain JS objects: the namespace lookup hands back whatever is bound under the name.
        JSObject r2 = env.namespace(R2_BINDING);
        return new KvCacheHandler.Tiers(regional, r2 == null ? null : new JsR2Store((JSR2Bucket) r2), JsBody::shared);
    }

    /** Starts a KV read; called by the early read only when the location has no copy. */
    @JSFunctor
    interface ReadStarter extends JSObject {
        JSPromise<?> start();
    }

    /**
     * The early read of a request whose answer may be cached: the location's copy first, and only when there is
     * none, the KV entry (so a warm location reads nothing from KV). The shim awaits the one promise; whether
     * the copy is servable (fresh, tags) is decided in Java, which reads KV itself when it is not.
     */
    public static JSObject startRead(JsKvStore kv, EarlyRead early) {
        if (regional == null || early.regionalKey() == null) {
            return kv.startRead(early.storeKey());
        }
        return orElse(regional.start(early.regionalKey()), () -> kv.startRead(early.storeKey()));
    }

    /** True when what the early read found is the location's copy (KV was not read). */
    @JSBody(params = "r", script = "return r !== null && r !== undefined && r.tier === 'regional';")
    public static native boolean fromRegion(JSObject read);

    @JSBody(params = {"copy", "kv"}, script = "return copy.then(function (r) { return r !== null ? r : kv(); });")
    private static native JSObject orElse(JSPromise<?> copy, ReadStarter kv);
}
