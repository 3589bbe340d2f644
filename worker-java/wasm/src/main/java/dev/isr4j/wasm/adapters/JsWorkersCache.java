package dev.isr4j.wasm.adapters;

import dev.isr4j.api.WorkersCache;
import dev.isr4j.wasm.js.JSExecutionContext;
import java.util.List;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;
import org.teavm.jso.core.JSPromise;

/**
 * {@link WorkersCache} over {@code ctx.cache} (Cloudflare's Workers Cache): each call is one
 * {@code ctx.cache.purge(...)} or {@code ctx.cache.invalidate(...)} with the tags Java chose, awaited.
 */
public final class JsWorkersCache implements WorkersCache {
    private final JSObject cache;

    private JsWorkersCache(JSObject cache) {
        this.cache = cache;
    }

    /** The request's edge cache, or null when its {@code ctx} has none (workerd and Miniflare locally). */
    public static WorkersCache of(JSExecutionContext ctx) {
        JSObject cache = cacheOf(ctx);
        return cache == null ? null : new JsWorkersCache(cache);
    }

    @Override
    public void purgeTags(List<String> cacheTags) {
        JsPromises.await(call(cache, "purge", String.join("\n", cacheTags)));
    }

    @Override
    public void invalidateTags(List<String> cacheTags) {
        JsPromises.await(call(cache, "invalidate", String.join("\n", cacheTags)));
    }

    @Override
    public void purgeEverything() {
        JsPromises.await(callEverything(cache, "purge"));
    }

    @Override
    public void invalidateEverything() {
        JsPromises.await(callEverything(cache, "invalidate"));
    }

    @Override
    public boolean canInvalidate() {
        return canInvalidate(cache);
    }

    @JSBody(params = "ctx", script = "const c = ctx.cache;"
            + " return c !== null && typeof c === 'object' && typeof c.purge === 'function' ? c : null;")
    private static native JSObject cacheOf(JSExecutionContext ctx);

    @JSBody(params = "cache", script = "return typeof cache.invalidate === 'function';")
    private static native boolean canInvalidate(JSObject cache);

    // Tags one per line (a Cache-Tag value never holds one): one string crosses, not a list.
    @JSBody(params = {"cache", "method", "tags"}, script = "return isr4jJs.workersCacheCall(cache, method, tags);")
    private static native JSPromise<JSObject> call(JSObject cache, String method, String tags);

    @JSBody(params = {"cache", "method"}, script = "return isr4jJs.workersCacheCall(cache, method, null);")
    private static native JSPromise<JSObject> callEverything(JSObject cache, String method);
}
