package dev.isr4j.api;

import dev.isr4j.Body;

/**
 * The location's own cache (the Workers Cache API, {@code caches.default}): a copy of a KV entry, read before
 * KV so a warm HIT in a location reads nothing from KV. A copy is the KV value and metadata as they are, so it
 * is decoded and verified exactly like the KV entry. Copies are local to one location and may vanish at any
 * time; {@code ttlSeconds} is an upper bound on how long one may be kept.
 */
public interface RegionalCache {
    /** The copy stored under {@code key}, or null when there is none (or it cannot be read). */
    KvStore.Stored match(String key);

    /** Stores a copy for at most {@code ttlSeconds} (at least 1). */
    Completion put(String key, Body value, String metadataJson, long ttlSeconds);

    Completion delete(String key);
}
