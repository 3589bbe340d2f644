package dev.isr4j.cache;

import dev.isr4j.Body;
import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.CacheHandler;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.api.CacheValue;
import dev.isr4j.api.Clock;
import dev.isr4j.api.Completion;
import dev.isr4j.api.EarlyRead;
import dev.isr4j.api.KvCacheOptions;
import dev.isr4j.api.KvStore;
import dev.isr4j.api.Log;
import dev.isr4j.api.ObjectStore;
import dev.isr4j.api.RegionalCache;
import dev.isr4j.api.TagStore;
import dev.isr4j.store.CacheKeys;
import dev.isr4j.store.KvEntryFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.function.UnaryOperator;

/**
 * Workers KV as the ISR cache (binding {@code CACHE_KV}). Entries live under
 * {@code <appPrefix>cache:<storage key>} ({@link CacheKeys#storageKey}) in the binary format of
 * {@link KvEntryFormat}, which records the full cache key: an entry found under a key's storage key but written
 * for another key is a miss, and is not overwritten. Tag invalidations live under {@link #tagKey} as
 * {@code {"tag":"<tag>","expired":<ms>,"stale":<ms>}} (hard and soft). Writes hand back the real KV put promise.
 *
 * <p>With a {@link TagStore} (the coordinator, {@link #useTagStore}), tag records are read from it, and every
 * revalidation is also copied to the tag's KV record; while the store fails, isolates read those copies instead
 * (asking the store again at most once a second), and an entry fails closed only when neither can be read.
 *
 * <p>Invalidations fail closed: a tag record that cannot be read (KV error, unparsable, another tag's record)
 * makes every entry carrying the tag a miss; that verdict is retried after at most
 * {@link #FAILED_TAG_READ_RETRY_MILLIS}, not trusted for the whole tag-cache window. A soft revalidation never
 * lowers or erases a hard one (see {@link TagStates}).
 *
 * <p>With {@link Tiers}, two more stores: a regional copy of each entry (the location's Cache API), read before
 * KV and served only when fresh after the same tag check as a KV entry, refreshed by every write; and an object
 * store (R2) for bodies past {@link KvCacheOptions#objectThresholdBytes()}, which KV then points at (format version 3).
 *
 * <p>Each concern is a part of its own, composed here: entries ({@link EntryReads}, {@link EntryWrites}), tag
 * states ({@link TagStates} over {@link TagRecords}, {@link TagCache} and, with a tag store, {@link
 * CoordinatedTags}), the tiers ({@link RegionalCopies}, {@link ObjectBodies}) and the early read ({@link
 * EarlyReads}).
 *
 * <pre>{@code
 * new KvCacheHandler(store, Clock.SYSTEM, log, KvCacheOptions.defaults().withAppPrefix("blog:"));
 * }</pre>
 */
public final class KvCacheHandler implements CacheHandler {
    /** Entries that may be served for ten years or more are written without a KV TTL. */
    static final long NO_TTL_BEYOND_SECONDS = EntryWrites.NO_TTL_BEYOND_SECONDS;
    /** Keys whose oversize body was reported, so the warning is not repeated on every request (bounded). */
    static final int MAX_OVERSIZE_REPORTS = EntryWrites.MAX_OVERSIZE_REPORTS;
    /** How long a failed tag read stands before the next lookup tries KV again. */
    public static final long FAILED_TAG_READ_RETRY_MILLIS = TagCache.FAILED_READ_RETRY_MILLIS;
    public static final String REGIONAL_ORIGIN = KvKeys.REGIONAL_ORIGIN;


    /**
     * The stores besides KV a handler may use, each null when absent.
     *
     * @param regional the location's cache (the Workers Cache API)
     * @param objects where bodies too large for KV go (R2)
     * @param hostBody how the runtime takes over a body rendered in Java once ({@link CacheHandler#hostBody})
     */
    public record Tiers(RegionalCache regional, ObjectStore objects, UnaryOperator<Body> hostBody) {
        public static final Tiers NONE = new Tiers(null, null, null);
    }

