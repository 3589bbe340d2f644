package dev.isr4j.cache;

import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.CacheHandler;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.api.CacheValue;
import dev.isr4j.api.Clock;
import dev.isr4j.api.Completion;
import dev.isr4j.api.KvStore;
import dev.isr4j.api.Log;
import dev.isr4j.internal.CacheKeys;
import dev.isr4j.internal.JsonReader;
import dev.isr4j.internal.KvEntryFormat;
import dev.isr4j.internal.StoredEntries;
import dev.isr4j.internal.Tags;
import dev.isr4j.internal.Text;
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
 * <p>Invalidations fail closed: a tag record that cannot be read (KV error, unparsable, another tag's record)
 * makes every entry carrying the tag a miss; that verdict is retried after at most
 * {@link #FAILED_TAG_READ_RETRY_MILLIS}, not trusted for the whole tag-cache window. A soft revalidation never
 * lowers or erases a hard one: it re-reads the record from KV (not the isolate's tag cache) and keeps its hard
 * timestamp, and when it cannot read the record it records a hard revalidation instead. (Across locations KV
 * may show a soft writer a record up to ~60 s old; a hard revalidation landing within that window elsewhere
 * can still be overwritten. Revalidate hard when that matters.)
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
    private final Map<String, Boolean> reportedOversize = lru(MAX_OVERSIZE_REPORTS);

    /**
     * @param appPrefix prepended to every key (several apps can share a namespace)
     * @param expirationTtlSeconds KV TTL of entries, decoupled from revalidate (stale entries must survive)
     * @param tagCacheMillis how long an isolate trusts a tag state it read from KV
     * @param maxCachedTags how many tag states an isolate keeps (least recently used go first; a forgotten
     *                      one is read from KV again): bounds the memory requests for distinct paths can take
     */
    public record Options(String appPrefix, long expirationTtlSeconds, long tagCacheMillis, int maxCachedTags) {
        public static final long DEFAULT_TTL_SECONDS = 30L * 24 * 3600;
        public static final long DEFAULT_TAG_CACHE_MILLIS = 5000;
        public static final int DEFAULT_MAX_CACHED_TAGS = 10_000;

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
        }

        public static Options defaults() {
            return new Options("", DEFAULT_TTL_SECONDS, DEFAULT_TAG_CACHE_MILLIS, DEFAULT_MAX_CACHED_TAGS);
        }

        public Options withAppPrefix(String prefix) {
            return new Options(prefix, expirationTtlSeconds, tagCacheMillis, maxCachedTags);
        }

        public Options withExpirationTtl(long seconds) {
            return new Options(appPrefix, seconds, tagCacheMillis, maxCachedTags);
        }

        public Options withTagCacheMillis(long millis) {
            return new Options(appPrefix, expirationTtlSeconds, millis, maxCachedTags);
        }

        /** How many tag states one isolate keeps in memory (default {@value #DEFAULT_MAX_CACHED_TAGS}). */
        public Options withMaxCachedTags(int max) {
            return new Options(appPrefix, expirationTtlSeconds, tagCacheMillis, max);
        }
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
        this.store = store;
        this.clock = clock;
        this.log = log;
        this.options = options;
        this.tagCache = lru(options.maxCachedTags());
    }

    /** The KV key of a cache key: its storage key (hashed when long), prefixed. */
    public String entryKey(String key) {
        return options.appPrefix() + "cache:" + CacheKeys.storageKey(key);
    }

    /**
     * The KV key of a tag's invalidation record: {@code <appPrefix>__tag:<tag>}, or, for a tag too long for
     * KV's key limit (long path tags), {@code <appPrefix>__tag:__hash:<fnv1a64(tag)>}.
     */
    public String tagKey(String tag) {
        String key = options.appPrefix() + "__tag:" + tag;
        return key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= KvStore.MAX_KEY_BYTES
                && !tag.startsWith("__hash:") ? key : options.appPrefix() + "__tag:__hash:" + CacheKeys.fnv1a64Hex(tag);
    }

    @Override
    public CacheLookup get(String key) {
        return lookup(key, store.getWithMetadata(entryKey(key)));
    }

    /** Classifies a value already read from KV for {@code key} (null: absent), as {@link #get} does. */
    public CacheLookup lookup(String key, KvStore.Stored stored) {
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
        return CacheLookup.classify(entry, now, this);
    }

    @Override
    public CacheLookup.State tagState(List<String> tags, long lastModified) {
        long now = clock.millis();
        boolean stale = false;
        for (String tag : tags) {
            TagState state = tagState(tag, now);
            if (state.unknown() || state.expiredAt() >= lastModified) {
                return CacheLookup.State.MISS;
            }
            stale |= state.staleAt() >= lastModified;
        }
        return stale ? CacheLookup.State.STALE : CacheLookup.State.FRESH;
    }

    @Override
    public Completion set(String key, CacheValue value, SetOptions setOptions) {
        if (value.body().length() > KvStore.MAX_VALUE_BYTES) {
            boolean first;
            synchronized (reportedOversize) {
                first = reportedOversize.put(key, Boolean.TRUE) == null;
            }
            if (first) {
                log.warn("response for " + key + " has " + value.body().length() + " bytes, over KV's "
                        + KvStore.MAX_VALUE_BYTES + "-byte limit; it is served but not cached");
            }
            return Completion.DONE;
        }
        long now = clock.millis();
        var entry = new CacheEntry(value, now, setOptions.revalidateAt(now), setOptions.expireAt(now),
                setOptions.tags());
        var encoded = KvEntryFormat.encode(key, entry);
        if (encoded.value().length() > KvStore.MAX_VALUE_BYTES) {
            log.warn("entry for " + key + " with its header exceeds KV's value limit; not cached");
            return Completion.DONE;
        }
        // Entries meant to outlive any TTL (FORCE_STATIC, "no practical expiry") get none; others the configured one.
        long ttl = setOptions.expireSeconds() >= NO_TTL_BEYOND_SECONDS ? 0
                : Math.max(options.expirationTtlSeconds(), KvStore.MIN_EXPIRATION_TTL_SECONDS);
        return store.put(entryKey(key), encoded.value(), encoded.metadata(), ttl);
    }

    @Override
    public Completion revalidateTag(List<String> tags, boolean soft) {
        for (String tag : tags) {
            if (!CacheKeys.isImplicitTag(tag)) {
                Tags.validate(tag);
            }
        }
        long now = clock.millis();
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

    @Override
    public Completion delete(String key) {
        return store.delete(entryKey(key));
    }

    private TagState tagState(String tag, long now) {
        synchronized (tagCache) {
            TagState cached = tagCache.get(tag);
            long trustFor = cached == null ? 0 : cached.unknown()
                    ? Math.min(options.tagCacheMillis(), FAILED_TAG_READ_RETRY_MILLIS) : options.tagCacheMillis();
            if (cached != null && now - cached.readAt() < trustFor) {
                return cached;
            }
        }
        TagState state = readTag(tag).state();
        remember(tag, state);
        return state;
    }

    /** What KV holds for a tag; {@code foreign}: the record under its key is another tag's. */
    private record TagRead(TagState state, boolean foreign) {
    }

    private TagRead readTag(String tag) {
        long now = clock.millis();
        String text;
        try {
            text = store.getText(tagKey(tag));
        } catch (RuntimeException e) {
            log.error("reading tag " + tag + " failed; its entries are not served from the cache", e);
            return new TagRead(TagState.unreadable(now), false);
        }
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

    private void remember(String tag, TagState state) {
        synchronized (tagCache) {
            tagCache.put(tag, state);
        }
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
