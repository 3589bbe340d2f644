package dev.isr4j.testing;

import dev.isr4j.api.Clock;

/** A clock that moves only when the test moves it. */
public final class ManualClock implements Clock {
    private long now;

    public ManualClock(long startMillis) {
        this.now = startMillis;
    }

    @Override
    public synchronized long millis() {
        return now;
    }

    public synchronized void set(long millis) {
        now = millis;
    }

    public synchronized void advanceMillis(long millis) {
        now += millis;
    }

    public void advanceSeconds(long seconds) {
        advanceMillis(seconds * 1000);
    }
}
