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
import dev.isr4j.internal.Tags;
import dev.isr4j.internal.Text;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Workers KV as the ISR cache (binding {@code CACHE_KV}). Entries live under {@code <appPrefix>cache:<key>} in
 * the binary format of {@link KvEntryFormat}; tag invalidations under {@code <appPrefix>__tag:<tag>} as
 * {@code {"expired":<ms>,"stale":<ms>}} (hard and soft). Writes hand back the real KV put promise.
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
    private final Map<String, TagState> tagCache = new HashMap<>();
    private final Set<String> reportedOversize = new HashSet<>();

    /**
     * @param appPrefix prepended to every key (several apps can share a namespace)
     * @param expirationTtlSeconds KV TTL of entries, decoupled from revalidate (stale entries must survive)
     * @param tagCacheMillis how long an isolate trusts a tag state it read from KV
     */
    public record Options(String appPrefix, long expirationTtlSeconds, long tagCacheMillis) {
        public static final long DEFAULT_TTL_SECONDS = 30L * 24 * 3600;
        public static final long DEFAULT_TAG_CACHE_MILLIS = 5000;

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
        }

        public static Options defaults() {
            return new Options("", DEFAULT_TTL_SECONDS, DEFAULT_TAG_CACHE_MILLIS);
        }

        public Options withAppPrefix(String prefix) {
            return new Options(prefix, expirationTtlSeconds, tagCacheMillis);
        }

        public Options withExpirationTtl(long seconds) {
            return new Options(appPrefix, seconds, tagCacheMillis);
        }

        public Options withTagCacheMillis(long millis) {
            return new Options(appPrefix, expirationTtlSeconds, millis);
        }
    }

    private record TagState(long expiredAt, long staleAt, long readAt) {
    }

    public KvCacheHandler(KvStore store, Clock clock, Log log, Options options) {
        this.store = store;
        this.clock = clock;
        this.log = log;
        this.options = options;
    }

    /** The KV key of a cache key. */
    public String entryKey(String key) {
        return options.appPrefix() + "cache:" + key;
    }

    /**
     * The KV key of a tag's invalidation record: {@code <appPrefix>__tag:<tag>}, or, for a tag too long for
     * KV's key limit (long path tags), {@code <appPrefix>__tag:__hash:<fnv1a64(tag)>}.
     */
    public String tagKey(String tag) {
        String key = options.appPrefix() + "__tag:" + tag;
        return key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= KvStore.MAX_KEY_BYTES
                ? key : options.appPrefix() + "__tag:__hash:" + CacheKeys.fnv1a64Hex(tag);
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
        CacheEntry entry;
        try {
            entry = KvEntryFormat.decode(stored, KvEntryFormat.kindOf(key));
        } catch (RuntimeException e) {
            log.warn("cache entry " + entryKey(key) + " is unreadable (" + e.getMessage() + ")");
            return CacheLookup.CORRUPT;
        }
        long now = clock.millis();
        return CacheLookup.classify(entry, now, this);
    }

    @Override
    public CacheLookup.State tagState(List<String> tags, long lastModified) {
        long now = clock.millis();
        boolean stale = false;
        for (String tag : tags) {
            TagState state = tagState(tag, now);
            if (state.expiredAt() >= lastModified) {
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
                first = reportedOversize.add(key);
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
        var encoded = KvEntryFormat.encode(entry, KvEntryFormat.kindOf(key));
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
            if (tag == null || !tag.startsWith("path:")) {
                Tags.validate(tag);
            }
        }
        long now = clock.millis();
        var writes = new ArrayList<Completion>();
        for (String tag : new LinkedHashSet<>(tags)) {
            TagState old = tagState(tag, now);
            TagState updated = soft ? new TagState(old.expiredAt(), now, now) : new TagState(now, old.staleAt(), now);
            synchronized (tagCache) {
                tagCache.put(tag, updated);
            }
            String record = "{\"expired\":" + updated.expiredAt() + ",\"stale\":" + updated.staleAt() + "}";
            writes.add(store.putText(tagKey(tag), record, 0));
        }
        return () -> {
            for (Completion c : writes) {
                c.await();
            }
        };
    }

    @Override
    public Completion revalidateLayout(String path, boolean soft) {
        var tags = new LinkedHashSet<String>();
        tags.add(CacheKeys.pathTag(path));
        String cursor = null;
        String prefix = options.appPrefix() + "cache:";
        for (int pages = 0; pages < 1000; pages++) { // a bound: 1000 pages of 1000 keys
            KvStore.Page page = store.list(prefix, cursor);
            for (KvStore.Listed listed : page.keys()) {
                if (listed.metadata() == null) {
                    continue;
                }
                for (String tag : KvEntryFormat.pathTags(listed.metadata())) {
                    if (CacheKeys.isPathTagUnder(tag, path)) {
                        tags.add(tag);
                    }
                }
            }
            if (page.complete() || page.cursor() == null) {
                break;
            }
            cursor = page.cursor();
        }
        return revalidateTag(new ArrayList<>(tags), soft);
    }

    @Override
    public Completion delete(String key) {
        return store.delete(entryKey(key));
    }

    private TagState tagState(String tag, long now) {
        synchronized (tagCache) {
            TagState cached = tagCache.get(tag);
            if (cached != null && now - cached.readAt() < options.tagCacheMillis()) {
                return cached;
            }
        }
        TagState state = new TagState(-1, -1, now);
        String text;
        try {
            text = store.getText(tagKey(tag));
        } catch (RuntimeException e) {
            log.error("reading tag " + tag + " failed; treating it as not revalidated", e);
            return state;
        }
        if (text != null) {
            try {
                Object parsed = JsonReader.parse(text);
                if (parsed instanceof Map<?, ?> m) {
                    state = new TagState(asLong(m.get("expired")), asLong(m.get("stale")), now);
                } else if (parsed instanceof Long ts) {
                    state = new TagState(ts, -1, now); // a bare timestamp: hard invalidation
                }
            } catch (RuntimeException e) {
                log.warn("tag record " + tagKey(tag) + " is unreadable: " + e.getMessage());
            }
        }
        synchronized (tagCache) {
            tagCache.put(tag, state);
        }
        return state;
    }

    private static long asLong(Object o) {
        return o instanceof Long l ? l : -1;
    }

}
