package dev.isr4j.isr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.Headers;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.testing.IsrHarness;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Concurrent requests that would each render one key: one render, the others answered from it; never a dynamic
 * answer handed on, never all failing because one render failed, never a wait without end. Every render is gated
 * and released by the test once the others are seen waiting, so nothing here races the wall clock.
 */
class RequestCollapsingTest {
    private static final int BURST = 50;
    private static final String SLOW = "/api/slow";
    private static final String PERSONAL = "/api/personal";

    private final AtomicInteger renders = new AtomicInteger();
    /** Released by the test: the first render waits for it. */
    private final CountDownLatch gate = new CountDownLatch(1);
    private final CountDownLatch firstRenderStarted = new CountDownLatch(1);
    /** Renders numbered up to this throw. */
    private volatile int throwUntil;
    /** Renders numbered up to this answer 503. */
    private volatile int unavailableUntil;
    private final ExecutorService pool = Executors.newFixedThreadPool(BURST);

    @AfterEach
    void stop() {
        gate.countDown();
        pool.shutdownNow();
    }

    private App app() {
        App app = App.create();
        app.route(SLOW).revalidate(60).tags("slow").get(req -> {
            int n = renders.incrementAndGet();
            awaitGateIfFirst(n);
            if (n <= throwUntil) {
                throw new IllegalStateException("render " + n + " failed");
            }
            if (n <= unavailableUntil) {
                return Response.text("down " + n).withStatus(503);
            }
            return Response.text("render " + n);
        });
        app.route(PERSONAL).revalidate(60).get(req -> {
            int n = renders.incrementAndGet();
            awaitGateIfFirst(n);
            return Response.text("render " + n + " for " + req.header("x-user")); // read a header: dynamic
        });
        return app;
    }

    private void awaitGateIfFirst(int n) throws InterruptedException {
        if (n == 1) {
            firstRenderStarted.countDown();
            assertTrue(gate.await(60, TimeUnit.SECONDS), "the test never released the first render");
        }
    }

    /** Starts {@code n} GETs of {@code path} (request i with header x-user: u<i>); the first one first. */
    private List<Future<Response>> burst(IsrHarness h, String path, int n) throws InterruptedException {
        var futures = new ArrayList<Future<Response>>();
        for (int i = 0; i < n; i++) {
            Request request = Request.builder("GET", IsrHarness.ORIGIN + path).headers(Headers.of("x-user", "u" + i))
                    .build();
            futures.add(pool.submit(() -> h.send(request)));
            if (i == 0) {
                assertTrue(firstRenderStarted.await(30, TimeUnit.SECONDS), "the first request never rendered");
            }
        }
        return futures;
    }

