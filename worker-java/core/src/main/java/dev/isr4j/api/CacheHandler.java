package dev.isr4j.api;

import java.util.List;
import java.util.function.LongConsumer;

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
     * As {@link #get(String)}, for a lookup made while answering a request: a handler with several tiers may
     * use {@code background} to copy what it found into a faster tier after the response.
     */
    default CacheLookup get(String key, BackgroundWork background) {
        return get(key);
    }

    /**
     * The body as the runtime holds it. A body rendered in Java is both answered and stored (KV, R2, the Cache
     * API); a handler whose runtime keeps bodies outside Java hands it over once here, and both uses share the
     * copy. The default keeps the body as it is.
     */
    default dev.isr4j.Body hostBody(dev.isr4j.Body body) {
        return body;
    }

    /**
     * Stores a value. The returned completion must finish only when the write is durable: the ISR layer
     * awaits it inside a background task registered with {@code ctx.waitUntil}.
     */
    Completion set(String key, CacheValue value, SetOptions options);

    /**
     * As {@link #set(String, CacheValue, SetOptions)}, from a background task: a handler that writes several
     * stores registers each storage promise with {@code background} ({@link BackgroundWork#keepAlive}) as it
     * starts it, so every write is kept alive on its own.
     */
    default Completion set(String key, CacheValue value, SetOptions options, BackgroundWork background) {
        return set(key, value, options);
    }

    /**
     * Invalidates every entry carrying one of these tags and last written at or before now: hard makes them
     * a MISS, soft makes them STALE (served once more while they regenerate). Besides user tags, isr4j passes
     * the implicit tags of paths ({@code path:<path>} for one path, {@code layout:<path>} for a path and
     * everything below it, see {@code CacheKeys.layoutTags}); a handler stores them like any other tag.
     */
    Completion revalidateTag(List<String> tags, boolean soft);

    /**
     * What the tag invalidations recorded so far mean for an entry with these tags last written at
     * {@code lastModified}: FRESH (none apply), STALE (a soft one) or MISS (a hard one). Used for pages
     * prerendered at build time, which are not in the cache yet. The default knows of no invalidations.
     */
    default CacheLookup.State tagState(List<String> tags, long lastModified) {
        return CacheLookup.State.FRESH;
    }

    /** Hard invalidation. */
    default Completion revalidateTag(List<String> tags) {
        return revalidateTag(tags, false);
    }

    /**
     * The read a host may start for {@code key} before it hands Java the request, or null when this handler
     * has none (then every read happens in {@link #get(String, BackgroundWork)}).
     */
    default EarlyRead earlyRead(String key) {
        return null;
    }

    /** Classifies what an early read of {@link #earlyRead} found, as {@link #get(String, BackgroundWork)} would. */
    default CacheLookup lookup(EarlyRead.Found found, BackgroundWork background) {
        return get(found.read().cacheKey(), background);
    }

    /**
     * Classifies what an early read found from what is known without waiting (no store read, no lock), or null
     * when that is not enough; the caller then uses {@link #lookup(EarlyRead.Found, BackgroundWork)}. A host
     * calls it where nothing may suspend (workerd answers such a HIT without starting a green thread), so an
     * implementation must never block or await. The default knows nothing without waiting.
     */
    default CacheLookup lookupNow(EarlyRead.Found found) {
        return null;
    }

    /**
     * The store reads {@link #lookupNow} lacks to classify what an early read found: the records of its tags this
     * isolate does not know (or no longer trusts), as store keys with the tags they belong to. Null when it lacks
     * none, or when no such reads could let it answer (then {@link #lookup(EarlyRead.Found, BackgroundWork)}
     * decides). A host that can read them without suspending does, hands the results to {@link #learnTagReads},
     * and asks {@link #lookupNow} again. Reads nothing itself, never blocks or awaits. The default lacks nothing.
     */
    default TagReads tagReadsNow(EarlyRead.Found found) {
        return null;
    }

    /**
     * What the reads of {@link #tagReadsNow} found, one result per key in order (absent: null text; failed: its
     * failure), for {@link #lookupNow} to use. Never blocks or awaits; a failed read teaches nothing (the full
     * lookup reads it again, and says so). The default ignores them.
     */
    default void learnTagReads(TagReads reads, List<KvStore.TextRead> results) {
    }

    /**
     * Until when (epoch ms) an entry carrying {@code tags} that {@link #lookupNow} classified at {@code now} stays
     * classified so by what this isolate knows: the earliest moment a tag state it relied on stops being trusted.
     * {@link Long#MIN_VALUE} when it cannot say (a tag not known now, or a handler that does not track trust): then
     * nothing may replay the answer. Reads nothing, never blocks or awaits. The default cannot say.
     */
    default long trustedUntilNow(List<String> tags, long now) {
        return Long.MIN_VALUE;
    }

    /**
     * Tells {@code listener} whenever this handler learns a tag state holding a revalidation recent enough that an
     * answer it classified fresh a moment ago (within the window it trusts tag states for) may have relied on an
     * older state of that tag. Called where nothing may wait. The default learns nothing of the kind.
     */
    default void onRevalidationLearned(RevalidationListener listener) {
    }

    /** Tag records to read: {@code storeKeys.get(i)} holds the state of {@code tags.get(i)}. */
    record TagReads(List<String> tags, List<String> storeKeys) {
        public TagReads {
            tags = List.copyOf(tags);
            storeKeys = List.copyOf(storeKeys);
            if (tags.size() != storeKeys.size()) {
                throw new IllegalArgumentException("one store key per tag");
            }
        }
    }

    /**
     * Hands this handler's tag records to {@code tags}, which every isolate reads (the coordinator): states read
     * from it are trusted for {@code cacheMillis}. A handler may keep copies of the records where it would hold
     * them without a tag store, to read while {@code tags} does not answer; {@code sleep} (null: the thread's)
     * waits that many milliseconds, to space its writes of one copy. Set once, before the first request. False
     * (the default) when this handler keeps its tag records to itself.
     */
    default boolean useTagStore(TagStore tags, long cacheMillis, LongConsumer sleep) {
        return false;
    }

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

        /** When an entry written at {@code now} turns stale (saturating, never overflowing into the past). */
        public long revalidateAt(long now) {
            return after(now, revalidateSeconds);
        }

        /** When an entry written at {@code now} may no longer be served. */
        public long expireAt(long now) {
            return after(now, expireSeconds);
        }

        private static long after(long now, long seconds) {
            long millis = seconds > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : seconds * 1000;
            return now > Long.MAX_VALUE - millis ? Long.MAX_VALUE : now + millis;
        }
    }
}
