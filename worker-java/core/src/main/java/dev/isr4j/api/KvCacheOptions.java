package dev.isr4j.api;

import dev.isr4j.text.Text;

/**
 * How the built-in Workers KV cache handler ({@code dev.isr4j.cache.KvCacheHandler}) keys, keeps and tiers entries:
 * set them with {@code App.kvOptions(KvCacheOptions.defaults().with...)}.
 *
 * @param appPrefix prepended to every key (several apps can share a namespace)
 * @param expirationTtlSeconds KV TTL of entries, decoupled from revalidate (stale entries must survive)
 * @param tagCacheMillis how long an isolate trusts a tag state it read from KV
 * @param maxCachedTags how many tag states an isolate keeps (least recently used go first; a forgotten
 *                      one is read from KV again): bounds the memory requests for distinct paths can take
 * @param regionalCache keep copies of entries in the location's cache (when the runtime has one) and read
 *                      them before KV
 * @param regionalMaxSeconds the longest a regional copy is kept; never longer than the entry stays fresh
 * @param objectThresholdBytes bodies longer than this go to the object store (R2) when there is one
 */
public record KvCacheOptions(String appPrefix, long expirationTtlSeconds, long tagCacheMillis, int maxCachedTags,
                      boolean regionalCache, long regionalMaxSeconds, long objectThresholdBytes) {
    public static final long DEFAULT_TTL_SECONDS = 30L * 24 * 3600;
    public static final long DEFAULT_TAG_CACHE_MILLIS = 5000;
    public static final int DEFAULT_MAX_CACHED_TAGS = 10_000;
    /** The longest a regional copy lives by default: one hour (and never past the entry's freshness). */
    public static final long DEFAULT_REGIONAL_MAX_SECONDS = 3600;
    /** By default only bodies KV cannot hold go to R2. */
    public static final long DEFAULT_OBJECT_THRESHOLD_BYTES = KvStore.MAX_VALUE_BYTES;

    public KvCacheOptions {
        if (!Text.isWord(appPrefix, "._:-", 0, 64)) {
            throw new IllegalArgumentException("KV appPrefix must be up to 64 characters of letters, digits, "
                    + "'.', '_', ':' or '-', got: " + appPrefix);
        }
        if (expirationTtlSeconds < KvStore.MIN_EXPIRATION_TTL_SECONDS) {
            throw new IllegalArgumentException("KV expirationTtl must be at least "
                    + KvStore.MIN_EXPIRATION_TTL_SECONDS + " seconds (KV's minimum), got " + expirationTtlSeconds);
        }
        if (tagCacheMillis < 0) {
            throw new IllegalArgumentException("tagCacheMillis must be >= 0, got " + tagCacheMillis);
        }
        if (maxCachedTags < 1) {
            throw new IllegalArgumentException("maxCachedTags must be at least 1, got " + maxCachedTags);
        }
        if (regionalMaxSeconds < 1) {
            throw new IllegalArgumentException("regionalMaxSeconds must be at least 1, got " + regionalMaxSeconds
                    + "; turn the regional cache off with withRegionalCache(false) instead");
        }
        if (objectThresholdBytes < 0 || objectThresholdBytes > KvStore.MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("objectThresholdBytes must be between 0 and KV's value limit ("
                    + KvStore.MAX_VALUE_BYTES + "), got " + objectThresholdBytes);
        }
    }

    public KvCacheOptions(String appPrefix, long expirationTtlSeconds, long tagCacheMillis, int maxCachedTags) {
        this(appPrefix, expirationTtlSeconds, tagCacheMillis, maxCachedTags, true, DEFAULT_REGIONAL_MAX_SECONDS,
                DEFAULT_OBJECT_THRESHOLD_BYTES);
    }

    public static KvCacheOptions defaults() {
        return new KvCacheOptions("", DEFAULT_TTL_SECONDS, DEFAULT_TAG_CACHE_MILLIS, DEFAULT_MAX_CACHED_TAGS);
    }

    public KvCacheOptions withAppPrefix(String prefix) {
        return new KvCacheOptions(prefix, expirationTtlSeconds, tagCacheMillis, maxCachedTags, regionalCache,
                regionalMaxSeconds, objectThresholdBytes);
    }

    public KvCacheOptions withExpirationTtl(long seconds) {
        return new KvCacheOptions(appPrefix, seconds, tagCacheMillis, maxCachedTags, regionalCache, regionalMaxSeconds,
                objectThresholdBytes);
    }

    public KvCacheOptions withTagCacheMillis(long millis) {
        return new KvCacheOptions(appPrefix, expirationTtlSeconds, millis, maxCachedTags, regionalCache,
                regionalMaxSeconds, objectThresholdBytes);
    }

    /** How many tag states one isolate keeps in memory (default {@value #DEFAULT_MAX_CACHED_TAGS}). */
    public KvCacheOptions withMaxCachedTags(int max) {
        return new KvCacheOptions(appPrefix, expirationTtlSeconds, tagCacheMillis, max, regionalCache,
                regionalMaxSeconds, objectThresholdBytes);
    }

    /** Whether to keep regional copies where the runtime has a location cache (default on). */
    public KvCacheOptions withRegionalCache(boolean on) {
        return new KvCacheOptions(appPrefix, expirationTtlSeconds, tagCacheMillis, maxCachedTags, on,
                regionalMaxSeconds, objectThresholdBytes);
    }

    /** The longest a regional copy is kept (default {@value #DEFAULT_REGIONAL_MAX_SECONDS} s). */
    public KvCacheOptions withRegionalMaxSeconds(long seconds) {
        return new KvCacheOptions(appPrefix, expirationTtlSeconds, tagCacheMillis, maxCachedTags, regionalCache,
                seconds, objectThresholdBytes);
    }

    /** Bodies longer than this many bytes go to the object store, when there is one (default: KV's limit). */
    public KvCacheOptions withObjectThreshold(long bytes) {
        return new KvCacheOptions(appPrefix, expirationTtlSeconds, tagCacheMillis, maxCachedTags, regionalCache,
                regionalMaxSeconds, bytes);
    }
}