    /**
     * {@link #BURST} GETs of {@code path}: the first render waits for the gate until the other 49 requests are seen
     * waiting for it, then goes on; the answers in the order sent.
     */
    private List<Response> gatedBurst(IsrHarness h, String path) throws Exception {
        var futures = burst(h, path, BURST);
        String key = h.key(path);
        waitFor(() -> h.dispatcher.cache().collapsedWaiters(key) == BURST - 1, "49 requests wait for the render");
        gate.countDown();
        return all(futures);
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(2);
        }
    }

    private static List<Response> all(List<Future<Response>> futures) throws Exception {
        var out = new ArrayList<Response>();
        for (var f : futures) {
            out.add(f.get(60, TimeUnit.SECONDS));
        }
        return out;
    }

    private static long count(List<Response> answers, String header, String value) {
        return answers.stream().filter(r -> value.equals(r.header(header))).count();
    }

    @Test
    void fiftyConcurrentFirstRequestsRenderOnceAndAllGetItsBytes() throws Exception {
        var h = new IsrHarness(app());
        var answers = gatedBurst(h, SLOW);

        assertEquals(1, renders.get(), "one render for the whole burst");
        for (Response r : answers) {
            assertEquals(200, r.status());
            assertEquals("render 1", r.text());
            assertEquals("s-maxage=60, stale-while-revalidate=" + (App.DEFAULT_EXPIRE_SECONDS - 60),
                    r.header("cache-control"));
        }
        assertEquals(1, count(answers, "x-isr-cache", "MISS"), "the renderer says MISS");
        assertEquals(BURST - 1, count(answers, "x-isr-cache", "HIT"), "the others were answered without a render");
        assertEquals(BURST - 1, count(answers, "cache-status", "isr4j; fwd=miss; collapsed"));
        Set<String> etags = new HashSet<>();
        answers.forEach(r -> etags.add(r.header("etag")));
        assertEquals(1, etags.size(), "one representation: " + etags);
        assertEquals(1, h.background.drain(), "one cache write");
        assertEquals("HIT", h.get(SLOW).header("x-isr-cache"));
        assertEquals(1, renders.get());
    }

    @Test
    void aRequestAfterTheRenderButBeforeItsWriteLandedIsAnsweredFromTheRender() throws Exception {
        var h = new IsrHarness(app());
        gate.countDown();
        var first = h.get(SLOW);
        var second = h.get(SLOW); // the write is still queued: the store has nothing yet
        assertEquals("MISS", first.header("x-isr-cache"));
        assertEquals("HIT", second.header("x-isr-cache"));
        assertEquals("render 1", second.text());
        assertEquals(1, renders.get());
        h.background.drain();
        h.clock.advanceSeconds(61); // the written entry turns stale: a regeneration, not a collapsed answer
        assertEquals("STALE", h.get(SLOW).header("x-isr-cache"));
    }

    @Test
    void aDynamicRenderIsNeverHandedOnAndItsRouteStopsCollapsing() throws Exception {
        var h = new IsrHarness(app());
        var answers = gatedBurst(h, PERSONAL);

        assertEquals(BURST, renders.get(), "each request rendered its own");
        Set<String> bodies = new HashSet<>();
        for (int i = 0; i < BURST; i++) {
            Response r = answers.get(i);
            assertEquals(200, r.status());
            assertTrue(r.text().endsWith(" for u" + i), "request " + i + " got its own answer: " + r.text());
            bodies.add(r.text());
            assertTrue(r.header("cache-control").contains("no-store"), r.header("cache-control"));
        }
        assertEquals(BURST, bodies.size(), "no answer was shared");
        // Known dynamic now: the next burst does not wait at all (no gate: renders run at once).
        int before = renders.get();
        all(burst(h, PERSONAL, 10));
        assertEquals(before + 10, renders.get());
        assertEquals(0, h.dispatcher.cache().collapsedWaiters(h.key(PERSONAL)));
    }

    @Test
    void aRenderThatThrowsFailsOnlyItsOwnRequestAndTheNextWaiterRenders() throws Exception {
        throwUntil = 1;
        var h = new IsrHarness(app());
        var answers = gatedBurst(h, SLOW);

        assertEquals(500, answers.get(0).status(), "the thrower");
        for (Response r : answers.subList(1, BURST)) {
            assertEquals(200, r.status());
            assertEquals("render 2", r.text(), "answered from the next render");
        }
        assertEquals(2, renders.get());
    }

    @Test
    void aRenderThatAnswers503IsNotHandedOnAndTheNextWaiterRenders() throws Exception {
        unavailableUntil = 1;
        var h = new IsrHarness(app());
        var answers = gatedBurst(h, SLOW);

        assertEquals(503, answers.get(0).status());
        assertEquals(BURST - 1, answers.subList(1, BURST).stream().filter(r -> r.status() == 200
                && r.text().equals("render 2")).count());
        assertEquals(2, renders.get());
    }

    @Test
    void aWaiterPastTheBoundRendersItself() throws Exception {
        var h = new IsrHarness(app());
        h.dispatcher.cache().collapseWaitMillis(1_000);
        var futures = burst(h, SLOW, 2);
        String key = h.key(SLOW);
        waitFor(() -> h.dispatcher.cache().collapsedWaiters(key) == 1, "the second request waits");
        h.clock.advanceMillis(1_000); // the runtime's clock: the wait is over, while the first render still runs
        Response waiter = futures.get(1).get(60, TimeUnit.SECONDS);
        assertEquals(200, waiter.status());
        assertEquals("render 2", waiter.text());
        assertEquals("MISS", waiter.header("x-isr-cache"));
        assertTrue(h.log.has(dev.isr4j.testing.RecordingLog.Level.WARN, "1000 ms"), h.log.lines().toString());
        gate.countDown();
        assertEquals("render 1", futures.get(0).get(60, TimeUnit.SECONDS).text());
    }

    @Test
    void aRenderRunningPastTheBoundIsTakenOverSoLaterRequestsDoNotEachWaitForIt() throws Exception {
        var h = new IsrHarness(app());
        h.dispatcher.cache().collapseWaitMillis(1_000);
        var hung = burst(h, SLOW, 1); // the first render waits for the gate: a hung render
        h.clock.advanceMillis(1_000);
        Response next = h.get(SLOW); // no wait: it leads a new render
        assertEquals("MISS", next.header("x-isr-cache"));
        assertEquals("render 2", next.text());
        Response after = h.get(SLOW); // its write is still queued: handed that render, not the hung one's
        assertEquals("HIT", after.header("x-isr-cache"));
        assertEquals("render 2", after.text());
        assertEquals(2, renders.get());
        gate.countDown();
        assertEquals("render 1", hung.get(0).get(60, TimeUnit.SECONDS).text());
    }

    @Test
    void aZeroWaitTurnsCollapsingOff() throws Exception {
        var h = new IsrHarness(app());
        h.dispatcher.cache().collapseWaitMillis(0);
        var futures = burst(h, SLOW, 3);
        waitFor(() -> renders.get() == 3, "all three render");
        gate.countDown();
        assertEquals(3, all(futures).stream().filter(r -> "MISS".equals(r.header("x-isr-cache"))).count());
    }

    @Test
    void distinctKeysDoNotWaitForEachOther() throws Exception {
        App app = App.create();
        var started = new CountDownLatch(2);
        app.route("/api/items/{id}").revalidate(60).get(req -> {
            started.countDown();
            assertTrue(started.await(30, TimeUnit.SECONDS), "the other key's render never started");
            return Response.text(req.param("id"));
        });
        var h = new IsrHarness(app);
        var a = pool.submit(() -> h.get("/api/items/a"));
        var b = pool.submit(() -> h.get("/api/items/b"));
        assertEquals("a", a.get(60, TimeUnit.SECONDS).text());
        assertEquals("b", b.get(60, TimeUnit.SECONDS).text());
    }

    @Test
    void theWaitBoundIsCheckedAtStartUp() {
        var bad = IsrHarness.env(Map.of("ISR_COLLAPSE_WAIT_MS", "soon"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> dev.isr4j.runtime.Deadlines.collapseWaitMillis(bad));
        assertTrue(e.getMessage().contains("ISR_COLLAPSE_WAIT_MS"), e.getMessage());
        assertEquals(0, dev.isr4j.runtime.Deadlines.collapseWaitMillis(IsrHarness.env(Map.of("ISR_COLLAPSE_WAIT_MS", "0"))));
        assertEquals(10_000, dev.isr4j.runtime.Deadlines.collapseWaitMillis(IsrHarness.env(Map.of())));
    }
}
