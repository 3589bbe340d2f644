package dev.isr4j.isr;

import dev.isr4j.store.CacheKeys;
import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.Clock;
import dev.isr4j.api.Log;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * At most one background task per key per isolate (regenerations, recomputations); the key is freed after.
 * At most {@code maxRunning} keys at once (default {@value #DEFAULT_MAX_RUNNING}): beyond that no task starts,
 * the stale value keeps being served, and a later request tries again. So requests for many distinct keys
 * whose tasks hang cannot grow the isolate's memory without bound.
 *
 * <p>A task that replaces a version of its key (a regeneration of a stale entry) reports the version it wrote (its
 * lastModified, this isolate's clock), and for {@value #REMEMBER_MILLIS} ms after it this isolate starts no other
 * for an older version: a request that read the key before the write landed (or from a KV location that has not
 * caught up) would only render and write the key again, twice in a second, which KV refuses. The coordinator's
 * DONE is the same rule across isolates; this one holds when the coordinator does not answer, or there is none.
 * At most {@value #MAX_REMEMBERED} keys are remembered.
 *
 * <p>It takes no lock: under TeaVM a {@code synchronized} method may suspend, and a STALE answer starts its
 * regeneration from a call that must not ({@link RouteCache#serveStale}). The bound is approximate when threads
 * race on a JVM (a few tasks past it at most); one task per key is exact.
 */
public final class SingleFlight {
    static final int DEFAULT_MAX_RUNNING = 1000;
    static final int MAX_REMEMBERED = 1000;
    /** How long a write is trusted to stand for its key: about the time KV takes to reach every location. */
    static final long REMEMBER_MILLIS = 60_000;

    private final ConcurrentHashMap<String, Boolean> running = new ConcurrentHashMap<>();
    /** Key -> the newest version this isolate's tasks wrote of it. */
    private final ConcurrentHashMap<String, Long> written = new ConcurrentHashMap<>();
    private final Log log;
    private final Clock clock;
    private final int maxRunning;
    private volatile boolean reportedFull;

    public SingleFlight(Log log) {
        this(log, DEFAULT_MAX_RUNNING);
    }

    public SingleFlight(Log log, Clock clock) {
        this(log, clock, DEFAULT_MAX_RUNNING);
    }

    public SingleFlight(Log log, int maxRunning) {
        this(log, Clock.SYSTEM, maxRunning);
    }

    public SingleFlight(Log log, Clock clock, int maxRunning) {
        if (maxRunning < 1) {
            throw new IllegalArgumentException("maxRunning must be at least 1, got " + maxRunning);
        }
        this.log = log;
        this.clock = clock;
        this.maxRunning = maxRunning;
    }

    public boolean isRunning(String key) {
        return running.containsKey(key);
    }

    public int runningCount() {
        return running.size();
    }

    /** Starts {@code task} in the background unless one already runs for {@code key} (or too many run). */
    public void start(String key, BackgroundWork background, Runnable task) {
        start(key, -1, background, () -> {
            task.run();
            return -1;
        });
    }

    /**
     * Starts {@code task}, which replaces version {@code seen} of {@code key} (-1: none) and returns the version it
     * wrote (-1: none), unless one already runs for the key (or too many run), or a task of this isolate wrote a
     * version newer than {@code seen} less than {@value #REMEMBER_MILLIS} ms ago.
     */
    public void start(String key, long seen, BackgroundWork background, LongSupplier task) {
        if (running.containsKey(key)) {
            return;
        }
        Long done = seen >= 0 ? written.get(key) : null;
        if (done != null && done > seen && clock.millis() - done < REMEMBER_MILLIS) {
            return;
        }
        if (running.size() >= maxRunning) {
            if (!reportedFull) {
                reportedFull = true;
                log.warn(maxRunning + " background regenerations are running in this isolate; no more start "
                        + "until one ends (stale entries are served meanwhile)");
            }
            return;
        }
        if (running.putIfAbsent(key, Boolean.TRUE) != null) {
            return; // another thread claimed it in between (JVM only)
        }
        try {
            background.submit(() -> {
                try {
                    remember(key, task.getAsLong());
                } finally {
                    release(key);
                }
            });
        } catch (RuntimeException e) {
            release(key);
            log.error("could not start background work for " + CacheKeys.storageKey(key), e);
        }
    }

    /** Before the key is released, so no later start misses it. */
    private void remember(String key, long version) {
        if (version < 0) {
            return;
        }
        if (written.size() >= MAX_REMEMBERED && !written.containsKey(key)) {
            written.clear(); // a hint: forgetting costs at most one more regeneration per key
        }
        written.merge(key, version, Math::max);
    }

    private void release(String key) {
        running.remove(key);
        if (running.size() <= maxRunning / 2) {
            reportedFull = false;
        }
    }
}
