package dev.isr4j.isr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.Body;
import dev.isr4j.Headers;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.api.KvCacheOptions;
import dev.isr4j.cache.KvCacheHandler;
import dev.isr4j.testing.IsrHarness;
import dev.isr4j.testing.KvHarness;
import dev.isr4j.testing.RecordingKvStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A failing KV binding (reads, writes, write promises, lists) never fails a request. */
class KvCacheFaultsTest {
    private static final String PATH = "/api/data";
    private static final String KEY = "app:/api/data:route";

    private final AtomicInteger renders = new AtomicInteger();
    private RecordingKvStore faulty;

    private KvHarness harness() {
        App app = App.create();
        app.route(PATH).revalidate(60).tags("data").get(req -> Response.text("render " + renders.incrementAndGet()));
        app.route("/blog/{id}").revalidate(60).get(req -> Response.text("blog " + renders.incrementAndGet()));
        return new KvHarness(app, KvCacheOptions.defaults(), s -> faulty = new RecordingKvStore(s));
    }

    private static void assertServed(Response r, String state, String body) {
        assertEquals(200, r.status(), r::text);
        assertEquals(state, r.header("x-isr-cache"));
        assertEquals(body, r.text());
    }

    @Test
    void kvReadThatThrowsServesTheHandlersResponseAndIsLoggedWithTheKey() {
        var h = harness();
        faulty.getThrows = true;
        assertServed(h.get(PATH), "MISS", "render 1");
        assertTrue(h.log.hasError("cache read failed", KEY, "network connection lost"), h.log::toString);
        h.background.drain();
        faulty.getThrows = false;
        assertServed(h.get(PATH), "HIT", "render 1");
    }

    @Test
    void kvPutThatThrowsLeavesTheResponseUntouchedAndIsLogged() {
        var h = harness();
        faulty.putThrows = true;
        assertServed(h.get(PATH), "MISS", "render 1");
        assertEquals(1, h.background.drain(), "the failure stays inside the background task");
        assertTrue(h.log.hasError("cache write failed", KEY, "too many requests"), h.log::toString);
        assertEquals(List.of(), h.memory.keys());
        faulty.putThrows = false;
        assertServed(h.get(PATH), "MISS", "render 2");
    }

    @Test
    void kvWriteWhosePromiseRejectsLeavesTheResponseUntouchedAndIsLogged() {
        var h = harness();
        faulty.putAwaitThrows = true;
        assertServed(h.get(PATH), "MISS", "render 1");
        h.background.drain();
        assertTrue(h.log.hasError("cache write failed", KEY, "500 internal error"), h.log::toString);
        assertServed(h.get(PATH), "MISS", "render 2");
    }

    @Test
    void failingRegenerationWriteKeepsTheStaleEntryFreesTheKeyAndALaterStaleRequestRetries() {
        var h = harness();
        h.get(PATH);
        h.background.drain();
        h.clock.advanceSeconds(60);
        faulty.putAwaitThrows = true;
        assertServed(h.get(PATH), "STALE", "render 1");
        assertTrue(h.dispatcher.cache().isRegenerating(KEY));
        assertEquals(1, h.background.drain());
        assertEquals(2, renders.get(), "the regeneration ran");
        assertTrue(h.log.hasError(KEY, "500 internal error"), h.log::toString);
        assertFalse(h.dispatcher.cache().isRegenerating(KEY), "the dedup key is freed");

        faulty.putAwaitThrows = false;
        assertServed(h.get(PATH), "STALE", "render 1");
        assertEquals(1, h.background.pending(), "a new regeneration was started");
        h.background.drain();
        assertServed(h.get(PATH), "HIT", "render 3");
    }

    @Test
    void failingRegenerationPutThatThrowsAlsoFreesTheKey() {
        var h = harness();
        h.get(PATH);
        h.background.drain();
        h.clock.advanceSeconds(60);
        faulty.putThrows = true;
        assertServed(h.get(PATH), "STALE", "render 1");
        h.background.drain();
        assertFalse(h.dispatcher.cache().isRegenerating(KEY));
        assertServed(h.get(PATH), "STALE", "render 1");
    }

