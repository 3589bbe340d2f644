package dev.isr4j.isr;

import dev.isr4j.store.CacheKeys;
import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.Log;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most one background task per key per isolate (regenerations, recomputations); the key is freed after.
 * At most {@code maxRunning} keys at once (default {@value #DEFAULT_MAX_RUNNING}): beyond that no task starts,
 * the stale value keeps being served, and a later request tries again. So requests for many distinct keys
 * whose tasks hang cannot grow the isolate's memory without bound.
 *
 * <p>It takes no lock: under TeaVM a {@code synchronized} method may suspend, and a STALE answer starts its
 * regeneration from a call that must not ({@link RouteCache#serveStale}). The bound is approximate when threads
 * race on a JVM (a few tasks past it at most); one task per key is exact.
 */
public final class SingleFlight {
    static final int DEFAULT_MAX_RUNNING = 1000;

    private final ConcurrentHashMap<String, Boolean> running = new ConcurrentHashMap<>();
    private final Log log;
    private final int maxRunning;
    private volatile boolean reportedFull;

    public SingleFlight(Log log) {
        this(log, DEFAULT_MAX_RUNNING);
    }

    public SingleFlight(Log log, int maxRunning) {
        if (maxRunning < 1) {
            throw new IllegalArgumentException("maxRunning must be at least 1, got " + maxRunning);
        }
        this.log = log;
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
        if (running.containsKey(key)) {
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
                    task.run();
                } finally {
                    release(key);
                }
            });
        } catch (RuntimeException e) {
            release(key);
            log.error("could not start background work for " + CacheKeys.storageKey(key), e);
        }
    }

    private void release(String key) {
        running.remove(key);
        if (running.size() <= maxRunning / 2) {
            reportedFull = false;
        }
    }
}
