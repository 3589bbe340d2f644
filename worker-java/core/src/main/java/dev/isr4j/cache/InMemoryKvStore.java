package dev.isr4j.cache;

import dev.isr4j.Body;
import dev.isr4j.api.Clock;
import dev.isr4j.api.Completion;
import dev.isr4j.api.KvStore;
import dev.isr4j.text.Utf8;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A KV namespace in memory, with KV's limits enforced (key bytes, metadata bytes, value bytes, minimum TTL)
 * and expiration honoured against a clock. For tests and the JVM test kit; lists in key order like KV.
 */
public final class InMemoryKvStore implements KvStore {
    private static final int PAGE_SIZE = 1000;

    private record Item(byte[] value, String metadata, long expiresAt) {
    }

    private final Clock clock;
    private final TreeMap<String, Item> items = new TreeMap<>();
    private int writes;

    public InMemoryKvStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Stored getWithMetadata(String key) {
        Item item = live(key);
        return item == null ? null : new Stored(Body.of(item.value()), item.metadata());
    }

    @Override
    public synchronized String getText(String key) {
        Item item = live(key);
        return item == null ? null : Utf8.decode(item.value());
    }

    @Override
    public synchronized Completion put(String key, Body value, String metadataJson, long expirationTtlSeconds) {
        checkKey(key);
        if (metadataJson != null && Utf8.length(metadataJson) > MAX_METADATA_BYTES) {
            throw new IllegalArgumentException("KV metadata over " + MAX_METADATA_BYTES + " bytes for " + key);
        }
        if (value.length() > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("KV value over " + MAX_VALUE_BYTES + " bytes for " + key);
        }
        if (expirationTtlSeconds != 0 && expirationTtlSeconds < MIN_EXPIRATION_TTL_SECONDS) {
            throw new IllegalArgumentException("KV expirationTtl below " + MIN_EXPIRATION_TTL_SECONDS + " s");
        }
        long expiresAt = expirationTtlSeconds == 0 ? Long.MAX_VALUE : clock.millis() + expirationTtlSeconds * 1000;
        items.put(key, new Item(value.bytes().clone(), metadataJson, expiresAt));
        writes++;
        return Completion.DONE;
    }

    @Override
    public Completion putText(String key, String value, long expirationTtlSeconds) {
        return put(key, Body.of(value), null, expirationTtlSeconds);
    }

    @Override
    public synchronized Completion delete(String key) {
        items.remove(key);
        return Completion.DONE;
    }

    @Override
    public synchronized Page list(String prefix, String cursor) {
        var keys = new ArrayList<Listed>();
        String from = cursor == null ? prefix : cursor;
        boolean afterCursor = cursor != null;
        for (Map.Entry<String, Item> e : items.tailMap(from, true).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            if (afterCursor && e.getKey().equals(cursor)) {
                continue;
            }
            if (live(e.getKey()) == null) {
                continue;
            }
            if (keys.size() == PAGE_SIZE) {
                return new Page(keys, keys.get(keys.size() - 1).name(), false);
            }
            keys.add(new Listed(e.getKey(), e.getValue().metadata()));
        }
        return new Page(keys, null, true);
    }

    /** Raw access for tests: stores exactly these bytes and metadata. */
    public synchronized void putRaw(String key, byte[] value, String metadataJson) {
        items.put(key, new Item(value.clone(), metadataJson, Long.MAX_VALUE));
    }

    public synchronized boolean contains(String key) {
        return live(key) != null;
    }

    public synchronized List<String> keys() {
        return new ArrayList<>(items.keySet());
    }

    /** Number of successful puts so far. */
    public synchronized int writes() {
        return writes;
    }

    private Item live(String key) {
        Item item = items.get(key);
        if (item != null && clock.millis() >= item.expiresAt()) {
            items.remove(key);
            return null;
        }
        return item;
    }

    private static void checkKey(String key) {
        int bytes = Utf8.length(key);
        if (bytes == 0 || bytes > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("KV keys must be 1-" + MAX_KEY_BYTES + " bytes, got " + bytes);
        }
    }
}
