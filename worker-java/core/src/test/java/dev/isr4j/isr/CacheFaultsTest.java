package dev.isr4j.isr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.api.BackgroundWork;
import dev.isr4j.testing.FaultyCacheHandler;
import dev.isr4j.testing.IsrHarness;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A broken cache handler (or background scheduler) never turns into a 5xx. */
class CacheFaultsTest {
    private static final String PATH = "/api/data";
    private static final String KEY = "app:/api/data:route";
    private static final String BROKEN = "/api/broken";
    private static final String BROKEN_KEY = "app:/api/broken:route";
    private static final String THROWS = "/api/throws";

    private final AtomicInteger renders = new AtomicInteger();

    private FaultyCacheHandler faulty;

    private IsrHarness harness() {
        App app = App.create();
        app.route(PATH).revalidate(60).get(req -> Response.text("render " + renders.incrementAndGet()));
        app.route(BROKEN).revalidate(60).get(req -> Response.text("unavailable").withStatus(503));
        app.route(THROWS).revalidate(60).get(req -> {
            throw new IllegalStateException("kaput");
        });
        return new IsrHarness(app, clock -> {
            faulty = new FaultyCacheHandler(clock);
            return faulty;
        });
    }

    private static void assertServedByHandler(Response r, String body) {
        assertEquals(200, r.status(), r::text);
        assertEquals(body, r.text());
    }

    @Test
    void cacheReadThatThrowsRunsTheHandlerAndIsLoggedWithTheKey() {
        var h = harness();
        faulty.getThrows = true;
        var r = h.get(PATH);
        assertServedByHandler(r, "render 1");
        assertEquals("MISS", r.header("x-isr-cache"));
        assertTrue(h.log.hasError("cache read failed", KEY, "storage unreachable"), h.log::toString);
        assertEquals(1, h.background.drain());
        faulty.getThrows = false;
        assertEquals("HIT", h.get(PATH).header("x-isr-cache"), "the write after the failed read still landed");
    }

    @Test
    void cacheReadReturningNullIsAMiss() {
        var h = harness();
        faulty.getReturnsNull = true;
        assertServedByHandler(h.get(PATH), "render 1");
    }

    @Test
    void cacheWriteWhoseCompletionFailsLeavesTheResponseUntouchedAndIsLogged() {
        var h = harness();
        faulty.awaitThrows = true;
        var r = h.get(PATH);
        assertServedByHandler(r, "render 1");
        assertEquals("MISS", r.header("x-isr-cache"));
        assertEquals(1, h.background.drain(), "the failing write is contained inside the background task");
        assertTrue(h.log.hasError("cache write failed", KEY, "write lost"), h.log::toString);
        assertServedByHandler(h.get(PATH), "render 2");
    }

    @Test
    void cacheWriteThatThrowsDirectlyIsLoggedLikeAFailedCompletion() {
        var h = harness();
        faulty.setThrows = true;
        assertServedByHandler(h.get(PATH), "render 1");
        h.background.drain();
        assertTrue(h.log.hasError("cache write failed", KEY, "set refused"), h.log::toString);
    }

    @Test
    void cacheWriteFailureWithInlineBackgroundWorkStillAnswersTheRequest() {
        var h = harness();
        faulty.awaitThrows = true;
        var r = h.dispatcher.handle(Request.builder("GET", IsrHarness.ORIGIN + PATH).build(), Runnable::run);
        assertServedByHandler(r, "render 1");
        assertTrue(h.log.hasError(KEY, "write lost"), h.log::toString);
        faulty.awaitThrows = false;
        faulty.setThrows = true;
        r = h.dispatcher.handle(Request.builder("GET", IsrHarness.ORIGIN + PATH).build(), Runnable::run);
        assertServedByHandler(r, "render 2");
        assertTrue(h.log.hasError(KEY, "set refused"), h.log::toString);
    }

