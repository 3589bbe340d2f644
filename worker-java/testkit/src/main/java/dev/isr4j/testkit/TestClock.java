package dev.isr4j.testkit;

import dev.isr4j.api.Clock;
import java.time.Duration;

/** A clock that moves only when the test says so. Starts at a fixed instant (2026-01-01T00:00:00Z). */
public final class TestClock implements Clock {
    public static final long DEFAULT_START = 1_767_225_600_000L;

    private long now;

    public TestClock() {
        this(DEFAULT_START);
    }

    public TestClock(long startMillis) {
        this.now = startMillis;
    }

    @Override
    public synchronized long millis() {
        return now;
    }

    public synchronized TestClock advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("time only moves forward; got " + by);
        }
        now += by.toMillis();
        return this;
    }

    public TestClock advanceSeconds(long seconds) {
        return advance(Duration.ofSeconds(seconds));
    }

    public TestClock advanceMillis(long millis) {
        return advance(Duration.ofMillis(millis));
    }
}
