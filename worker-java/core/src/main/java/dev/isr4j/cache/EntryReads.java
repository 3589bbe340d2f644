package dev.isr4j.cache;

import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.api.Clock;
import dev.isr4j.api.KvStore;
import dev.isr4j.api.Log;
import dev.isr4j.store.KvEntryFormat;
import dev.isr4j.store.StoredEntries;

/**
 * What a KV read of an entry means: absent, unreadable, another key's (the format records the full cache key, so
 * a storage-key collision is a miss), written in the future (unreadable), or the entry classified by its times
 * and tags, with its body from the object store when it is kept there.
 */
final class EntryReads {
    private final KvStore store;
    private final KvKeys keys;
    private final TagStates tags;
    private final ObjectBodies bodies;
    private final RegionalCopies regional;
    private final Clock clock;
    private final Log log;

    /** @param regional where a fresh entry read is copied after the response, or null */
    EntryReads(KvStore store, KvKeys keys, TagStates tags, ObjectBodies bodies, RegionalCopies regional, Clock clock,
               Log log) {
        this.store = store;
        this.keys = keys;
        this.tags = tags;
        this.bodies = bodies;
        this.regional = regional;
        this.clock = clock;
        this.log = log;
    }

    /** Reads the entry of {@code key} from KV and classifies it. */
    CacheLookup read(String key, BackgroundWork background) {
        return lookup(key, store.getWithMetadata(keys.entry(key)), background);
    }

    /**
     * Classifies what KV holds for {@code key} (null: absent); a fresh entry is copied to the location's cache
     * through {@code background} (without it, no copy is made).
     */
    CacheLookup lookup(String key, KvStore.Stored stored, BackgroundWork background) {
        if (stored == null) {
            return CacheLookup.MISS;
        }
        KvEntryFormat.Decoded decoded;
        try {
            decoded = KvEntryFormat.decode(stored);
        } catch (RuntimeException e) {
            log.warn("cache entry " + keys.entry(key) + " is unreadable (" + e.getMessage() + ")");
            return CacheLookup.CORRUPT;
        }
        if (!decoded.key().equals(key)) {
            log.warn("cache entry " + keys.entry(key) + " belongs to another key (hash collision); answering uncached");
            return CacheLookup.OCCUPIED;
        }
        long now = clock.millis();
        CacheEntry entry = decoded.entry();
        if (StoredEntries.writtenInTheFuture(entry.lastModified(), now)) {
            log.warn("cache entry " + keys.entry(key) + " claims to be written at " + entry.lastModified()
                    + ", in the future; treated as unreadable");
            return CacheLookup.CORRUPT;
        }
        CacheLookup lookup = tags.classify(entry, now);
        if (lookup.state() == CacheLookup.State.FRESH && regional != null && background != null) {
            regional.copy(key, stored, entry, now, background);
        }
        return bodies.withBody(key, decoded, lookup);
    }
}
