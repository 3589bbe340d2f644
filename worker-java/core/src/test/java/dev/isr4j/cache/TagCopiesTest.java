package dev.isr4j.cache;

import static dev.isr4j.testing.IsrHarness.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.isr4j.json.JsonReader;
import dev.isr4j.testing.ManualClock;
import dev.isr4j.testing.RecordingKvStore;
import dev.isr4j.testing.RecordingLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The KV copies of a tag store's records: spaced to KV's one write per second per key, retried once. */
class TagCopiesTest {
    private final ManualClock clock = new ManualClock(T0);
    private final InMemoryKvStore memory = new InMemoryKvStore(clock);
    private final RecordingKvStore store = new RecordingKvStore(memory);
    private final List<Long> sleeps = new ArrayList<>();
    private final TagCopies copies = new TagCopies(new TagRecords(store, new KvKeys(""), clock, new RecordingLog()),
            clock, ms -> {
                sleeps.add(ms);
                clock.advanceMillis(ms);
            });

    private static TagState at(long expired) {
        return new TagState(expired, -1, T0, false);
    }

    private Object expired(String tag) {
        return ((Map<?, ?>) JsonReader.parse(memory.getText("__tag:" + tag))).get("expired");
    }

    @Test
    void aFirstCopyIsWrittenAtOnce() {
        copies.write(Map.of("a", at(1))).await();
        assertEquals(List.of(), sleeps);
        assertEquals(1L, expired("a"));
    }

    @Test
    void aSecondCopyOfOneTagWithinASecondWaitsForIt() {
        copies.write(Map.of("a", at(1))).await();
        clock.advanceMillis(300);
        copies.write(Map.of("a", at(2))).await();
        assertEquals(List.of(TagCopies.SPACING_MILLIS - 300), sleeps);
        assertEquals(2L, expired("a"));
    }

    @Test
    void aCopyKvRefusesIsTriedOnceMoreAfterTheSpacingThenFails() {
        store.putAwaitThrows = true;
        assertThrows(IllegalStateException.class, () -> copies.write(Map.of("a", at(1))).await());
        assertEquals(List.of(TagCopies.SPACING_MILLIS), sleeps);
        assertEquals(2, store.puts.size());
    }

    @Test
    void nothingToCopyWritesNothing() {
        copies.write(Map.of()).await();
        assertEquals(0, store.puts.size());
    }
}