    private final KvKeys keys;
    private final TagCache tagCache;
    private final TagStates tags;
    private final RegionalCopies regional;
    private final EntryReads entries;
    private final EntryWrites writes;
    private final EarlyReads early;
    private final KvStore store;
    private final UnaryOperator<Body> hostBody;

    public KvCacheHandler(KvStore store, Clock clock, Log log, KvCacheOptions options) {
        this(store, clock, log, options, Tiers.NONE);
    }

    /** A handler that also uses the regional cache (unless the options turn it off) and the object store. */
    public KvCacheHandler(KvStore store, Clock clock, Log log, KvCacheOptions options, Tiers tiers) {
        this.store = store;
        this.keys = new KvKeys(options.appPrefix());
        var records = new TagRecords(store, keys, clock, log);
        this.tagCache = new TagCache(records, clock, options.tagCacheMillis(), options.maxCachedTags());
        this.tags = new TagStates(records, tagCache, clock, log);
        var bodies = new ObjectBodies(tiers.objects(), keys, log);
        this.regional = options.regionalCache() && tiers.regional() != null
                ? new RegionalCopies(tiers.regional(), keys, tags, bodies, clock, log, options.regionalMaxSeconds())
                : null;
        this.entries = new EntryReads(store, keys, tags, bodies, regional, clock, log);
        this.writes = new EntryWrites(store, keys, bodies, regional, clock, log, options.expirationTtlSeconds(),
                options.objectThresholdBytes());
        this.early = new EarlyReads(keys, entries, regional, tags, tagCache, records, clock);
        this.hostBody = tiers.hostBody();
    }

    /** True when entries are copied to, and read first from, the location's cache. */
    public boolean hasRegionalCache() {
        return regional != null;
    }

    /**
     * The regional cache key of a cache key: a URL (the Cache API keys by URL) in a host no request can reach,
     * {@code https://isr4j.internal/<appPrefix>cache/<storage key, URL-encoded>}.
     */
    public String regionalKey(String key) {
        return keys.regional(key);
    }

    @Override
    public Body hostBody(Body body) {
        return hostBody == null ? body : hostBody.apply(body);
    }

    /** The KV key of a cache key: its storage key (hashed when long), prefixed. */
    public String entryKey(String key) {
        return keys.entry(key);
    }

    /** What the KV key of every entry starts with ({@code <appPrefix>cache:}); the storage key follows. */
    public String entryPrefix() {
        return keys.entryPrefix();
    }

    /**
     * The KV key of a tag's invalidation record: {@code <appPrefix>__tag:<tag>}, or, for a tag too long for
     * KV's key limit (long path tags), {@code <appPrefix>__tag:__hash:<fnv1a64(tag)>}.
     */
    public String tagKey(String tag) {
        return keys.tag(tag);
    }

    @Override
    public CacheLookup get(String key) {
        return get(key, null);
    }

    /**
     * The regional copy when it is fresh (tags checked as for KV), else KV; a fresh KV entry is then copied to
     * the location's cache after the response (through {@code background}; without it, no copy is made).
     */
    @Override
    public CacheLookup get(String key, BackgroundWork background) {
        if (regional != null) {
            CacheLookup copy = regional.lookup(key, regional.read(key));
            if (copy != null) {
                return copy;
            }
        }
        return entries.read(key, background);
    }

    /** Classifies a value already read from KV for {@code key} (null: absent), as {@link #get} does. */
    public CacheLookup lookup(String key, KvStore.Stored stored) {
        return entries.lookup(key, stored, null);
    }

    /** The KV entry, after the location's copy when there is a regional tier. */
    @Override
    public EarlyRead earlyRead(String key) {
        return early.earlyRead(key);
    }

