package dev.isr4j.api;

import java.util.List;

/**
 * Storage behind the ISR layer. The default is {@link dev.isr4j.cache.InMemoryCacheHandler}; a deployment
 * with a {@code CACHE_KV} binding uses Workers KV. Implement this to plug in your own storage.
 *
 * <p>Methods are blocking style; in workerd they may await JS promises.
 */
public interface CacheHandler {
    /** Reads an entry and classifies it (fresh / stale / miss) at the handler's current time and tags. */
    CacheLookup get(String key);

    /**
     * Stores a value. The returned completion must finish only when the write is durable: the ISR layer
     * awaits it inside a background task registered with {@code ctx.waitUntil}.
     */
    Completion set(String key, CacheValue value, SetOptions options);

    /** Makes every entry carrying one of these tags a miss from now on (hard invalidation). */
    Completion revalidateTag(List<String> tags);

    /** Removes an entry (used for corrupted entries). */
    default Completion delete(String key) {
        return Completion.DONE;
    }

    /**
     * @param revalidateSeconds after how long the entry turns stale
     * @param expireSeconds after how long (from now) it may no longer be served
     * @param tags the entry's tags
     */
    record SetOptions(long revalidateSeconds, long expireSeconds, List<String> tags) {
        public SetOptions {
            tags = List.copyOf(tags);
        }
    }
}
