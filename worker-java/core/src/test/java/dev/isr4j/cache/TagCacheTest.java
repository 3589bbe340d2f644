package dev.isr4j.cache;

import static dev.isr4j.testing.IsrHarness.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.testing.ManualClock;
import dev.isr4j.testing.RecordingKvStore;
import dev.isr4j.testing.RecordingLog;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an isolate knows of tags, for how long, and what the lock-free mirror learns. */
class TagCacheTest {
    private static final long WINDOW = 5000;

    private final ManualClock clock = new ManualClock(T0);
    private final InMemoryKvStore memory = new InMemoryKvStore(clock);
    private final RecordingKvStore store = new RecordingKvStore(memory);
    private final TagRecords records = new TagRecords(store, new KvKeys(""), clock, new RecordingLog());
    private final TagCache cache = new TagCache(records, clock, WINDOW, 100);

    private static TagState read(long expired, long stale, long at) {
        return new TagState(expired, stale, at, false);
    }

    @Test
    void aStateIsTrustedForTheWindowAndAFailedReadForAtMostASecond() {
        cache.remember("a", read(1, 1, T0));
        cache.remember("b", TagState.unreadable(T0));
        assertEquals(read(1, 1, T0), cache.trusted("a", T0 + WINDOW - 1));
        assertNull(cache.trusted("a", T0 + WINDOW));
        assertTrue(cache.trusted("b", T0 + TagCache.FAILED_READ_RETRY_MILLIS - 1).unknown());
        assertNull(cache.trusted("b", T0 + TagCache.FAILED_READ_RETRY_MILLIS));
    }

    @Test
    void aTagStoresWindowReplacesKvsOnce() {
        cache.remember("a", read(1, 1, T0));
        cache.trustFor(100);
        assertNull(cache.trusted("a", T0 + 100));
    }

    @Test
    void theMirrorAnswersWithoutTheLockAndNeverWithAnUnreadableState() {
        cache.remember("a", read(1, 1, T0));
        cache.remember("b", TagState.unreadable(T0));
        assertEquals(read(1, 1, T0), cache.knownNow("a", T0));
        assertNull(cache.knownNow("b", T0), "an unreadable tag is for the full path to fail closed on");
        assertTrue(cache.mirrored("b").unknown());
        assertNull(cache.knownNow("c", T0));
    }

    @Test
    void aLearnedReadKeepsLaterRevalidationsThisIsolateKnowsOf() {
        cache.revalidatedHere("a", read(T0, -1, T0), T0);
        clock.advanceMillis(10);
        cache.learn("a", read(-1, T0 - 50, T0 + 10), T0 + 10); // a read that predates the revalidation
        assertEquals(read(T0, T0 - 50, T0 + 10), cache.knownNow("a", T0 + 10));
    }

    @Test
    void tooManyRecentRevalidationsHereStopLearningUntilNoneCouldMatter() {
        for (int i = 0; i <= TagCache.MAX_REVALIDATED_HERE; i++) {
            cache.revalidatedHere("t" + i, read(T0, -1, T0), T0);
        }
        assertTrue(cache.learnsNothing(T0));
        assertTrue(cache.learnsNothing(T0 + 60_000 - 1));
        assertFalse(cache.learnsNothing(T0 + 60_000));
    }

    @Test
    void tagsNotTrustedAreReadInOneBatchAndRemembered() {
        cache.remember("a", read(1, 1, T0));
        var states = cache.readThrough(List.of("a", "b", "c", "b"), T0);
        assertEquals(3, states.size());
        assertEquals(List.of("__tag:b", "__tag:c"), store.textReads);
        assertEquals(read(-1, -1, T0), cache.trusted("b", T0));
        cache.readThrough(List.of("b", "c"), T0 + 1);
        assertEquals(2, store.textReads.size(), "known now: not read again");
    }

    @Test
    void theCacheKeepsAtMostItsMaximum() {
        for (int i = 0; i < 150; i++) {
            cache.remember("t" + i, read(1, 1, T0));
        }
        assertEquals(100, cache.size());
    }
}
