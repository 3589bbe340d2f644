package dev.isr4j.isr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.testing.ManualClock;
import dev.isr4j.testing.QueuedBackgroundWork;
import dev.isr4j.testing.RecordingLog;
import org.junit.jupiter.api.Test;

/** Single-flight bookkeeping is bounded however many distinct keys go stale at once. */
class SingleFlightTest {
    private static final int DISTINCT = 100_000;
    private final RecordingLog log = new RecordingLog();

    @Test
    void singleFlightRunsAtMostMaxRunningKeysAndFreesThemAfter() {
        var flights = new SingleFlight(log, 250);
        var background = new QueuedBackgroundWork(); // tasks wait: as if every regeneration hung
        for (int i = 0; i < DISTINCT; i++) {
            flights.start("app:/p/" + i + ":route", background, () -> { });
        }
        assertEquals(250, flights.runningCount());
        assertEquals(250, background.pending());
        assertTrue(log.hasWarning("250 background regenerations"), log::toString);
        background.drain();
        assertEquals(0, flights.runningCount());
        flights.start("app:/again:route", background, () -> { });
        assertEquals(1, flights.runningCount(), "room again once they end");
    }

    @Test
    void aKeyWrittenByThisIsolateIsNotStartedAgainForAnOlderVersionUntilTheWriteIsAMinuteOld() {
        var clock = new ManualClock(1_000_000);
        var flights = new SingleFlight(log, clock);
        var background = new QueuedBackgroundWork();
        String key = "app:/p:route";
        flights.start(key, 500, background, () -> 1_000_000); // replaced version 500, wrote 1_000_000
        assertEquals(1, background.drain());
        flights.start(key, 500, background, () -> 1_000_000); // read version 500 before that write landed
        assertEquals(0, background.pending(), "an older version than this isolate wrote");
        flights.start(key, -1, background, () -> -1); // no version read (nothing stored): always starts
        assertEquals(1, background.drain());
        flights.start(key, 1_000_000, background, () -> 1_000_000); // its own write, gone stale since
        assertEquals(1, background.drain());
        flights.start("app:/other:route", 500, background, () -> -1);
        assertEquals(1, background.drain(), "other keys are not concerned");
        clock.advanceMillis(SingleFlight.REMEMBER_MILLIS);
        flights.start(key, 500, background, () -> -1);
        assertEquals(1, background.drain(), "a minute on, an older read is believed again");
    }
}
