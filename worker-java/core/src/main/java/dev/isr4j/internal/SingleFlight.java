package dev.isr4j.internal;

import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.Log;
import java.util.HashSet;
import java.util.Set;

/** At most one background task per key per isolate (regenerations, recomputations); the key is freed after. */
final class SingleFlight {
    private final Set<String> running = new HashSet<>();
    private final Log log;

    SingleFlight(Log log) {
        this.log = log;
    }

    synchronized boolean isRunning(String key) {
        return running.contains(key);
    }

    /** Starts {@code task} in the background unless one already runs for {@code key}. */
    void start(String key, BackgroundWork background, Runnable task) {
        synchronized (this) {
            if (!running.add(key)) {
                return;
            }
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
            log.error("could not start background work for " + key, e);
        }
    }

    private synchronized void release(String key) {
        running.remove(key);
    }
}