    /**
     * Classifies what an early read found: a regional copy that is not fresh falls through to KV as in
     * {@link #get(String, BackgroundWork)}.
     */
    @Override
    public CacheLookup lookup(EarlyRead.Found found, BackgroundWork background) {
        return early.lookup(found, background);
    }

    /**
     * A fresh (or stale) entry the early read found, classified from what this isolate already knows: its tags'
     * states as last read, within the window they are trusted for. Null for anything else; reads nothing, takes
     * no lock and logs nothing, so a host may call it where nothing may wait.
     */
    @Override
    public CacheLookup lookupNow(EarlyRead.Found found) {
        return early.lookupNow(found);
    }

    /** The KV tag records {@link #lookupNow} lacks, when reading them could let it answer (not with a tag store). */
    @Override
    public TagReads tagReadsNow(EarlyRead.Found found) {
        return early.tagReadsNow(found);
    }

    @Override
    public void onRevalidationLearned(dev.isr4j.api.RevalidationListener listener) {
        tagCache.onRevalidationLearned(listener);
    }

    /** The earliest moment one of {@code tags}' states as known now stops being trusted (see TagCache). */
    @Override
    public long trustedUntilNow(List<String> tags, long now) {
        return tagCache.trustedUntil(tags, now);
    }

    /** Learns what reads of {@link #tagReadsNow} found, for {@link #lookupNow} only; nothing here may wait. */
    @Override
    public void learnTagReads(TagReads reads, List<KvStore.TextRead> results) {
        early.learnTagReads(reads, results);
    }

    /**
     * Reads tag records from {@code tags} (the coordinator), trusting what it read for {@code cacheMillis}, and
     * keeps a copy of each in KV (where it would be without a tag store), read while {@code tags} fails. Set
     * once, before the first request.
     */
    public void useTagStore(TagStore tags, long cacheMillis) {
        useTagStore(tags, cacheMillis, null);
    }

    /** As {@link #useTagStore(TagStore, long)}; {@code sleep} (null: the thread's) spaces writes of a KV copy. */
    @Override
    public boolean useTagStore(TagStore tags, long cacheMillis, LongConsumer sleep) {
        this.tags.useTagStore(tags, cacheMillis, sleep != null ? sleep : THREAD_SLEEP);
        return true;
    }

    /** In workerd a green thread waits on a timer, the isolate does not. */
    private static final LongConsumer THREAD_SLEEP = millis -> {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    };

    @Override
    public CacheLookup.State tagState(List<String> tags, long lastModified) {
        return this.tags.state(tags, lastModified);
    }

    @Override
    public Completion set(String key, CacheValue value, SetOptions setOptions) {
        return set(key, value, setOptions, NO_BACKGROUND);
    }

    private static final BackgroundWork NO_BACKGROUND = task -> {
        throw new UnsupportedOperationException("no background work here");
    };

    /** Writes KV (and R2, and the regional copy); every storage promise is kept alive with {@code background}. */
    @Override
    public Completion set(String key, CacheValue value, SetOptions setOptions, BackgroundWork background) {
        return writes.set(key, value, setOptions, background);
    }

    @Override
    public Completion revalidateTag(List<String> tags, boolean soft) {
        return this.tags.revalidate(tags, soft);
    }

    @Override
    public Completion delete(String key) {
        Completion kv = store.delete(keys.entry(key));
        if (regional == null) {
            return kv;
        }
        Completion copy = regional.delete(key);
        return () -> {
            kv.await();
            copy.await();
        };
    }

    /** Tag states this isolate holds (at most {@link KvCacheOptions#maxCachedTags()}). */
    int cachedTagCount() {
        return tagCache.size();
    }

    /** Oversize keys this isolate remembers having reported (at most {@link #MAX_OVERSIZE_REPORTS}). */
    int oversizeReportCount() {
        return writes.oversizeReportCount();
    }

    /** A map that forgets its least recently used entries beyond {@code max}. */
    static <K, V> Map<K, V> lru(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > max;
            }
        };
    }
}
