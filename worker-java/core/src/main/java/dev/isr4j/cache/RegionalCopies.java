package dev.isr4j.cache;

import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.api.Clock;
import dev.isr4j.api.Completion;
import dev.isr4j.api.KvStore;
import dev.isr4j.api.Log;
import dev.isr4j.api.RegionalCache;
import dev.isr4j.store.KvEntryFormat;
import dev.isr4j.store.StoredEntries;

/**
 * Copies of entries in the location's cache (the Cache API), read before KV and served only when fresh after the
 * same tag check as a KV entry; made from a fresh KV read after the response, refreshed by every write, and kept
 * no longer than the entry stays fresh.
 */
final class RegionalCopies {
    private final RegionalCache regional;
    private final KvKeys keys;
    private final TagStates tags;
    private final ObjectBodies bodies;
    private final Clock clock;
    private final Log log;
    private final long maxSeconds;

    RegionalCopies(RegionalCache regional, KvKeys keys, TagStates tags, ObjectBodies bodies, Clock clock, Log log,
                   long maxSeconds) {
        this.regional = regional;
        this.keys = keys;
        this.tags = tags;
        this.bodies = bodies;
        this.clock = clock;
        this.log = log;
        this.maxSeconds = maxSeconds;
    }

    /** The copy of {@code key}, or null (absent, or the read failed: KV decides). */
    KvStore.Stored read(String key) {
        try {
            return regional.match(keys.regional(key));
        } catch (RuntimeException e) {
            log.warn("regional cache read of " + key + " failed (" + e.getMessage() + "); reading KV");
            return null;
        }
    }

    /**
     * A regional copy, served only when it is a fresh, verified entry of this key whose tags allow it; anything
     * else (absent, unreadable, another key's, stale, invalidated) is null: KV decides.
     */
    CacheLookup lookup(String key, KvStore.Stored stored) {
        if (stored == null) {
            return null;
        }
        KvEntryFormat.Decoded decoded;
        try {
            decoded = KvEntryFormat.decode(stored);
        } catch (RuntimeException e) {
            log.warn("regional copy of " + key + " is unreadable (" + e.getMessage() + "); reading KV");
            return null;
        }
        long now = clock.millis();
        if (!decoded.key().equals(key) || StoredEntries.writtenInTheFuture(decoded.entry().lastModified(), now)) {
            return null;
        }
        CacheLookup lookup = tags.classify(decoded.entry(), now);
        if (lookup.state() != CacheLookup.State.FRESH) {
            return null;
        }
        CacheLookup served = bodies.withBody(key, decoded, lookup);
        // A copy whose body object is gone (pruned after newer writes) is an outdated copy: KV decides.
        return served.state() == CacheLookup.State.FRESH ? served : null;
    }

    /**
     * Copies a fresh KV entry (value and metadata as read) to the location's cache, for no longer than it stays
     * fresh. The copy is started now, while the read's buffer is certainly this request's, and awaited after
     * the response.
     */
    void copy(String key, KvStore.Stored stored, CacheEntry entry, long now, BackgroundWork background) {
        long ttl = ttl(entry.revalidateAt(), now);
        if (ttl < 1) {
            return;
        }
        Completion copy;
        try {
            copy = regional.put(keys.regional(key), stored.value(), stored.metadata(), ttl);
        } catch (RuntimeException e) {
            log.warn("copying " + key + " to the regional cache failed (" + e.getMessage() + ")");
            return;
        }
        try {
            background.keepAlive(copy);
            background.submit(() -> awaitCopy(copy, key));
        } catch (RuntimeException e) {
            log.warn("could not schedule the regional copy of " + key + " (" + e.getMessage() + ")");
        }
    }

    private void awaitCopy(Completion copy, String key) {
        try {
            copy.await();
        } catch (RuntimeException e) {
            log.warn("regional copy of " + key + " failed (" + e.getMessage() + "); KV still holds the entry");
        }
    }

    /** After a KV write: the location's copy becomes what KV now holds (a failure only costs the copy). */
    void refresh(String key, KvEntryFormat.Encoded encoded, long revalidateAt, long now, BackgroundWork background) {
        long ttl = ttl(revalidateAt, now);
        try {
            ObjectBodies.awaitKeptAlive(ttl >= 1 ? regional.put(keys.regional(key), encoded.value(),
                    encoded.metadata(), ttl) : regional.delete(keys.regional(key)), background);
        } catch (RuntimeException e) {
            log.warn("refreshing the regional copy of " + key + " failed (" + e.getMessage() + ")");
        }
    }

    Completion delete(String key) {
        return regional.delete(keys.regional(key));
    }

    /** Whole seconds a regional copy may live: until the entry turns stale, at most the configured cap. */
    private long ttl(long revalidateAt, long now) {
        long fresh = revalidateAt == Long.MAX_VALUE ? Long.MAX_VALUE : (revalidateAt - now) / 1000;
        return Math.min(fresh, maxSeconds);
    }
}