    @Test
    void tagReadThatThrowsFailsClosedAndIsRetriedAfterAShortPause() {
        var h = harness();
        h.get(PATH);
        h.background.drain();
        h.clock.advanceMillis(1);
        var other = new KvCacheHandler(faulty, h.clock, h.log, KvCacheOptions.defaults()); // fresh isolate
        faulty.getTextThrows = true;
        assertEquals(dev.isr4j.api.CacheLookup.State.MISS, other.get(KEY).state(),
                "an unreadable tag counts as revalidated now, never as a HIT");
        assertTrue(h.log.hasError("data", "network connection lost"), h.log::toString);
        faulty.getTextThrows = false;
        assertEquals(dev.isr4j.api.CacheLookup.State.MISS, other.get(KEY).state(), "within the retry pause");
        h.clock.advanceMillis(KvCacheHandler.FAILED_TAG_READ_RETRY_MILLIS);
        assertEquals(dev.isr4j.api.CacheLookup.State.FRESH, other.get(KEY).state(),
                "the failure is not trusted for the whole tag-cache window");
    }

    @Test
    void softRevalidationWhoseReadFailsNeverErasesAnEarlierHardOne() {
        var h = harness();
        h.get(PATH);
        h.background.drain();
        h.clock.advanceMillis(1);
        h.kv.revalidateTag(List.of("data"), false).await();
        h.clock.advanceMillis(1);
        faulty.getTextThrows = true;
        var other = new KvCacheHandler(faulty, h.clock, h.log, KvCacheOptions.defaults());
        other.revalidateTag(List.of("data"), true).await();
        faulty.getTextThrows = false;
        var fresh = new KvCacheHandler(faulty, h.clock, h.log, KvCacheOptions.defaults());
        assertEquals(dev.isr4j.api.CacheLookup.State.MISS, fresh.get(KEY).state(),
                "the entry revalidated hard is not brought back as STALE");
    }

    @Test
    void softRevalidationInAnIsolateThatCachedTheTagBeforeAHardOneKeepsTheHardOne() {
        var h = harness();
        h.get(PATH);
        h.background.drain();
        var isolateA = new KvCacheHandler(faulty, h.clock, h.log, KvCacheOptions.defaults());
        var isolateB = new KvCacheHandler(faulty, h.clock, h.log, KvCacheOptions.defaults());
        h.clock.advanceMillis(1);
        assertEquals(dev.isr4j.api.CacheLookup.State.FRESH, isolateA.get(KEY).state(), "A caches 'never revalidated'");
        isolateB.revalidateTag(List.of("data"), false).await();
        h.clock.advanceMillis(1); // well inside A's tag-cache window
        isolateA.revalidateTag(List.of("data"), true).await();
        var fresh = new KvCacheHandler(faulty, h.clock, h.log, KvCacheOptions.defaults());
        assertEquals(dev.isr4j.api.CacheLookup.State.MISS, fresh.get(KEY).state(), "B's hard revalidation stands");
    }

    @Test
    void revalidationEndpointAnswers503WhenTheTagWriteFails() {
        var h = harness();
        faulty.putThrows = true;
        var r = h.send(Request.builder("POST", IsrHarness.ORIGIN + "/__isr/revalidate")
                .headers(Headers.of("authorization", "Bearer s3cret"))
                .body(Body.of("{\"tags\":[\"data\"]}"))
                .env(IsrHarness.env(Map.of("ISR_REVALIDATE_SECRET", "s3cret"))).build());
        assertEquals(503, r.status(), r::text);
        assertTrue(r.text().contains("retry"), r::text);
        assertTrue(h.log.hasError("revalidation failed", "too many requests"), h.log::toString);
    }

    @Test
    void revalidationEndpointAnswers503WhenTheLayoutTagWriteFails() {
        var h = harness();
        faulty.listThrows = true; // a layout is one tag write: listing is never needed
        faulty.putThrows = true;
        var r = h.send(Request.builder("POST", IsrHarness.ORIGIN + "/__isr/revalidate")
                .headers(Headers.of("authorization", "Bearer s3cret"))
                .body(Body.of("{\"paths\":[\"/blog\"],\"type\":\"layout\"}"))
                .env(IsrHarness.env(Map.of("ISR_REVALIDATE_SECRET", "s3cret"))).build());
        assertEquals(503, r.status(), r::text);
    }
}
