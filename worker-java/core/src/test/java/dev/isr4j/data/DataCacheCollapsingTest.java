package dev.isr4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.CachedFunction;
import dev.isr4j.Response;
import dev.isr4j.testing.IsrHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Concurrent callers of one cached function's uncached key wait for one computation (the data cache's side of
 * request collapsing); a computation that throws fails only its own caller. The first computation is gated and
 * released by the test once the others are seen waiting.
 */
class DataCacheCollapsingTest {
    private static final int BURST = 20;

    private final AtomicInteger computations = new AtomicInteger();
    private final CountDownLatch gate = new CountDownLatch(1);
    private final CountDownLatch firstStarted = new CountDownLatch(1);
    private volatile boolean firstThrows;
    private final ExecutorService pool = Executors.newFixedThreadPool(BURST);

    @AfterEach
    void stop() {
        gate.countDown();
        pool.shutdownNow();
    }

    /** GET /report (not ISR itself): the cached function "report", whose first computation waits for the gate. */
    private IsrHarness harness() {
        App app = App.create();
        CachedFunction<String> report = app.cachedText("report", (scope, args) -> {
            int n = computations.incrementAndGet();
            if (n == 1) {
                firstStarted.countDown();
                assertTrue(gate.await(60, TimeUnit.SECONDS), "the test never released the first computation");
                if (firstThrows) {
                    throw new IllegalStateException("source down");
                }
            }
            return "report #" + n;
        }).cacheLife("minutes").tags("reports");
        app.route("/report").get(req -> Response.text(report.get(req)));
        return new IsrHarness(app);
    }

    private List<Response> burst(IsrHarness h) throws Exception {
        var futures = new ArrayList<Future<Response>>();
        futures.add(pool.submit(() -> h.get("/report")));
        assertTrue(firstStarted.await(30, TimeUnit.SECONDS), "the first computation never started");
        for (int i = 1; i < BURST; i++) {
            futures.add(pool.submit(() -> h.get("/report")));
        }
        String key = DataCache.key("report", List.of());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (h.dispatcher.dataCache().collapsedWaiters(key) < BURST - 1) {
            assertTrue(System.nanoTime() < deadline, "the other callers never waited");
            Thread.sleep(2);
        }
        gate.countDown();
        var out = new ArrayList<Response>();
        for (var f : futures) {
            out.add(f.get(60, TimeUnit.SECONDS));
        }
        return out;
    }

    @Test
    void concurrentCallersOfAnUncachedKeyShareOneComputation() throws Exception {
        var h = harness();
        var answers = burst(h);
        assertEquals(1, computations.get());
        for (Response r : answers) {
            assertEquals(200, r.status());
            assertEquals("report #1", r.text());
        }
        assertEquals(1, h.background.drain(), "one cache write");
    }

    @Test
    void aComputationThatThrowsFailsOnlyItsCallerAndTheNextWaiterComputes() throws Exception {
        firstThrows = true;
        var h = harness();
        var answers = burst(h);
        assertEquals(500, answers.get(0).status(), "the caller whose computation threw");
        for (Response r : answers.subList(1, BURST)) {
            assertEquals(200, r.status());
            assertEquals("report #2", r.text());
        }
        assertEquals(2, computations.get());
    }
}
