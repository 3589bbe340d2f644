package dev.isr4j.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.testing.RecordingLog;
import dev.isr4j.testing.RecordingWorkersCache;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What isr4j asks of the Worker's edge cache (ctx.cache) after a revalidation, and how it bounds it. */
class WorkersCachePurgerTest {
    private final RecordingLog log = new RecordingLog();
    private final List<Long> sleeps = new ArrayList<>();
    private final RecordingWorkersCache cache = new RecordingWorkersCache();

    private WorkersCachePurger purger() {
        return new WorkersCachePurger(cache, log, sleeps::add);
    }

    private static List<String> tags(int n) {
        return IntStream.range(0, n).mapToObj(i -> "t" + i).toList();
    }

    @Test
    void aHardRevalidationPurgesItsTagsInOneCall() {
        purger().purge(List.of("posts", "path:/api/posts/1"));
        assertEquals(List.of("purge [posts, path:/api/posts/1]"), cache.calls());
        assertTrue(log.lines().isEmpty(), log.lines()::toString);
    }

    @Test
    void aSoftRevalidationMarksItsTagsStaleSoTheEdgeRevalidatesInsteadOfDropping() {
        purger().invalidate(List.of("posts", "layout:/blog"));
        assertEquals(List.of("invalidate [posts, layout:/blog]"), cache.calls());
        assertTrue(log.lines().isEmpty(), log.lines()::toString);
    }

    @Test
    void aSoftRevalidationPurgesWhereTheCacheCannotMarkStale() {
        cache.canInvalidate = false;
        purger().invalidate(List.of("posts"));
        assertEquals(List.of("purge [posts]"), cache.calls());
    }

    @Test
    void moreTagsThanOneCallTakesGoOutInBatchesOfAtMostThirtyInOrder() {
        List<String> tags = tags(45);
        purger().purge(tags);
        assertEquals(List.of("purge " + tags.subList(0, 30), "purge " + tags.subList(30, 45)), cache.calls());
        purger().invalidate(tags(31));
        assertEquals(List.of("invalidate " + tags(30), "invalidate [t30]"), cache.calls().subList(2, 4));
    }

    @Test
    void upToTenCallsByTagThenOneCallForEverythingSaidInTheLog() {
        purger().purge(tags(WorkersCachePurger.BATCH * WorkersCachePurger.MAX_CALLS));
        assertEquals(10, cache.calls().size());
        assertTrue(cache.calls().stream().allMatch(c -> c.startsWith("purge [")), cache.calls()::toString);
        assertTrue(log.lines().isEmpty(), log.lines()::toString);

        cache.clear();
        purger().purge(tags(301));
        assertEquals(List.of("purge everything"), cache.calls());
        assertTrue(log.has(RecordingLog.Level.WARN, "301 Cache-Tag values", "all of it is purged"),
                log.lines()::toString);

        cache.clear();
        purger().invalidate(tags(301));
        assertEquals(List.of("invalidate everything"), cache.calls(), "soft stays soft when it widens");
    }

    @Test
    void aFailedCallIsTriedAgainAfterAShortWait() {
        cache.failures = 1;
        purger().purge(List.of("posts"));
        assertEquals(List.of("purge [posts]", "purge [posts]"), cache.calls());
        assertEquals(List.of(WorkersCachePurger.FIRST_WAIT_MILLIS), sleeps);
        assertTrue(log.lines().isEmpty(), log.lines()::toString);
    }

    @Test
    void aCallThatKeepsFailingIsLoggedNeverThrownAndTheNextBatchStillGoesOut() {
        cache.failures = WorkersCachePurger.MAX_ATTEMPTS; // the first batch fails every time, the second passes
        List<String> tags = tags(40);
        purger().purge(tags); // does not throw
        String first = "purge " + tags.subList(0, 30);
        assertEquals(List.of(first, first, first, "purge " + tags.subList(30, 40)), cache.calls());
        assertEquals(List.of(100L, 200L), sleeps, "waits double, within a fraction of a second");
        assertEquals(1, log.errors().size(), log.lines()::toString);
        assertTrue(log.has(RecordingLog.Level.ERROR, "could not purge Cache-Tag [t0, t1", "Workers Cache",
                "3 attempts", "ctx.cache refused"), log.lines()::toString);
    }

    @Test
    void aCacheThatCannotSayWhetherItInvalidatesIsPurged() {
        var unsure = new RecordingWorkersCache() {
            @Override
            public boolean canInvalidate() {
                throw new IllegalStateException("no idea");
            }
        };
        new WorkersCachePurger(unsure, log, sleeps::add).invalidate(List.of("posts"));
        assertEquals(List.of("purge [posts]"), unsure.calls());
    }
}
