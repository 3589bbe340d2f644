package dev.isr4j.testkit;

import dev.isr4j.Body;
import dev.isr4j.api.Clock;
import dev.isr4j.api.Completion;
import dev.isr4j.api.KvStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Workers KV as many locations see it, on a manual clock: a write is visible at once in the location that made
 * it and after that location's propagation delay everywhere else (KV: up to about 60 s), and a key takes at
 * most one write per second - more are rejected, as KV answers 429. Counts every write attempted and rejected.
 */
public final class SimulatedKv {
    /** KV's limit: one write per second per key. */
    public static final long MIN_WRITE_INTERVAL_MILLIS = 1000;

    private record Version(long writtenAt, int location, byte[] value, String metadata, boolean deleted) {
    }

    private final Clock clock;
    private final long[] delays;
    private final long maxDelay;
    private final Map<String, List<Version>> versions = new HashMap<>();
    private final Map<String, Long> lastAccepted = new HashMap<>();
    private long attempted;
    private long rejected;

    /** @param delays how long a write takes to reach each location (index = location) */
    public SimulatedKv(Clock clock, long[] delays) {
        this.clock = clock;
        this.delays = delays.clone();
        long max = 0;
        for (long d : delays) {
            max = Math.max(max, d);
        }
        this.maxDelay = max;
    }

    /** {@code locations} locations whose delays spread evenly from 0 to {@code maxDelayMillis}. */
    public static SimulatedKv spread(Clock clock, int locations, long maxDelayMillis) {
        long[] delays = new long[locations];
        for (int i = 0; i < locations; i++) {
            delays[i] = locations == 1 ? 0 : maxDelayMillis * i / (locations - 1);
        }
        return new SimulatedKv(clock, delays);
    }

    public int locations() {
        return delays.length;
    }

    public long delayOf(int location) {
        return delays[location];
    }

    public synchronized long writesAttempted() {
        return attempted;
    }

    public synchronized long writesRejected() {
        return rejected;
    }

    /** The namespace as one location's isolates see it. */
    public KvStore at(int location) {
        if (location < 0 || location >= delays.length) {
            throw new IllegalArgumentException("no location " + location + " of " + delays.length);
        }
        return new View(location);
    }

    private synchronized Version visible(String key, int location) {
        List<Version> list = versions.get(key);
        if (list == null) {
            return null;
        }
        long now = clock.millis();
        for (int i = list.size() - 1; i >= 0; i--) {
            Version v = list.get(i);
            if (v.location() == location || v.writtenAt() + delays[location] <= now) {
                return v.deleted() ? null : v;
            }
        }
        return null;
    }

    private synchronized Completion write(String key, int location, byte[] value, String metadata, boolean deleted) {
        long now = clock.millis();
        attempted++;
        Long last = lastAccepted.get(key);
        if (last != null && now - last < MIN_WRITE_INTERVAL_MILLIS) {
            rejected++;
            return Completion.failed(new IllegalStateException("KV PUT failed: 429 Too Many Requests (" + key + ")"));
        }
        lastAccepted.put(key, now);
        List<Version> list = versions.computeIfAbsent(key, k -> new ArrayList<>());
        list.add(new Version(now, location, value, metadata, deleted));
        // Versions every location has moved past are never read again.
        while (list.size() > 1 && list.get(1).writtenAt() + maxDelay <= now) {
            list.remove(0);
        }
        return Completion.DONE;
    }

    private final class View implements KvStore {
        private final int location;

        View(int location) {
            this.location = location;
        }

        @Override
        public Stored getWithMetadata(String key) {
            Version v = visible(key, location);
            return v == null ? null : new Stored(Body.of(v.value()), v.metadata());
        }

        @Override
        public String getText(String key) {
            Version v = visible(key, location);
            return v == null ? null : new String(v.value(), java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public Completion put(String key, Body value, String metadataJson, long expirationTtlSeconds) {
            return write(key, location, value.bytes().clone(), metadataJson, false);
        }

        @Override
        public Completion putText(String key, String value, long expirationTtlSeconds) {
            return write(key, location, value.getBytes(java.nio.charset.StandardCharsets.UTF_8), null, false);
        }

        @Override
        public Completion delete(String key) {
            return write(key, location, new byte[0], null, true);
        }

        @Override
        public Page list(String prefix, String cursor) {
            var names = new TreeSet<String>();
            synchronized (SimulatedKv.this) {
                for (String key : versions.keySet()) {
                    if (key.startsWith(prefix) && visible(key, location) != null) {
                        names.add(key);
                    }
                }
            }
            var keys = new ArrayList<Listed>();
            for (String name : names) {
                keys.add(new Listed(name, visible(name, location).metadata()));
            }
            return new Page(keys, null, true);
        }
    }
}
