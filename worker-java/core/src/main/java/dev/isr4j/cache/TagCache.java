package dev.isr4j.cache;

import dev.isr4j.api.Clock;
import dev.isr4j.api.KvStore;
import dev.isr4j.api.RevalidationListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tag states this isolate knows, and for how long it trusts them: a bounded cache (behind a lock) and a
 * lock-free mirror of it that an answer given at once reads, since that path must never wait.
 */
final class TagCache {
    /** How long a failed tag read stands before the next lookup tries again. */
    static final long FAILED_READ_RETRY_MILLIS = 1000;
    static final int MAX_REVALIDATED_HERE = 4096;
    private static final long KV_PROPAGATION_MILLIS = 60_000;

    private final TagRecords records;
    private final Clock clock;
    private final long kvTagCacheMillis;
    private final Map<String, TagState> cache;
    /** How long a state read is trusted: KV's window, or the tag store's once there is one. */
    private volatile long trustMillis;

    /**
     * The latest state this isolate learnt of each tag, a slot per hash (another tag may take the slot): what
     * {@link #knownNow} reads without the lock {@link #cache} needs. Written with the cache, in remember().
     */
    private final TagSeen[] recentTags = new TagSeen[1024];

    private record TagSeen(String tag, TagState state) {
    }

    /**
     * Tags this isolate revalidated itself, with the state it wrote: what {@link #learn} merges a record read from
     * KV with, since that read can predate the write (and the mirror's slot can have been taken by another tag
     * since). Forgotten once older than the tag cache's window or KV's propagation, whichever is longer, when
     * there are more than {@link #MAX_REVALIDATED_HERE}; if they are all younger, all are forgotten and nothing
     * is learned that way for that long (the full path decides meanwhile).
     */
    private final ConcurrentHashMap<String, TagState> revalidatedHere = new ConcurrentHashMap<>();

    /** Until when {@link #learn} learns nothing, having forgotten revalidations made here. */
    private volatile long learnNotBefore;

    TagCache(TagRecords records, Clock clock, long tagCacheMillis, int maxCachedTags) {
        this.records = records;
        this.clock = clock;
        this.kvTagCacheMillis = tagCacheMillis;
        this.trustMillis = tagCacheMillis;
        this.cache = KvCacheHandler.lru(maxCachedTags);
    }

    /** From now on states are trusted for {@code millis} (a tag store's window instead of KV's). */
    void trustFor(long millis) {
        trustMillis = millis;
    }

    /** Whether a tag state read at {@code readAt} may still be used; an unreadable one is asked again sooner. */
    boolean trusts(TagState state, long now) {
        long window = trustMillis;
        return now - state.readAt() < (state.unknown() ? Math.min(window, FAILED_READ_RETRY_MILLIS) : window);
    }

    /** The tag state this isolate may still trust, or null. */
    TagState trusted(String tag, long now) {
        TagState cached;
        synchronized (cache) {
            cached = cache.get(tag);
        }
        // Else what an answer at once learned (learn, into the mirror only): read as recently, as safe.
        return cached != null && trusts(cached, now) ? cached : knownNow(tag, now);
    }

    /** A tag's state as this isolate knows it without waiting (the lock-free mirror), or null when it does not. */
    TagState knownNow(String tag, long now) {
        TagState seen = mirrored(tag);
        return seen == null || seen.unknown() || !trusts(seen, now) ? null : seen;
    }

    /**
     * The earliest moment one of {@code tags}' states, as {@link #knownNow} gives them at {@code now}, stops being
     * trusted; {@link Long#MIN_VALUE} when one is not known now. With no tags, {@link Long#MAX_VALUE}.
     */
    long trustedUntil(List<String> tags, long now) {
        long window = trustMillis;
        long until = Long.MAX_VALUE;
        for (String tag : tags) {
            TagState state = knownNow(tag, now);
            if (state == null) {
                return Long.MIN_VALUE;
            }
            until = Math.min(until, state.readAt() + window);
        }
        return until;
    }

