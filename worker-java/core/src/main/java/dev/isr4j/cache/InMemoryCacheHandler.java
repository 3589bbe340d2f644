package dev.isr4j.cache;

import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.CacheHandler;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.api.CacheValue;
import dev.isr4j.api.Clock;
import dev.isr4j.api.Completion;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded cache: one per isolate, bounded by entry count and total bytes (least recently used entries
 * go first). Stale entries are kept until they expire, so they can be served while they regenerate.
 *
 * <pre>{@code
 * app.cacheHandler(clock -> new InMemoryCacheHandler(clock, 500, 32 << 20));
 * }</pre>
 */
public final class InMemoryCacheHandler implements CacheHandler {
    public static final int DEFAULT_MAX_ENTRIES = 1000;
    public static final long DEFAULT_MAX_BYTES = 64L << 20;

    private final Clock clock;
    private final int maxEntries;
    private final long maxBytes;
    private final LinkedHashMap<String, Stored> entries = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, Long> tagExpiredAt = new HashMap<>();
    private final Map<String, Long> tagStaleAt = new HashMap<>();
    private long totalBytes;

    private record Stored(CacheEntry entry, long size) {
    }

    public InMemoryCacheHandler(Clock clock) {
        this(clock, DEFAULT_MAX_ENTRIES, DEFAULT_MAX_BYTES);
    }

    public InMemoryCacheHandler(Clock clock, int maxEntries, long maxBytes) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("InMemoryCacheHandler needs maxEntries >= 1, got " + maxEntries);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("InMemoryCacheHandler needs maxBytes >= 1, got " + maxBytes);
        }
        this.clock = clock;
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
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
        boolean stale = false;
        for (String tag : tags) {
            Long hard = tagExpiredAt.get(tag);
            if (hard != null && hard >= lastModified) {
                return CacheLookup.State.MISS;
            }
            Long soft = tagStaleAt.get(tag);
            stale |= soft != null && soft >= lastModified;
        }
        return stale ? CacheLookup.State.STALE : CacheLookup.State.FRESH;
    }

    @Override
    public synchronized Completion set(String key, CacheValue value, SetOptions options) {
        long now = clock.millis();
        var entry = new CacheEntry(value, now, options.revalidateAt(now), options.expireAt(now), options.tags());
        long size = sizeOf(key, value);
        remove(key); // even when the new value is not stored, the old one is outdated
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
            (soft ? tagStaleAt : tagExpiredAt).put(tag, now);
        }
        return Completion.DONE;
    }

    @Override
    public synchronized Completion revalidateLayout(String path, boolean soft) {
        var tags = new java.util.ArrayList<String>();
        for (var stored : entries.values()) {
            for (String tag : stored.entry().tags()) {
                if (dev.isr4j.internal.CacheKeys.isPathTagUnder(tag, path)) {
                    tags.add(tag);
                }
            }
        }
        tags.add(dev.isr4j.internal.CacheKeys.pathTag(path));
        return revalidateTag(tags, soft);
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
        long size = key.length() * 2L + value.body().length() + 64;
        for (var h : value.headers().entries()) {
            size += (h.getKey().length() + h.getValue().length()) * 2L;
        }
        return size;
    }
}
