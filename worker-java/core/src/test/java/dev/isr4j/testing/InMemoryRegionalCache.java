package dev.isr4j.testing;

import dev.isr4j.Body;
import dev.isr4j.api.Clock;
import dev.isr4j.api.Completion;
import dev.isr4j.api.KvStore;
import dev.isr4j.api.RegionalCache;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A location cache on a clock: copies vanish after their TTL, as the Cache API's do after max-age. */
public final class InMemoryRegionalCache implements RegionalCache {
    public record Put(String key, long ttlSeconds) {
    }

    private record Copy(byte[] value, String metadata, long expiresAt) {
    }

    private final Clock clock;
    private final Map<String, Copy> copies = new HashMap<>();
    public final List<Put> puts = new ArrayList<>();
    public final List<String> deletes = new ArrayList<>();
    public int matches;

    public InMemoryRegionalCache(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized KvStore.Stored match(String key) {
        matches++;
        Copy c = copies.get(key);
        if (c == null || clock.millis() >= c.expiresAt()) {
            copies.remove(key);
            return null;
        }
        return new KvStore.Stored(Body.of(c.value()), c.metadata());
    }

    @Override
    public synchronized Completion put(String key, Body value, String metadataJson, long ttlSeconds) {
        if (ttlSeconds < 1) {
            throw new IllegalArgumentException("ttl " + ttlSeconds);
        }
        puts.add(new Put(key, ttlSeconds));
        copies.put(key, new Copy(value.bytes().clone(), metadataJson, clock.millis() + ttlSeconds * 1000));
        return Completion.DONE;
    }

    @Override
    public synchronized Completion delete(String key) {
        deletes.add(key);
        copies.remove(key);
        return Completion.DONE;
    }

    /** Puts raw content under a key, as a hostile or foreign writer might. */
    public synchronized void putRaw(String key, byte[] value, String metadata) {
        copies.put(key, new Copy(value, metadata, Long.MAX_VALUE));
    }

    public synchronized boolean contains(String key) {
        Copy c = copies.get(key);
        return c != null && clock.millis() < c.expiresAt();
    }

    public synchronized String metadata(String key) {
        Copy c = copies.get(key);
        return c == null ? null : c.metadata();
    }
}