    @Test
    void regenerationWhoseWriteFailsIsLoggedFreesTheKeyAndKeepsServingStale() {
        var h = harness();
        h.get(PATH);
        h.background.drain();
        h.clock.advanceSeconds(60);
        faulty.awaitThrows = true;
        assertEquals("STALE", h.get(PATH).header("x-isr-cache"));
        h.background.drain();
        assertTrue(h.log.hasError(KEY, "write lost"), h.log::toString);
        assertFalse(h.dispatcher.cache().isRegenerating(KEY));
        var r = h.get(PATH);
        assertEquals("STALE", r.header("x-isr-cache"));
        assertEquals("render 1", r.text());
    }

    @Test
    void corruptEntryIsAMissThatRunsTheHandlerAndIsReplacedByTheWrite() {
        var h = harness();
        faulty.getCorrupt = true;
        var r = h.get(PATH);
        assertServedByHandler(r, "render 1");
        assertEquals("MISS", r.header("x-isr-cache"));
        assertTrue(h.log.hasWarning(KEY), h.log::toString);
        assertEquals(1, h.background.drain(), "only the write, which replaces the unreadable entry");
        assertEquals(List.of(), faulty.deleted, "no delete that could race the write");
        faulty.getCorrupt = false;
        assertEquals("HIT", h.get(PATH).header("x-isr-cache"));
    }

    @Test
    void corruptEntryWhoseMissIsNotStoredIsDeletedInTheBackground() {
        var h = harness();
        faulty.getCorrupt = true;
        var r = h.get(BROKEN);
        assertEquals(503, r.status());
        assertEquals(List.of(), faulty.deleted, "the delete is background work");
        assertEquals(1, h.background.drain());
        assertEquals(List.of(BROKEN_KEY), faulty.deleted);
    }

    @Test
    void corruptEntryIsDeletedWhenTheHandlerThrows() {
        var h = harness();
        faulty.getCorrupt = true;
        assertEquals(500, h.get(THROWS).status());
        h.background.drain();
        assertEquals(List.of("app:" + THROWS + ":route"), faulty.deleted);
    }

    @Test
    void failedDeleteOfACorruptEntryIsLogged() {
        var h = harness();
        faulty.getCorrupt = true;
        faulty.deleteAwaitThrows = true;
        assertEquals(503, h.get(BROKEN).status());
        h.background.drain();
        assertTrue(h.log.hasError(BROKEN_KEY, "delete lost"), h.log::toString);
    }

    @Test
    void backgroundWorkThatRefusesTheRegenerationStillServesStaleAndFreesTheKey() {
        var h = harness();
        h.get(PATH);
        h.background.drain();
        h.clock.advanceSeconds(60);
        BackgroundWork refusing = task -> {
            throw new IllegalStateException("waitUntil unavailable");
        };
        var r = h.dispatcher.handle(Request.builder("GET", IsrHarness.ORIGIN + PATH).build(), refusing);
        assertEquals(200, r.status());
        assertEquals("STALE", r.header("x-isr-cache"));
        assertEquals("render 1", r.text());
        assertFalse(h.dispatcher.cache().isRegenerating(KEY));
        assertTrue(h.log.hasError(KEY, "waitUntil unavailable"), h.log::toString);
    }

    /**
     * RouteCache guards background.submit for a regeneration (logs, serves stale) but not for the write
     * after a MISS: there the exception escapes serve() and the Dispatcher answers 500, although the handler
     * produced a good response. "A broken cache never fails a request".
     */
    @Test
    void backgroundWorkThatRefusesTheWriteAfterAMissStillServesTheHandlersResponse() {
        var h = harness();
        BackgroundWork refusing = task -> {
            throw new IllegalStateException("waitUntil unavailable");
        };
        var r = h.dispatcher.handle(Request.builder("GET", IsrHarness.ORIGIN + PATH).build(), refusing);
        assertEquals(200, r.status(), () -> "got " + r.status() + " " + r.text() + "; " + h.log);
        assertEquals("render 1", r.text());
        assertTrue(h.log.hasError(KEY, "waitUntil unavailable"), h.log::toString);
    }
}
