package dev.isr4j.cache;

import dev.isr4j.api.Clock;
import dev.isr4j.api.Log;

/**
 * Whether an isolate asks its {@link dev.isr4j.api.TagStore} (the coordinator) for tag records or reads their KV
 * copies. After a failed call it reads KV, and asks the store again at most once per {@link #RETRY_MILLIS} (one
 * caller, the others read KV meanwhile), so an outage costs the store's deadline once a second, not on every
 * request. It logs one line when it switches to KV and one when it switches back.
 */
final class TagStoreHealth {
    /** How often a store that failed is asked again. */
    static final long RETRY_MILLIS = 1000;

    private final Clock clock;
    private final Log log;
    private boolean down;
    private long retryAt;

    TagStoreHealth(Clock clock, Log log) {
        this.clock = clock;
        this.log = log;
    }

    /** Whether this caller asks the store; while it is down, one caller per {@link #RETRY_MILLIS} is told yes. */
    synchronized boolean ask() {
        if (!down) {
            return true;
        }
        long now = clock.millis();
        if (now < retryAt) {
            return false;
        }
        retryAt = now + RETRY_MILLIS;
        return true;
    }

    synchronized boolean down() {
        return down;
    }

    synchronized void answered() {
        if (down) {
            down = false;
            log.warn("the coordinator answers again; this isolate reads tag records from it again");
        }
    }

    synchronized void failed(RuntimeException e) {
        retryAt = clock.millis() + RETRY_MILLIS;
        if (!down) {
            down = true;
            log.warn("the coordinator did not answer (" + e.getMessage() + "); this isolate reads the KV copies of "
                    + "tag records until it does (asking it again at most once a second), so a revalidation can take "
                    + "KV's ~60 s to reach every location meanwhile");
        }
    }
}
