package dev.isr4j.cache;

import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.api.Clock;
import dev.isr4j.api.Completion;
import dev.isr4j.api.Log;
import dev.isr4j.api.TagStore;
import dev.isr4j.store.CacheKeys;
import dev.isr4j.text.Tags;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * What tag invalidations say of an entry, and recording them: in KV's tag records, or in a tag store with KV
 * copies once {@link #useTagStore} is called.
 *
 * <p>Invalidations fail closed: a tag record that cannot be read (KV error, unparsable, another tag's record)
 * makes every entry carrying the tag a miss; that verdict is retried after at most
 * {@link TagCache#FAILED_READ_RETRY_MILLIS}, not trusted for the whole tag-cache window. A soft revalidation never
 * lowers or erases a hard one: it re-reads the record from KV (not the isolate's tag cache) and keeps its hard
 * timestamp, and when it cannot read the record it records a hard revalidation instead. (Across locations KV
 * may show a soft writer a record up to ~60 s old; a hard revalidation landing within that window elsewhere
 * can still be overwritten. Revalidate hard when that matters.)
 */
final class TagStates {
    private final TagRecords records;
    private final TagCache cache;
    private final Clock clock;
    private final Log log;
    private volatile CoordinatedTags coordinated;

    TagStates(TagRecords records, TagCache cache, Clock clock, Log log) {
        this.records = records;
        this.cache = cache;
        this.clock = clock;
        this.log = log;
    }

    /** Reads and revalidates tags in {@code store} from now on, trusting what it read for {@code cacheMillis}. */
    void useTagStore(TagStore store, long cacheMillis, LongConsumer sleep) {
        var tags = new CoordinatedTags(store, cache, records, clock, log, sleep);
        cache.trustFor(cacheMillis);
        this.coordinated = tags;
    }

    /** Whether tag records come from a tag store (not KV's records). */
    boolean inTagStore() {
        return coordinated != null;
    }

    /** What the tags of an entry last written at {@code lastModified} say: FRESH, STALE or MISS (fail closed). */
    CacheLookup.State state(List<String> tags, long lastModified) {
        long now = clock.millis();
        CoordinatedTags store = coordinated;
        Map<String, TagState> fromStore = null;
        if (store != null && (fromStore = store.read(tags, now)) == null) {
            return CacheLookup.State.MISS; // fail closed: the entry counts as revalidated now
        }
        return byTags(tags, lastModified, fromStore != null ? fromStore : cache.readThrough(tags, now));
    }

    /** Classifies an entry at {@code now}; its tags are read only when it has not expired (a read may cost I/O). */
    CacheLookup classify(CacheEntry entry, long now) {
        if (now >= entry.expireAt()) {
            return CacheLookup.INVALIDATED;
        }
        return CacheLookup.classify(entry, now, state(entry.tags(), entry.lastModified()));
    }

    /** What the states of an entry's tags say of an entry last written at {@code lastModified}. */
    static CacheLookup.State byTags(List<String> tags, long lastModified, Map<String, TagState> states) {
        boolean stale = false;
        for (String tag : tags) {
            TagState state = states.get(tag);
            if (state.unknown() || state.expiredAt() >= lastModified) {
                return CacheLookup.State.MISS;
            }
            stale |= state.staleAt() >= lastModified;
        }
        return stale ? CacheLookup.State.STALE : CacheLookup.State.FRESH;
    }

    /** Records a hard (or soft) revalidation of {@code tags} now; every tag is validated before anything is written. */
    Completion revalidate(List<String> tags, boolean soft) {
        for (String tag : tags) {
            if (!CacheKeys.isImplicitTag(tag)) {
                Tags.validate(tag);
            }
        }
        long now = clock.millis();
        CoordinatedTags store = coordinated;
        if (store != null) {
            return store.revalidate(List.copyOf(new LinkedHashSet<>(tags)), soft, now);
        }
        var writes = new ArrayList<Completion>();
        for (String tag : new LinkedHashSet<>(tags)) {
            // Read KV itself, not the tag cache: another isolate may have revalidated since.
            TagRecords.TagRead old = records.read(tag);
            if (old.foreign()) {
                log.error("tag record " + records.key(tag) + " belongs to another tag (hash collision); it is kept, "
                        + "and entries tagged " + tag + " stay uncached", null);
                continue;
            }
            TagState updated;
            if (old.state().unknown()) {
                if (soft) {
                    log.warn("soft revalidation of " + tag + " could not read its record; revalidating hard");
                }
                updated = new TagState(now, now, now, false);
            } else if (soft) {
                updated = new TagState(old.state().expiredAt(), Math.max(old.state().staleAt(), now), now, false);
            } else {
                updated = new TagState(Math.max(old.state().expiredAt(), now), old.state().staleAt(), now, false);
            }
            cache.revalidatedHere(tag, updated, now);
            writes.add(records.write(tag, updated));
        }
        return () -> {
            for (Completion c : writes) {
                c.await();
            }
        };
    }
}
