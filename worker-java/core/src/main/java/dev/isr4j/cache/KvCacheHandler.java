package dev.isr4j.cache;

import dev.isr4j.Body;
import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.ObjectStore;
import dev.isr4j.api.RegionalCache;
import java.util.Random;
import java.util.function.UnaryOperator;
import dev.isr4j.api.CacheHandler;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.api.CacheValue;
import dev.isr4j.api.EarlyRead;
import dev.isr4j.api.Clock;
import dev.isr4j.api.Completion;
import dev.isr4j.api.KvStore;
import dev.isr4j.api.Log;
import dev.isr4j.store.CacheKeys;
import dev.isr4j.json.JsonReader;
import dev.isr4j.store.KvEntryFormat;
import dev.isr4j.store.StoredEntries;
import dev.isr4j.store.Tags;
import dev.isr4j.text.Text;
import java.util.ArrayList;
import dev.isr4j.Json;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

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
 * lowers or erases a hard one: it re-reads the record from KV (not the isolate's tag cache) and keeps its hard
 * timestamp, and when it cannot read the record it records a hard revalidation instead. (Across locations KV
 * may show a soft writer a record up to ~60 s old; a hard revalidation landing within that window elsewhere
 * can still be overwritten. Revalidate hard when that matters.)
 *
 * <p>With {@link Tiers}, two more stores: a regional copy of each entry (the location's Cache API), read before
 * KV and served only when fresh after the same tag check as a KV entry, refreshed by every write; and an object
 * store (R2) for bodies past {@link Options#objectThresholdBytes()}, which KV then points at (format version 3).
 *
 * <pre>{@code
 * new KvCacheHandler(store, Clock.SYSTEM, log, KvCacheHandler.Options.defaults().withAppPrefix("blog:"));
 * }</pre>
 */
public final class KvCacheHandler implements CacheHandler {
    /** Entries that may be served for ten years or more are written without a KV TTL. */
    static final long NO_TTL_BEYOND_SECONDS = 10L * 365 * 24 * 3600;

    private final KvStore store;
    private final Clock clock;
    private final Log log;
    private final Options options;
    /** Keys whose oversize body was reported, so the warning is not repeated on every request (bounded). */
    static final int MAX_OVERSIZE_REPORTS = 1000;

    private final Map<String, TagState> tagCache;
    /**
     * The latest state this isolate learnt of each tag, a slot per hash (another tag may take the slot): what
     * {@link #lookupNow} reads without the lock {@link #tagCache} needs. Written with the cache, in remember().
     */
    private final TagSeen[] recentTags = new TagSeen[1024];

    private record TagSeen(String tag, TagState state) {
    }

    /**
     * Tags this isolate revalidated itself, with the state it wrote: what {@link #learnTagReads} merges a record
     * read from KV with, since that read can predate the write (and the mirror's slot can have been taken by
     * another tag since). Forgotten once older than the tag cache's window or KV's propagation, whichever is
     * longer, when there are more than {@link #MAX_REVALIDATED_HERE}; if they are all younger, all are forgotten
     * and nothing is learned that way for that long (the full path decides meanwhile).
     */
    private final java.util.concurrent.ConcurrentHashMap<String, TagState> revalidatedHere =
            new java.util.concurrent.ConcurrentHashMap<>();
    static final int MAX_REVALIDATED_HERE = 4096;
    private static final long KV_PROPAGATION_MILLIS = 60_000;
    private final Map<String, Boolean> reportedOversize = lru(MAX_OVERSIZE_REPORTS);

    /**
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
    public record Options(String appPrefix, long expirationTtlSeconds, long tagCacheMillis, int maxCachedTags,
                          boolean regionalCache, long regionalMaxSeconds, long objectThresholdBytes) {
        public static final long DEFAULT_TTL_SECONDS = 30L * 24 * 3600;
        public static final long DEFAULT_TAG_CACHE_MILLIS = 5000;
        public static final int DEFAULT_MAX_CACHED_TAGS = 10_000;
        /** The longest a regional copy lives by default: one hour (and never past the entry's freshness). */
        public static final long DEFAULT_REGIONAL_MAX_SECONDS = 3600;
        /** By default only bodies KV cannot hold go to R2. */
        public static final long DEFAULT_OBJECT_THRESHOLD_BYTES = KvStore.MAX_VALUE_BYTES;

        public Options {
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

        public Options(String appPrefix, long expirationTtlSeconds, long tagCacheMillis, int maxCachedTags) {
            this(appPrefix, expirationTtlSeconds, tagCacheMillis, maxCachedTags, true, DEFAULT_REGIONAL_MAX_SECONDS,
                    DEFAULT_OBJECT_THRESHOLD_BYTES);
        }

        public static Options defaults() {
            return new Options("", DEFAULT_TTL_SECONDS, DEFAULT_TAG_CACHE_MILLIS, DEFAULT_MAX_CACHED_TAGS);
        }

        public Options withAppPrefix(String prefix) {
            return new Options(prefix, expirationTtlSeconds, tagCacheMillis, maxCachedTags, regionalCache,
                    regionalMaxSeconds, objectThresholdBytes);
        }

        public Options withExpirationTtl(long seconds) {
            return new Options(appPrefix, seconds, tagCacheMillis, maxCachedTags, regionalCache, regionalMaxSeconds,
                    objectThresholdBytes);
        }

        public Options withTagCacheMillis(long millis) {
            return new Options(appPrefix, expirationTtlSeconds, millis, maxCachedTags, regionalCache,
                    regionalMaxSeconds, objectThresholdBytes);
        }

        /** How many tag states one isolate keeps in memory (default {@value #DEFAULT_MAX_CACHED_TAGS}). */
        public Options withMaxCachedTags(int max) {
            return new Options(appPrefix, expirationTtlSeconds, tagCacheMillis, max, regionalCache,
                    regionalMaxSeconds, objectThresholdBytes);
        }

        /** Whether to keep regional copies where the runtime has a location cache (default on). */
        public Options withRegionalCache(boolean on) {
            return new Options(appPrefix, expirationTtlSeconds, tagCacheMillis, maxCachedTags, on,
                    regionalMaxSeconds, objectThresholdBytes);
        }

        /** The longest a regional copy is kept (default {@value #DEFAULT_REGIONAL_MAX_SECONDS} s). */
        public Options withRegionalMaxSeconds(long seconds) {
            return new Options(appPrefix, expirationTtlSeconds, tagCacheMillis, maxCachedTags, regionalCache,
                    seconds, objectThresholdBytes);
        }

        /** Bodies longer than this many bytes go to the object store, when there is one (default: KV's limit). */
        public Options withObjectThreshold(long bytes) {
            return new Options(appPrefix, expirationTtlSeconds, tagCacheMillis, maxCachedTags, regionalCache,
                    regionalMaxSeconds, bytes);
        }
    }

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

    /** A tag's invalidations as last read; {@code unknown}: the record could not be read (fail closed). */
    private record TagState(long expiredAt, long staleAt, long readAt, boolean unknown) {
        static TagState unreadable(long now) {
            return new TagState(now, now, now, true);
        }
    }

    /** How long a failed tag read stands before the next lookup tries KV again. */
    public static final long FAILED_TAG_READ_RETRY_MILLIS = 1000;

    public KvCacheHandler(KvStore store, Clock clock, Log log, Options options) {
        this(store, clock, log, options, Tiers.NONE);
    }

    /** A handler that also uses the regional cache (unless the options turn it off) and the object store. */
    public KvCacheHandler(KvStore store, Clock clock, Log log, Options options, Tiers tiers) {
        this.store = store;
        this.clock = clock;
        this.log = log;
        this.options = options;
        this.tagCache = lru(options.maxCachedTags());
        this.regional = options.regionalCache() ? tiers.regional() : null;
        this.objects = tiers.objects();
        this.hostBody = tiers.hostBody();
    }

    private final RegionalCache regional;
    private final ObjectStore objects;
    private final UnaryOperator<Body> hostBody;
    private static final Random NONCES = new Random();

    /** True when entries are copied to, and read first from, the location's cache. */
    public boolean hasRegionalCache() {
        return regional != null;
    }

    /**
     * The regional cache key of a cache key: a URL (the Cache API keys by URL) in a host no request can reach,
     * {@code https://isr4j.internal/<appPrefix>cache/<storage key, URL-encoded>}.
     */
    public String regionalKey(String key) {
        return REGIONAL_ORIGIN + urlEncode(options.appPrefix() + "cache/" + CacheKeys.storageKey(key));
    }

    public static final String REGIONAL_ORIGIN = "https://isr4j.internal/";

    /** The object key of one write of a large body: unique per write, under the entry's storage key. */
    String objectKey(String key, long now) {
        long nonce;
        synchronized (NONCES) {
            nonce = NONCES.nextLong();
        }
        return options.appPrefix() + "cache-body/" + CacheKeys.storageKey(key) + "/" + Long.toString(now, 36) + "-"
                + Long.toHexString(nonce);
    }

    @Override
    public Body hostBody(Body body) {
        return hostBody == null ? body : hostBody.apply(body);
    }

    /** The KV key of a cache key: its storage key (hashed when long), prefixed. */
    public String entryKey(String key) {
        return entryPrefix() + CacheKeys.storageKey(key);
    }

    /** What the KV key of every entry starts with ({@code <appPrefix>cache:}); the storage key follows. */
    public String entryPrefix() {
        return options.appPrefix() + "cache:";
    }

    /**
     * The KV key of a tag's invalidation record: {@code <appPrefix>__tag:<tag>}, or, for a tag too long for
     * KV's key limit (long path tags), {@code <appPrefix>__tag:__hash:<fnv1a64(tag)>}.
     */
    public String tagKey(String tag) {
        String key = options.appPrefix() + "__tag:" + tag;
        return dev.isr4j.text.Utf8.length(key) <= KvStore.MAX_KEY_BYTES
                && !tag.startsWith("__hash:") ? key : options.appPrefix() + "__tag:__hash:" + CacheKeys.fnv1a64Hex(tag);
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
            CacheLookup copy = regionalLookup(key, readRegional(key));
            if (copy != null) {
                return copy;
            }
        }
        return kvLookup(key, store.getWithMetadata(entryKey(key)), background);
    }

    /** The KV entry, after the location's copy when there is a regional tier. */
    @Override
    public EarlyRead earlyRead(String key) {
        return new EarlyRead(key, entryKey(key), hasRegionalCache() ? regionalKey(key) : null);
    }

    /**
     * Classifies what an early read found: a regional copy that is not fresh falls through to KV as in
     * {@link #get(String, BackgroundWork)}.
     */
    @Override
    public CacheLookup lookup(EarlyRead.Found found, BackgroundWork background) {
        String key = found.read().cacheKey();
        if (found.regional()) {
            CacheLookup copy = regionalLookup(key, found.stored());
            return copy != null ? copy : kvLookup(key, store.getWithMetadata(entryKey(key)), background);
        }
        return kvLookup(key, found.stored(), background);
    }

    /**
     * A fresh (or stale) entry the early read found, classified from what this isolate already knows: its tags'
     * states as last read, within the window they are trusted for. Null for anything else (absent, unreadable,
     * another key's, a body kept in R2, a tag not known here, a KV entry a regional copy should be made of):
     * {@link #lookup(EarlyRead.Found, BackgroundWork)} decides those, and says what it finds. Reads nothing,
     * takes no lock and logs nothing, so a host may call it where nothing may wait.
     */
    @Override
    public CacheLookup lookupNow(EarlyRead.Found found) {
        long now = clock.millis();
        KvEntryFormat.Decoded decoded = classifiableNow(found, now);
        if (decoded == null) {
            return null;
        }
        CacheEntry entry = decoded.entry();
        Map<String, TagState> known = new java.util.HashMap<>();
        for (String tag : entry.tags()) {
            TagState state = knownNow(tag, now);
            if (state == null) {
                return null; // not known here, unreadable or no longer trusted: the full lookup reads it
            }
            known.put(tag, state);
        }
        CacheLookup lookup = CacheLookup.classify(entry, now, byTags(entry.tags(), entry.lastModified(), known));
        if (lookup.state() == CacheLookup.State.MISS || (found.regional() && lookup.state() != CacheLookup.State.FRESH)) {
            return null; // expired or revalidated, or a regional copy that is not fresh: the full lookup decides
        }
        return lookup;
    }

    /**
     * The records of the tags of what the early read found that {@link #lookupNow} lacks, when reading them could
     * let it answer: an entry it can classify now but for those tags, with tag records in KV (not the coordinator).
     */
    @Override
    public TagReads tagReadsNow(EarlyRead.Found found) {
        long now = clock.millis();
        if (!trusts(new TagState(-1, -1, now, false), now)) {
            return null; // tag states are never trusted (a window of 0): what is read now could not be used
        }
        KvEntryFormat.Decoded decoded = tagStore == null ? classifiableNow(found, now) : null;
        if (decoded == null || now >= decoded.entry().expireAt()) {
            return null;
        }
        var tags = new ArrayList<String>();
        var keys = new ArrayList<String>();
        for (String tag : decoded.entry().tags()) {
            TagState seen = mirrored(tag);
            if (seen != null && seen.unknown() && trusts(seen, now)) {
                return null; // its last read failed moments ago: the full path fails closed without reading again
            }
            if (knownNow(tag, now) == null && !tags.contains(tag)) {
                tags.add(tag);
                keys.add(tagKey(tag));
            }
        }
        return tags.isEmpty() ? null : new TagReads(tags, keys);
    }

    /**
     * Learns what reads of {@link #tagReadsNow} found, for {@link #lookupNow} only (without the lock the tag cache
     * takes, so nothing here may wait). A state already known with later revalidations keeps them: a record read
     * while this isolate revalidated the tag can be the older one. A failed or foreign read teaches nothing.
     */
    @Override
    public void learnTagReads(TagReads reads, List<KvStore.TextRead> results) {
        if (reads == null || results == null) {
            return;
        }
        long now = clock.millis();
        if (now < learnNotBefore) {
            return; // revalidations made here were forgotten: nothing is learned without the full path's lock
        }
        for (int i = 0; i < reads.tags().size() && i < results.size(); i++) {
            String tag = reads.tags().get(i);
            KvStore.TextRead read = results.get(i);
            if (read == null || read.failure() != null || !reads.storeKeys().get(i).equals(tagKey(tag))) {
                continue;
            }
            TagRead learned = tagRead(tag, read, now);
            if (learned.foreign() || learned.state().unknown()) {
                continue;
            }
            TagState seen = mirrored(tag);
            TagState state = learned.state();
            if (seen != null && !seen.unknown()) {
                state = latest(state, seen, now);
            }
            TagState own = revalidatedHere.get(tag);
            if (own != null) {
                state = latest(state, own, now);
            }
            mirror(tag, state);
        }
    }

    /** Both states' revalidations (each only ever moves later), as read at {@code now}. */
    private static TagState latest(TagState a, TagState b, long now) {
        return new TagState(Math.max(a.expiredAt(), b.expiredAt()), Math.max(a.staleAt(), b.staleAt()), now, false);
    }

    /**
     * What the early read found, decoded, when {@link #lookupNow} may classify it: a verified entry of the key read,
     * its body in KV (not R2), not written in the future, and read from the regional copy when there is one.
     */
    private KvEntryFormat.Decoded classifiableNow(EarlyRead.Found found, long now) {
        if (found == null || found.stored() == null || (regional != null && !found.regional())) {
            return null;
        }
        KvEntryFormat.Decoded decoded;
        try {
            decoded = KvEntryFormat.decode(found.stored());
        } catch (RuntimeException e) {
            return null;
        }
        if (decoded.object() != null || !decoded.key().equals(found.read().cacheKey())
                || StoredEntries.writtenInTheFuture(decoded.entry().lastModified(), now)) {
            return null;
        }
        return decoded;
    }

    /** A tag's state as this isolate knows it without waiting (the lock-free mirror), or null when it does not. */
    private TagState knownNow(String tag, long now) {
        TagState seen = mirrored(tag);
        return seen == null || seen.unknown() || !trusts(seen, now) ? null : seen;
    }

    /** The mirror's state of {@code tag}, trusted or not; null when its slot holds nothing or another tag. */
    private TagState mirrored(String tag) {
        TagSeen seen = recentTags[tag.hashCode() & (recentTags.length - 1)];
        return seen != null && seen.tag().equals(tag) ? seen.state() : null;
    }

    /** Writes the mirror's slot of {@code tag} (whichever tag held it before). */
    private void mirror(String tag, TagState state) {
        recentTags[tag.hashCode() & (recentTags.length - 1)] = new TagSeen(tag, state);
    }

    /** Classifies a value already read from KV for {@code key} (null: absent), as {@link #get} does. */
    public CacheLookup lookup(String key, KvStore.Stored stored) {
        return kvLookup(key, stored, null);
    }

    private KvStore.Stored readRegional(String key) {
        try {
            return regional.match(regionalKey(key));
        } catch (RuntimeException e) {
            log.warn("regional cache read of " + key + " failed (" + e.getMessage() + "); reading KV");
            return null;
        }
    }

    /**
     * A regional copy, served only when it is a fresh, verified entry of this key whose tags allow it; anything
     * else (absent, unreadable, another key's, stale, invalidated) is null: KV decides.
     */
    private CacheLookup regionalLookup(String key, KvStore.Stored stored) {
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
        CacheLookup lookup = CacheLookup.classify(decoded.entry(), now, this);
        if (lookup.state() != CacheLookup.State.FRESH) {
            return null;
        }
        CacheLookup served = withBody(key, decoded, lookup);
        // A copy whose body object is gone (pruned after newer writes) is an outdated copy: KV decides.
        return served.state() == CacheLookup.State.FRESH ? served : null;
    }

    private CacheLookup kvLookup(String key, KvStore.Stored stored, BackgroundWork background) {
        if (stored == null) {
            return CacheLookup.MISS;
        }
        KvEntryFormat.Decoded decoded;
        try {
            decoded = KvEntryFormat.decode(stored);
        } catch (RuntimeException e) {
            log.warn("cache entry " + entryKey(key) + " is unreadable (" + e.getMessage() + ")");
            return CacheLookup.CORRUPT;
        }
        if (!decoded.key().equals(key)) {
            log.warn("cache entry " + entryKey(key) + " belongs to another key (hash collision); answering uncached");
            return CacheLookup.OCCUPIED;
        }
        long now = clock.millis();
        CacheEntry entry = decoded.entry();
        if (StoredEntries.writtenInTheFuture(entry.lastModified(), now)) {
            log.warn("cache entry " + entryKey(key) + " claims to be written at " + entry.lastModified()
                    + ", in the future; treated as unreadable");
            return CacheLookup.CORRUPT;
        }
        CacheLookup lookup = CacheLookup.classify(entry, now, this);
        if (lookup.state() == CacheLookup.State.FRESH && regional != null && background != null) {
            copyToRegional(key, stored, entry, now, background);
        }
        return withBody(key, decoded, lookup);
    }

    /** A servable lookup of an entry whose body is an object, with the object's body; unservable stays as is. */
    private CacheLookup withBody(String key, KvEntryFormat.Decoded decoded, CacheLookup lookup) {
        var ref = decoded.object();
        if (ref == null || lookup.entry() == null) {
            return lookup;
        }
        CacheEntry entry = lookup.entry();
        Body body = objectBody(key, entry, ref);
        if (body == null) {
            return CacheLookup.CORRUPT;
        }
        var value = entry.value().withBody(body);
        var withBody = new CacheEntry(value, entry.lastModified(), entry.revalidateAt(), entry.expireAt(), entry.tags());
        return new CacheLookup(lookup.state(), withBody);
    }

    /** The body of an entry kept in an object, when the object is there and is this very entry's; else null. */
    private Body objectBody(String key, CacheEntry entry, KvEntryFormat.ObjectRef ref) {
        if (objects == null) {
            log.warn("cache entry " + entryKey(key) + " keeps its body in R2 object " + ref.key() + ", but there is no "
                    + "object store binding; treated as unreadable");
            return null;
        }
        ObjectStore.Found found = objects.get(ref.key());
        if (found == null) {
            log.warn("cache entry " + entryKey(key) + ": its body object " + ref.key() + " is gone; treated as "
                    + "unreadable");
            return null;
        }
        if (!key.equals(found.metadata().get(OBJECT_KEY_FIELD))
                || !Long.toString(entry.lastModified()).equals(found.metadata().get(OBJECT_WRITTEN_FIELD))
                || found.body().length() != ref.length()) {
            log.warn("cache entry " + entryKey(key) + ": object " + ref.key() + " is not its body (another key, "
                    + "write or length); treated as unreadable");
            return null;
        }
        return found.body();
    }

    /** Object metadata: the cache key and the write (last-modified) an object belongs to. */
    static final String OBJECT_KEY_FIELD = "id";
    static final String OBJECT_WRITTEN_FIELD = "lm";

    /**
     * Copies a fresh KV entry (value and metadata as read) to the location's cache, for no longer than it stays
     * fresh. The copy is started now, while the read's buffer is certainly this request's, and awaited after
     * the response.
     */
    private void copyToRegional(String key, KvStore.Stored stored, CacheEntry entry, long now,
                                BackgroundWork background) {
        long ttl = regionalTtl(entry.revalidateAt(), now);
        if (ttl < 1) {
            return;
        }
        Completion copy;
        try {
            copy = regional.put(regionalKey(key), stored.value(), stored.metadata(), ttl);
        } catch (RuntimeException e) {
            log.warn("copying " + key + " to the regional cache failed (" + e.getMessage() + ")");
            return;
        }
        try {
            background.keepAlive(copy);
            background.submit(() -> awaitRegional(copy, key));
        } catch (RuntimeException e) {
            log.warn("could not schedule the regional copy of " + key + " (" + e.getMessage() + ")");
        }
    }

    private void awaitRegional(Completion copy, String key) {
        try {
            copy.await();
        } catch (RuntimeException e) {
            log.warn("regional copy of " + key + " failed (" + e.getMessage() + "); KV still holds the entry");
        }
    }

    /** Whole seconds a regional copy may live: until the entry turns stale, at most the configured cap. */
    private long regionalTtl(long revalidateAt, long now) {
        long fresh = revalidateAt == Long.MAX_VALUE ? Long.MAX_VALUE : (revalidateAt - now) / 1000;
        return Math.min(fresh, options.regionalMaxSeconds());
    }

    static String urlEncode(String s) {
        var out = new StringBuilder(s.length() + 16);
        for (byte b : dev.isr4j.text.Utf8.encode(s)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append("0123456789ABCDEF".charAt(c >> 4)).append("0123456789ABCDEF".charAt(c & 0xf));
            }
        }
        return out.toString();
    }

    /**
     * Reads tag records from {@code tags} (the coordinator), trusting what it read for {@code cacheMillis}, and
     * keeps a copy of each in KV (where it would be without a tag store), read while {@code tags} fails. Set
     * once, before the first request.
     */
    public void useTagStore(TagStore tags, long cacheMillis) {
        useTagStore(tags, cacheMillis, THREAD_SLEEP);
    }

    /** As {@link #useTagStore(TagStore, long)}; {@code sleeper} spaces this isolate's writes of one tag's KV copy. */
    public void useTagStore(TagStore tags, long cacheMillis, Sleeper sleeper) {
        this.tagStoreHealth = new TagStoreHealth(clock, log);
        this.sleeper = sleeper;
        this.tagStoreCacheMillis = cacheMillis;
        this.tagStore = tags;
    }

    /** Waits; in workerd a green thread waits on a timer, the isolate does not. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis);
    }

    private static final Sleeper THREAD_SLEEP = millis -> {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    };

    private volatile TagStoreHealth tagStoreHealth;
    private volatile Sleeper sleeper = THREAD_SLEEP;

    private volatile TagStore tagStore;
    private volatile long tagStoreCacheMillis;

    @Override
    public CacheLookup.State tagState(List<String> tags, long lastModified) {
        long now = clock.millis();
        Map<String, TagState> fromStore = null;
        if (tagStore != null && (fromStore = readFromTagStore(tags, now)) == null) {
            return CacheLookup.State.MISS; // fail closed: the entry counts as revalidated now
        }
        return byTags(tags, lastModified, fromStore != null ? fromStore : readTags(tags, now));
    }

    /** What the states of an entry's tags say of an entry last written at {@code lastModified}. */
    private static CacheLookup.State byTags(List<String> tags, long lastModified, Map<String, TagState> states) {
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
        long length = value.body().length();
        boolean objectKind = !KvEntryFormat.KIND_DATA.equals(KvEntryFormat.kindOf(key));
        if (objects != null && objectKind && length > options.objectThresholdBytes()) {
            return setWithObject(key, value, setOptions, background);
        }
        if (length > KvStore.MAX_VALUE_BYTES) {
            reportOversize(key, length);
            return Completion.DONE;
        }
        long now = clock.millis();
        var entry = new CacheEntry(value, now, setOptions.revalidateAt(now), setOptions.expireAt(now),
                setOptions.tags());
        var encoded = KvEntryFormat.encode(key, entry);
        if (encoded.value().length() > KvStore.MAX_VALUE_BYTES) {
            if (objects != null && objectKind) {
                return setWithObject(key, value, setOptions, background);
            }
            log.warn("entry for " + key + " with its header exceeds KV's value limit; not cached");
            return Completion.DONE;
        }
        Completion kv = store.put(entryKey(key), encoded.value(), encoded.metadata(), kvTtl(setOptions));
        if (regional == null) {
            return kv; // the runtime's own promise, which the ISR layer also registers with waitUntil
        }
        background.keepAlive(kv);
        return () -> {
            kv.await();
            refreshRegional(key, encoded, entry.revalidateAt(), now, background);
        };
    }

    private void reportOversize(String key, long length) {
        boolean first;
        synchronized (reportedOversize) {
            first = reportedOversize.put(key, Boolean.TRUE) == null;
        }
        if (first) {
            log.warn("response for " + key + " has " + length + " bytes, over KV's " + KvStore.MAX_VALUE_BYTES
                    + "-byte limit; it is served but not cached (bind an R2 bucket as CACHE_R2 to cache it)");
        }
    }

    /** Entries meant to outlive any TTL (FORCE_STATIC, "no practical expiry") get none; others the configured one. */
    private long kvTtl(SetOptions setOptions) {
        return setOptions.expireSeconds() >= NO_TTL_BEYOND_SECONDS ? 0
                : Math.max(options.expirationTtlSeconds(), KvStore.MIN_EXPIRATION_TTL_SECONDS);
    }

    /** After a KV write: the location's copy becomes what KV now holds (a failure only costs the copy). */
    private void refreshRegional(String key, KvEntryFormat.Encoded encoded, long revalidateAt, long now,
                                 BackgroundWork background) {
        if (regional == null) {
            return;
        }
        long ttl = regionalTtl(revalidateAt, now);
        try {
            awaitKeptAlive(ttl >= 1 ? regional.put(regionalKey(key), encoded.value(), encoded.metadata(), ttl)
                    : regional.delete(regionalKey(key)), background);
        } catch (RuntimeException e) {
            log.warn("refreshing the regional copy of " + key + " failed (" + e.getMessage() + ")");
        }
    }

    /**
     * A body past the threshold: written to a new object first (its metadata names this key and write), then
     * the KV entry pointing at it. If the KV write fails the new object is deleted, so no object is left that no
     * entry points at, and no entry points at a missing object. The entry also names the object it replaced,
     * which stays for readers whose KV view is one write behind; the one before that is deleted.
     */
    private Completion setWithObject(String key, CacheValue value, SetOptions setOptions, BackgroundWork background) {
        long now = clock.millis();
        var entry = new CacheEntry(value, now, setOptions.revalidateAt(now), setOptions.expireAt(now),
                setOptions.tags());
        String objectKey = objectKey(key, now);
        Body body = value.body();
        return () -> {
            KvEntryFormat.ObjectRef replaced = currentObject(key);
            var ref = new KvEntryFormat.ObjectRef(objectKey, body.length(), replaced == null ? null : replaced.key());
            var encoded = KvEntryFormat.encode(key, entry, ref);
            awaitKeptAlive(objects.put(objectKey, body, Map.of(OBJECT_KEY_FIELD, key, OBJECT_WRITTEN_FIELD,
                    Long.toString(now))), background);
            try {
                awaitKeptAlive(store.put(entryKey(key), encoded.value(), encoded.metadata(), kvTtl(setOptions)),
                        background);
            } catch (RuntimeException e) {
                deleteObject(objectKey, "after the failed KV write of " + key, background);
                throw e;
            }
            if (replaced != null && replaced.previous() != null && !replaced.previous().equals(replaced.key())
                    && !replaced.previous().equals(objectKey)) {
                deleteObject(replaced.previous(), "two writes old for " + key, background);
            }
            refreshRegional(key, encoded, entry.revalidateAt(), now, background);
        };
    }

    /** The object the KV entry of {@code key} points at now, or null (none, unreadable, another key's). */
    private KvEntryFormat.ObjectRef currentObject(String key) {
        try {
            KvStore.Stored stored = store.getWithMetadata(entryKey(key));
            if (stored == null) {
                return null;
            }
            var decoded = KvEntryFormat.decode(stored);
            return decoded.key().equals(key) ? decoded.object() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Registers a storage promise with the runtime on its own, then waits for it. */
    private static void awaitKeptAlive(Completion write, BackgroundWork background) {
        background.keepAlive(write);
        write.await();
    }

    private void deleteObject(String objectKey, String why, BackgroundWork background) {
        try {
            awaitKeptAlive(objects.delete(objectKey), background);
        } catch (RuntimeException e) {
            log.error("deleting R2 object " + objectKey + " (" + why + ") failed; it is left behind", e);
        }
    }

    @Override
    public Completion revalidateTag(List<String> tags, boolean soft) {
        for (String tag : tags) {
            if (!CacheKeys.isImplicitTag(tag)) {
                Tags.validate(tag);
            }
        }
        long now = clock.millis();
        if (tagStore != null) {
            return revalidateInTagStore(List.copyOf(new LinkedHashSet<>(tags)), soft, now);
        }
        var writes = new ArrayList<Completion>();
        for (String tag : new LinkedHashSet<>(tags)) {
            // Read KV itself, not the tag cache: another isolate may have revalidated since.
            TagRead old = readTag(tag);
            if (old.foreign()) {
                log.error("tag record " + tagKey(tag) + " belongs to another tag (hash collision); it is kept, and "
                        + "entries tagged " + tag + " stay uncached", null);
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
            remember(tag, updated);
            noteRevalidatedHere(tag, updated, now);
            var record = Json.object().put("tag", tag).put("expired", updated.expiredAt())
                    .put("stale", updated.staleAt());
            writes.add(store.putText(tagKey(tag), record.toJson(), 0));
        }
        return () -> {
            for (Completion c : writes) {
                c.await();
            }
        };
    }

    /**
     * The tag store merges hard and soft itself (it is the only writer); its states after are then copied to the
     * tags' KV records (merged with what those hold), which isolates read while the store is down. When the
     * store cannot take the revalidation, the copies are written all the same (merged as without a store), so
     * it still reaches isolates reading KV, and the completion fails after them: the caller retries, so that the
     * store, which isolates read again once it answers, has it too. This isolate sees its own revalidation at once.
     */
    private Completion revalidateInTagStore(List<String> tags, boolean soft, long now) {
        Map<String, TagStore.State> taken = null;
        RuntimeException refused = null;
        try {
            taken = tagStore.revalidate(tags, soft, now);
            tagStoreHealth.answered();
        } catch (RuntimeException e) {
            refused = e;
            tagStoreHealth.failed(e);
        }
        // The copies as KV holds them (all read at once): they can hold a revalidation made while the store was down.
        var keys = new ArrayList<String>(tags.size());
        for (String tag : tags) {
            keys.add(tagKey(tag));
        }
        List<KvStore.TextRead> reads;
        try {
            reads = store.getTexts(keys);
        } catch (RuntimeException e) {
            reads = List.of();
        }
        var copies = new LinkedHashMap<String, TagState>();
        for (int i = 0; i < tags.size(); i++) {
            String tag = tags.get(i);
            TagStore.State state = taken == null ? null : taken.get(tag);
            TagRead old = tagRead(tag, i < reads.size() && reads.get(i) != null ? reads.get(i)
                    : new KvStore.TextRead(null, new IllegalStateException("the store answered no read for it")), now);
            if (old.foreign()) {
                log.error("tag record " + tagKey(tag) + " belongs to another tag (hash collision); it is kept, and "
                        + "while the coordinator is down entries tagged " + tag + " stay uncached", null);
            }
            TagState updated;
            if (state != null) {
                updated = new TagState(state.expiredAt(), state.staleAt(), now, false);
                if (!old.state().unknown()) {
                    updated = latest(updated, old.state(), now);
                }
            } else {
                TagState known = old.state().unknown() ? trusted(tag, now) : old.state();
                long expired = known == null || known.unknown() ? -1 : known.expiredAt();
                long stale = known == null || known.unknown() ? -1 : known.staleAt();
                updated = soft ? new TagState(expired, Math.max(stale, now), now, false)
                        : new TagState(Math.max(expired, now), stale, now, false);
            }
            remember(tag, updated);
            if (!old.foreign()) {
                copies.put(tag, updated);
            }
        }
        Completion written = writeTagCopies(copies);
        if (refused == null) {
            return () -> {
                try {
                    written.await();
                } catch (RuntimeException e) {
                    // The store has it: only isolates reading KV during a later outage could miss it.
                    log.warn("revalidation of " + tags + " is in the coordinator, but its KV copy was not written ("
                            + e.getMessage() + "); while the coordinator is down, isolates do not see it");
                }
            };
        }
        String why = refused.getMessage();
        return () -> {
            String copied;
            try {
                written.await();
                copied = "its KV copy is written, which isolates read while the coordinator is down";
            } catch (RuntimeException e) {
                copied = "nor was its KV copy written (" + e.getMessage() + "); only this isolate knows of it";
            }
            throw new IllegalStateException("revalidating " + tags + " in the coordinator failed (" + why + "); "
                    + copied + "; retry, so the coordinator has it once it answers");
        };
    }

    /** KV takes one write per second per key: this isolate writes one tag's copy at most that often. */
    static final long TAG_COPY_SPACING_MILLIS = 1000;
    /** Tags whose last copy write this isolate remembers (a forgotten one is written at once). */
    static final int MAX_TAG_COPIES_REMEMBERED = 1024;

    /** One tag's copy writes in this isolate: when the last began, and the state a scheduled one will write. */
    private static final class TagCopy {
        long writtenAt;
        TagState due;
    }

    private final Map<String, TagCopy> tagCopies = lru(MAX_TAG_COPIES_REMEMBERED);

    /**
     * Writes the KV copies of tag records ({@code {"tag":..,"expired":..,"stale":..}}, as without a tag store) when
     * the completion is awaited. A tag this isolate wrote less than {@link #TAG_COPY_SPACING_MILLIS} ago is written
     * once that much time has passed, with the latest state meanwhile (a revalidation that finds such a write
     * already scheduled leaves its state to it); a write KV refuses (429: another isolate wrote the key this second)
     * is tried once more after the same spacing. Throws when a copy could not be written.
     */
    private Completion writeTagCopies(Map<String, TagState> copies) {
        if (copies.isEmpty()) {
            return Completion.DONE;
        }
        return () -> {
            long now = clock.millis();
            long writeAt = now;
            var mine = new LinkedHashMap<String, TagCopy>();
            synchronized (tagCopies) {
                for (var e : copies.entrySet()) {
                    TagCopy copy = tagCopies.get(e.getKey());
                    if (copy != null && copy.due != null) {
                        copy.due = latest(copy.due, e.getValue(), now); // its scheduled write takes this state too
                        continue;
                    }
                    if (copy == null) {
                        copy = new TagCopy();
                        copy.writtenAt = Long.MIN_VALUE / 2;
                        tagCopies.put(e.getKey(), copy);
                    }
                    copy.writtenAt = Math.max(now, copy.writtenAt + TAG_COPY_SPACING_MILLIS);
                    copy.due = e.getValue();
                    writeAt = Math.max(writeAt, copy.writtenAt);
                    mine.put(e.getKey(), copy);
                }
            }
            if (mine.isEmpty()) {
                return;
            }
            pauseUntil(writeAt);
            var failed = putTagCopies(mine);
            if (failed.isEmpty()) {
                return;
            }
            pauseUntil(clock.millis() + TAG_COPY_SPACING_MILLIS);
            failed = putTagCopies(failed);
            if (!failed.isEmpty()) {
                throw new IllegalStateException("KV refused the tag records of " + failed.keySet() + " twice");
            }
        };
    }

    /** Puts each copy's due state and waits for all; the ones that failed (their due state kept for a retry). */
    private Map<String, TagCopy> putTagCopies(Map<String, TagCopy> copies) {
        var writes = new LinkedHashMap<String, Completion>();
        var states = new LinkedHashMap<String, TagState>();
        synchronized (tagCopies) {
            for (var e : copies.entrySet()) {
                states.put(e.getKey(), e.getValue().due);
                e.getValue().writtenAt = Math.max(e.getValue().writtenAt, clock.millis());
                e.getValue().due = null;
            }
        }
        var failed = new LinkedHashMap<String, TagCopy>();
        for (var e : states.entrySet()) {
            String tag = e.getKey();
            var record = Json.object().put("tag", tag).put("expired", e.getValue().expiredAt())
                    .put("stale", e.getValue().staleAt());
            try {
                writes.put(tag, store.putText(tagKey(tag), record.toJson(), 0));
            } catch (RuntimeException ex) {
                failed.put(tag, copies.get(tag));
            }
        }
        for (var e : writes.entrySet()) {
            try {
                e.getValue().await();
            } catch (RuntimeException ex) {
                failed.put(e.getKey(), copies.get(e.getKey()));
            }
        }
        synchronized (tagCopies) {
            for (var e : failed.entrySet()) {
                TagState mine = states.get(e.getKey());
                e.getValue().due = e.getValue().due == null ? mine : latest(e.getValue().due, mine, clock.millis());
            }
        }
        return failed;
    }

    /** Waits (suspends, in workerd) until {@code at} on this handler's clock. */
    private void pauseUntil(long at) {
        long wait = at - clock.millis();
        if (wait > 0) {
            sleeper.sleep(wait);
        }
    }

    @Override
    public Completion delete(String key) {
        Completion kv = store.delete(entryKey(key));
        if (regional == null) {
            return kv;
        }
        Completion copy = regional.delete(regionalKey(key));
        return () -> {
            kv.await();
            copy.await();
        };
    }

    /** The tag state this isolate may still trust, or null. */
    private TagState trusted(String tag, long now) {
        TagState cached;
        synchronized (tagCache) {
            cached = tagCache.get(tag);
        }
        // Else what an answer at once learned (learnTagReads, into the mirror only): read as recently, as safe.
        return cached != null && trusts(cached, now) ? cached : knownNow(tag, now);
    }

    /** Whether a tag state read at {@code readAt} may still be used; an unreadable one is asked again sooner. */
    private boolean trusts(TagState state, long now) {
        long window = tagStore != null ? tagStoreCacheMillis : options.tagCacheMillis();
        return now - state.readAt() < (state.unknown() ? Math.min(window, FAILED_TAG_READ_RETRY_MILLIS) : window);
    }

    /**
     * The states of {@code tags}: those this isolate still trusts, the rest in one read of the tag store, or, when
     * it fails or has failed within {@link TagStoreHealth#RETRY_MILLIS}, of their KV copies. Null when neither
     * could be read (fail closed): those tags are remembered as unreadable (asked again after
     * {@link #FAILED_TAG_READ_RETRY_MILLIS}).
     */
    private Map<String, TagState> readFromTagStore(List<String> tags, long now) {
        var states = new java.util.HashMap<String, TagState>();
        var missing = new ArrayList<String>();
        for (String tag : new LinkedHashSet<>(tags)) {
            TagState cached = trusted(tag, now);
            if (cached == null) {
                missing.add(tag);
            } else if (cached.unknown()) {
                return null;
            } else {
                states.put(tag, cached);
            }
        }
        if (missing.isEmpty()) {
            return states;
        }
        Map<String, TagStore.State> read = null;
        if (tagStoreHealth.ask()) {
            try {
                read = tagStore.read(missing);
                tagStoreHealth.answered();
            } catch (RuntimeException e) {
                tagStoreHealth.failed(e);
            }
        }
        if (read == null) {
            Map<String, TagState> copies = readTags(missing, now); // remembers what it read, unreadable ones too
            for (String tag : missing) {
                if (copies.get(tag).unknown()) {
                    log.error("tag " + tag + " could be read neither from the coordinator nor from its KV copy; "
                            + "the entry tagged " + missing + " counts as revalidated now and is not served from "
                            + "the cache", null);
                    return null;
                }
            }
            states.putAll(copies);
            return states;
        }
        for (String tag : missing) {
            TagStore.State state = read.get(tag);
            TagState known = state == null ? TagState.unreadable(now)
                    : new TagState(state.expiredAt(), state.staleAt(), now, false);
            remember(tag, known);
            if (state == null) {
                return null;
            }
            states.put(tag, known);
        }
        return states;
    }

    /**
     * The states of {@code tags}: those this isolate still trusts, the rest read from KV all at once (one wait
     * for all of them, not one per tag) and remembered.
     */
    private Map<String, TagState> readTags(List<String> tags, long now) {
        var states = new java.util.HashMap<String, TagState>();
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
        var keys = new ArrayList<String>(missing.size());
        for (String tag : missing) {
            keys.add(tagKey(tag));
        }
        List<KvStore.TextRead> reads;
        try {
            reads = store.getTexts(keys);
        } catch (RuntimeException e) {
            reads = null; // counted below as a failed read of each
        }
        for (int i = 0; i < missing.size(); i++) {
            String tag = missing.get(i);
            KvStore.TextRead read = reads != null && i < reads.size() ? reads.get(i)
                    : new KvStore.TextRead(null, new IllegalStateException("the store answered no read for it"));
            TagState state = tagRead(tag, read, clock.millis()).state();
            remember(tag, state);
            states.put(tag, state);
        }
        return states;
    }

    /** What KV holds for a tag; {@code foreign}: the record under its key is another tag's. */
    private record TagRead(TagState state, boolean foreign) {
    }

    private TagRead readTag(String tag) {
        KvStore.TextRead read;
        try {
            read = new KvStore.TextRead(store.getText(tagKey(tag)), null);
        } catch (RuntimeException e) {
            read = new KvStore.TextRead(null, e);
        }
        return tagRead(tag, read, clock.millis());
    }

    /** What a read of a tag's record means: its state, unreadable when the read failed or the record is broken. */
    private TagRead tagRead(String tag, KvStore.TextRead read, long now) {
        if (read.failure() != null) {
            log.error("reading tag " + tag + " failed; its entries are not served from the cache", read.failure());
            return new TagRead(TagState.unreadable(now), false);
        }
        String text = read.text();
        if (text == null) {
            return new TagRead(new TagState(-1, -1, now, false), false);
        }
        try {
            Object parsed = JsonReader.parse(text);
            if (parsed instanceof Long ts) {
                return new TagRead(new TagState(ts, -1, now, false), false); // a bare timestamp: hard invalidation
            }
            if (parsed instanceof Map<?, ?> m && m.get("expired") instanceof Long expired
                    && m.get("stale") instanceof Long stale) {
                Object owner = m.get("tag");
                if (owner != null && !tag.equals(owner)) {
                    log.warn("tag record " + tagKey(tag) + " belongs to another tag; entries tagged " + tag
                            + " are not served from the cache");
                    return new TagRead(TagState.unreadable(now), true);
                }
                return new TagRead(new TagState(expired, stale, now, false), false);
            }
            throw new IllegalArgumentException("not a tag record");
        } catch (RuntimeException e) {
            log.warn("tag record " + tagKey(tag) + " is unreadable (" + e.getMessage() + "); entries tagged " + tag
                    + " are not served from the cache until it is rewritten");
            return new TagRead(TagState.unreadable(now), false);
        }
    }

    private void noteRevalidatedHere(String tag, TagState state, long now) {
        revalidatedHere.put(tag, state);
        if (revalidatedHere.size() > MAX_REVALIDATED_HERE) {
            long keep = Math.max(options.tagCacheMillis(), KV_PROPAGATION_MILLIS);
            revalidatedHere.entrySet().removeIf(e -> e.getValue().readAt() < now - keep);
            if (revalidatedHere.size() > MAX_REVALIDATED_HERE) {
                // Too many to keep: forget them all, and learn nothing until none of them could matter.
                learnNotBefore = now + keep;
                revalidatedHere.clear();
            }
        }
    }

    /** Until when {@link #learnTagReads} learns nothing, having forgotten revalidations made here. */
    private volatile long learnNotBefore;

    private void remember(String tag, TagState state) {
        synchronized (tagCache) {
            tagCache.put(tag, state);
        }
        mirror(tag, state);
    }

    /** Tag states this isolate holds (at most {@link Options#maxCachedTags()}). */
    int cachedTagCount() {
        synchronized (tagCache) {
            return tagCache.size();
        }
    }

    /** Oversize keys this isolate remembers having reported (at most {@link #MAX_OVERSIZE_REPORTS}). */
    int oversizeReportCount() {
        synchronized (reportedOversize) {
            return reportedOversize.size();
        }
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
