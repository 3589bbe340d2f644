package dev.isr4j.api;

import java.util.List;

/**
 * The Worker's own edge cache, as a host reaches it for one request: Cloudflare's Workers Cache
 * ({@code ctx.cache}, on with {@code "cache": { "enabled": true }} in the Wrangler configuration), which answers
 * before the Worker runs, keeps answers by their {@code Cache-Control} and groups them by {@code Cache-Tag}. The
 * host does what it is told; what to purge or mark stale, in what batches, is isr4j's
 * ({@code dev.isr4j.cache.WorkersCachePurger}), after each revalidation, in the background.
 *
 * <p>Blocking style, like {@link CacheHandler}: a call returns once the cache has taken it, and throws when the
 * cache refused it.
 */
public interface WorkersCache {
    /** {@code ctx.cache.purge({ tags })}: drops every answer carrying one of these {@code Cache-Tag} values. */
    void purgeTags(List<String> cacheTags);

    /**
     * {@code ctx.cache.invalidate({ tags })}: marks them stale; the cache revalidates each with a conditional
     * request ({@code If-None-Match}) and keeps its body on a {@code 304}.
     */
    void invalidateTags(List<String> cacheTags);

    /** {@code ctx.cache.purge({ purgeEverything: true })}. */
    void purgeEverything();

    /** {@code ctx.cache.invalidate({ purgeEverything: true })}. */
    void invalidateEverything();

    /** False where the runtime's cache can purge but not mark stale: isr4j then purges instead. */
    boolean canInvalidate();
}
