package dev.isr4j.cache;

import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.CacheHandler;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.api.CacheValue;
import dev.isr4j.api.Clock;
import dev.isr4j.api.Completion;
import dev.isr4j.store.StoredEntries;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded cache: one per isolate, bounded by entry count and total bytes (least recently used entries
 * go first). Stale entries are kept until they expire, so they can be served while they regenerate.
 *
 * <p>Tag invalidations are bounded too ({@code maxTags}, default {@value #DEFAULT_MAX_TAGS} per kind): when
 * the oldest is forgotten, its timestamp becomes a floor that every entry written at or before it is held
 * to, so forgetting can only invalidate more, never serve what was revalidated. Stored values are held to the
 * rules of {@link StoredEntries} like KV entries: never-stored headers are dropped, and a value with a status
 * outside 200-499 or an invalid header field is not stored.
 *
 * <pre>{@code
 * app.cacheHandler(clock -> new InMemoryCacheHandler(clock, 500, 32 << 20));
 * }</pre>
 */
public final class InMemoryCacheHandler implements CacheHandler {
    public static final int DEFAULT_MAX_ENTRIES = 1000;
    public static final long DEFAULT_MAX_BYTES = 64L << 20;
    public static final int DEFAULT_MAX_TAGS = 10_000;

    private final Clock clock;
    private final int maxEntries;
    private final long maxBytes;
    private final LinkedHashMap<String, Stored> entries = new LinkedHashMap<>(16, 0.75f, true);
    private final Invalidations hard;
    private final Invalidations soft;
    private long totalBytes;

    /** Tag to latest invalidation, oldest forgotten beyond {@code max} into a floor that applies to every tag. */
    private static final class Invalidations {
        private final int max;
        private final LinkedHashMap<String, Long> byTag = new LinkedHashMap<>();
        private long floor = -1;

        Invalidations(int max) {
            this.max = max;
        }

        void record(String tag, long at) {
            Long old = byTag.remove(tag); // re-inserted last: the map is ordered by latest invalidation
            byTag.put(tag, old == null ? at : Math.max(old, at));
            while (byTag.size() > max) {
                var eldest = byTag.entrySet().iterator();
                floor = Math.max(floor, eldest.next().getValue());
                eldest.remove();
            }
        }

        /** True when an entry with one of these tags, written at {@code lastModified}, is invalidated. */
        boolean applies(List<String> tags, long lastModified) {
            if (!tags.isEmpty() && floor >= lastModified) {
                return true;
            }
            for (String tag : tags) {
                Long at = byTag.get(tag);
                if (at != null && at >= lastModified) {
                    return true;
                }
            }
            return false;
        }

        int size() {
            return byTag.size();
        }
    }

    private record Stored(CacheEntry entry, long size) {
    }

    public InMemoryCacheHandler(Clock clock) {
        this(clock, DEFAULT_MAX_ENTRIES, DEFAULT_MAX_BYTES);
    }

    public InMemoryCacheHandler(Clock clock, int maxEntries, long maxBytes) {
        this(clock, maxEntries, maxBytes, DEFAULT_MAX_TAGS);
    }

    /** @param maxTags how many tags' hard (and, apart, soft) invalidations are remembered one by one */
    public InMemoryCacheHandler(Clock clock, int maxEntries, long maxBytes, int maxTags) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("InMemoryCacheHandler needs maxEntries >= 1, got " + maxEntries);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("InMemoryCacheHandler needs maxBytes >= 1, got " + maxBytes);
        }
        if (maxTags < 1) {
            throw new IllegalArgumentException("InMemoryCacheHandler needs maxTags >= 1, got " + maxTags);
        }
        this.clock = clock;
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.hard = new Invalidations(maxTags);
        this.soft = new Invalidations(maxTags);
    }

    @Override
    public synchronized CacheLookup get(String key) {
        var stored = entries.get(key);
        if (stored == null) {
            return CacheLookup.MISS;
        }
        var entry = stored.entry();
        long now = clock.millis();
        return CacheLookup.classify(entry, now, this); // an expired entry is kept (until evicted), never served
    }

    @Override
    public synchronized CacheLookup.State tagState(List<String> tags, long lastModified) {
        if (hard.applies(tags, lastModified)) {
            return CacheLookup.State.MISS;
        }
        return soft.applies(tags, lastModified) ? CacheLookup.State.STALE : CacheLookup.State.FRESH;
    }

    @Override
    public synchronized Completion set(String key, CacheValue value, SetOptions options) {
        long now = clock.millis();
        remove(key); // even when the new value is not stored, the old one is outdated
        if (StoredEntries.contentProblem(value.status(), value.headers()) != null) {
            return Completion.DONE; // what could never be served is never stored
        }
        var kept = value.withHeaders(StoredEntries.servable(value.headers()));
        var entry = new CacheEntry(kept, now, options.revalidateAt(now), options.expireAt(now), options.tags());
        long size = sizeOf(key, kept);
        if (size > maxBytes) {
            return Completion.DONE; // larger than the whole cache: serve it, never store it
        }
        entries.put(key, new Stored(entry, size));
        totalBytes += size;
        evict();
        return Completion.DONE;
    }

    @Override
    public synchronized Completion revalidateTag(List<String> tags, boolean soft) {
        long now = clock.millis();
        for (String tag : tags) {
            (soft ? this.soft : hard).record(tag, now);
        }
        return Completion.DONE;
    }

    @Override
    public synchronized Completion delete(String key) {
        remove(key);
        return Completion.DONE;
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized long totalBytes() {
        return totalBytes;
    }

    /** How many tags' invalidations are remembered one by one (hard and soft together). */
    public synchronized int rememberedTagCount() {
        return hard.size() + soft.size();
    }

    public synchronized boolean contains(String key) {
        return entries.containsKey(key);
    }

    private void remove(String key) {
        var old = entries.remove(key);
        if (old != null) {
            totalBytes -= old.size();
        }
    }

    private void evict() {
        Iterator<Map.Entry<String, Stored>> it = entries.entrySet().iterator();
        while ((entries.size() > maxEntries || totalBytes > maxBytes) && it.hasNext()) {
            var eldest = it.next();
            totalBytes -= eldest.getValue().size();
            it.remove();
        }
    }

    private static long sizeOf(String key, CacheValue value) {
        long size = key.length() * 2L + value.body().length() + 64
                + (value.props() == null ? 0 : value.props().length() * 2L);
        for (var h : value.headers().entries()) {
            size += (h.getKey().length() + h.getValue().length()) * 2L;
        }
        return size;
    }
}
