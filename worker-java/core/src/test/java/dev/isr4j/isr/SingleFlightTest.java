package dev.isr4j.isr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