    /** The mirror's state of {@code tag}, trusted or not; null when its slot holds nothing or another tag. */
    TagState mirrored(String tag) {
        TagSeen seen = recentTags[tag.hashCode() & (recentTags.length - 1)];
        return seen != null && seen.tag().equals(tag) ? seen.state() : null;
    }

    /** Writes the mirror's slot of {@code tag} (whichever tag held it before). */
    private void mirror(String tag, TagState state) {
        recentTags[tag.hashCode() & (recentTags.length - 1)] = new TagSeen(tag, state);
        // Every state learnt or made passes here. One holding a revalidation within the trust window may be news to
        // an answer classified from an older state still trusted (its slot can have been lost to another tag).
        if (!state.unknown() && Math.max(state.expiredAt(), state.staleAt()) >= state.readAt() - trustMillis) {
            revalidationLearned.revalidated();
        }
    }

    private volatile RevalidationListener revalidationLearned = RevalidationListener.NONE;

    void onRevalidationLearned(RevalidationListener listener) {
        this.revalidationLearned = listener;
    }

    void remember(String tag, TagState state) {
        synchronized (cache) {
            cache.put(tag, state);
        }
        mirror(tag, state);
    }

    /** A revalidation this isolate made: remembered, and kept to merge later reads of the tag with. */
    void revalidatedHere(String tag, TagState state, long now) {
        remember(tag, state);
        revalidatedHere.put(tag, state);
        if (revalidatedHere.size() > MAX_REVALIDATED_HERE) {
            long keep = Math.max(kvTagCacheMillis, KV_PROPAGATION_MILLIS);
            revalidatedHere.entrySet().removeIf(e -> e.getValue().readAt() < now - keep);
            if (revalidatedHere.size() > MAX_REVALIDATED_HERE) {
                // Too many to keep: forget them all, and learn nothing until none of them could matter.
                learnNotBefore = now + keep;
                revalidatedHere.clear();
            }
        }
    }

    /** Whether {@link #learn} learns nothing at {@code now} (revalidations made here were forgotten). */
    boolean learnsNothing(long now) {
        return now < learnNotBefore;
    }

    /**
     * Learns a state read outside the lock, into the mirror only. A state already known with later revalidations
     * keeps them: a record read while this isolate revalidated the tag can be the older one.
     */
    void learn(String tag, TagState learned, long now) {
        TagState seen = mirrored(tag);
        TagState state = learned;
        if (seen != null && !seen.unknown()) {
            state = TagState.latest(state, seen, now);
        }
        TagState own = revalidatedHere.get(tag);
        if (own != null) {
            state = TagState.latest(state, own, now);
        }
        mirror(tag, state);
    }

    /**
     * The states of {@code tags}: those this isolate still trusts, the rest read from KV all at once (one wait
     * for all of them, not one per tag) and remembered.
     */
    Map<String, TagState> readThrough(List<String> tags, long now) {
        var states = new HashMap<String, TagState>();
        var missing = new ArrayList<String>();
        for (String tag : tags) {
            if (states.containsKey(tag) || missing.contains(tag)) {
                continue;
            }
            TagState cached = trusted(tag, now);
            if (cached != null) {
                states.put(tag, cached);
            } else {
                missing.add(tag);
            }
        }
        if (missing.isEmpty()) {
            return states;
        }
        List<KvStore.TextRead> reads = records.readAll(missing);
        for (int i = 0; i < missing.size(); i++) {
            String tag = missing.get(i);
            TagState state = records.parse(tag, reads.get(i), clock.millis()).state();
            remember(tag, state);
            states.put(tag, state);
        }
        return states;
    }

    /** Tag states this isolate holds (at most the configured maximum). */
    int size() {
        synchronized (cache) {
            return cache.size();
        }
    }
}
