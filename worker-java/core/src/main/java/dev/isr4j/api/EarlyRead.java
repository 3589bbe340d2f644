package dev.isr4j.api;

/**
 * The one read a cached answer needs, which a host may start before it hands the request to Java (workerd
 * starts it while the request is still crossing into the module, so a HIT never waits on storage inside Java),
 * and what it found. A {@link CacheHandler} that stores entries somewhere a host can read says which keys to
 * read ({@link CacheHandler#earlyRead}) and classifies what was found ({@link CacheHandler#lookup(Found,
 * BackgroundWork)}).
 *
 * @param cacheKey the cache key the answer is looked up under
 * @param storeKey the key to read in the handler's store (KV)
 * @param regionalKey the key to try first in the location's cache, or null when there is none
 */
public record EarlyRead(String cacheKey, String storeKey, String regionalKey) {
    /**
     * What the early read found.
     *
     * @param stored the value and metadata read (null: absent, or the read ran past its deadline)
     * @param regional true when it is the location's copy (the store was not read)
     */
    public record Found(EarlyRead read, KvStore.Stored stored, boolean regional) {
    }
}
