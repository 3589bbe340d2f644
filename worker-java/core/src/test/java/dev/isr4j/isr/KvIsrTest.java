package dev.isr4j.isr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.PathType;
import dev.isr4j.Response;
import dev.isr4j.api.CacheLookup.State;
import dev.isr4j.api.KvCacheOptions;
import dev.isr4j.api.KvStore;
import dev.isr4j.testing.KvHarness;
import dev.isr4j.testing.RecordingKvStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** ISR through the real Dispatcher with the Workers KV cache handler on the in-memory KV namespace. */
class KvIsrTest {
    private static final String PATH = "/api/data";
    private static final byte[] HUGE = new byte[KvStore.MAX_VALUE_BYTES + 1];

    private final AtomicInteger renders = new AtomicInteger();
    private final AtomicReference<RecordingKvStore> recorder = new AtomicReference<>();

    private App app() {
        App app = App.create();
        app.route(PATH).revalidate(60).tags("data")
                .get(req -> Response.text("render " + renders.incrementAndGet()).withHeader("x-b", "1")
                        .plusHeader("x-a", "2").plusHeader("x-b", "3"));
        app.route("/api/bytes").revalidate(60).get(req -> {
            byte[] b = new byte[256];
            for (int i = 0; i < 256; i++) {
                b[i] = (byte) i;
            }
            renders.incrementAndGet();
            return Response.bytes(b, "application/octet-stream");
        });
        app.route("/api/personal").revalidate(60)
                .get(req -> Response.text("hello " + req.header("x-user") + " " + renders.incrementAndGet()));
        app.route("/api/huge").revalidate(60).get(req -> Response.bytes(HUGE, "application/octet-stream"));
        app.route("/deep/{...rest}").revalidate(60).get(req -> Response.text("deep " + renders.incrementAndGet()));
        app.route("/x").revalidate(60)
                .get(req -> Response.text("x " + renders.incrementAndGet()))
                .post(req -> {
                    req.revalidator().path("/x");
                    return Response.status(204);
                })
                .put(req -> {
                    req.revalidator().path("/x", PathType.LAYOUT);
                    return Response.status(204);
                });
        app.route("/x/{id}").revalidate(60).get(req -> Response.text("x/" + req.param("id") + " "
                + renders.incrementAndGet()));
        app.route("/tag/{how}").post(req -> {
            switch (req.param("how")) {
                case "hard" -> req.revalidator().tag("data");
                case "soft" -> req.revalidator().tag("data", "max");
                default -> req.revalidator().tag("a:b");
            }
            return Response.status(204);
        });
        return app;
    }

    private KvHarness harness() {
        return new KvHarness(app(), KvCacheOptions.defaults(), s -> {
            var r = new RecordingKvStore(s);
            recorder.set(r);
            return r;
        });
    }

    private static void assertState(Response r, String state, String body) {
        assertEquals(200, r.status(), r::text);
        assertEquals(state, r.header("x-isr-cache"));
        assertEquals(body, r.text());
    }

    private static void warm(KvHarness h, String... paths) {
        for (String p : paths) {
            h.get(p);
        }
        h.background.drain();
        for (String p : paths) {
            assertEquals("HIT", h.get(p).header("x-isr-cache"), p);
        }
    }

    @Test
    void missIsStoredInKvByTheBackgroundWorkAndThenServedAsAHit() {
        var h = harness();
        var miss = h.get(PATH);
        assertState(miss, "MISS", "render 1");
        assertFalse(h.memory.contains(h.entryKey(PATH)), "written only by the background work");
        assertEquals(1, h.background.drain());
        assertEquals(List.of("cache:app:/api/data:route"), h.memory.keys());
        var hit = h.get(PATH);
        assertState(hit, "HIT", "render 1");
        assertEquals(List.of("1", "3"), hit.headers().getAll("x-b"));
        assertEquals(miss.headers().without("x-isr-cache", "cache-status", "age").entries(),
                hit.headers().without("x-isr-cache", "cache-status", "age").entries(), "same headers, same order");
        var entry = h.kv.get(h.key(PATH)).entry();
        assertEquals(List.of("data", "path:/api/data", "layout:/", "layout:/api", "layout:/api/data"), entry.tags());
        assertEquals("render 1", new String(h.memory.getWithMetadata(h.entryKey(PATH)).value().bytes(),
                StandardCharsets.UTF_8), "the KV value is the body");
    }

    @Test
    void binaryResponseIsServedBackByteForByte() {
        var h = harness();
        byte[] first = h.get("/api/bytes").body().bytes();
        h.background.drain();
        var hit = h.get("/api/bytes");
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertArrayEquals(first, hit.body().bytes());
        assertEquals(1, renders.get());
    }

    @Test
    void corruptEntryIsAServedMissAndIsReplacedByTheMissWrite() {
        var h = harness();
        h.memory.putRaw(h.entryKey(PATH), new byte[] {1, 2, 3}, "{\"v\":99,\"k\":\"route\"}");
        var r = h.get(PATH);
        assertState(r, "MISS", "render 1");
        assertTrue(h.log.hasWarning(h.entryKey(PATH), "version"), h.log::toString);
        assertEquals(1, h.background.drain(), "just the write");
        assertEquals(List.of(), recorder.get().deletes, "no delete racing the write");
        assertEquals(State.FRESH, h.kv.get(h.key(PATH)).state(), "the write replaced the unreadable entry");
        assertState(h.get(PATH), "HIT", "render 1");
    }

    @Test
    void corruptEntryWhoseResponseIsNotCacheableIsDeletedInTheBackground() {
        var h = harness();
        String kvKey = h.entryKey("/api/personal");
        h.memory.putRaw(kvKey, new byte[] {1, 2, 3}, "not json");
        var r = h.get("/api/personal");
        assertEquals(200, r.status());
        assertEquals("hello null 1", r.text());
        assertTrue(h.memory.contains(kvKey), "the delete is background work");
        h.background.drain();
        assertFalse(h.memory.contains(kvKey));
        assertEquals(List.of(kvKey), recorder.get().deletes);
        assertEquals(List.of(), recorder.get().puts, "a dynamic response is never written");
    }

    @Test
    void bodyOverKvValueLimitIsServedButNotStoredAndLoggedOnce() {
        var h = harness();
        var first = h.get("/api/huge");
        assertEquals(200, first.status());
        assertEquals(HUGE.length, first.body().length());
        assertEquals("MISS", first.header("x-isr-cache"));
        h.background.drain();
        assertEquals(List.of(), h.memory.keys());
        var second = h.get("/api/huge");
        assertEquals(200, second.status());
        assertEquals("MISS", second.header("x-isr-cache"));
        h.background.drain();
        String key = h.key("/api/huge");
        assertEquals(1, h.log.lines().stream().filter(l -> l.text().contains(key)).count(), h.log::toString);
        assertTrue(h.log.errors().isEmpty(), "not a write failure: " + h.log);
    }

    @Test
    void pathOver200CharactersIsCachedUnderAHashedKeyWithinKvKeyLimit() {
        var h = harness();
        String path = "/deep/" + "segment/".repeat(100) + "end";
        assertState(h.get(path), "MISS", "deep 1");
        h.background.drain();
        assertState(h.get(path), "HIT", "deep 1");
        assertEquals(1, h.memory.keys().size());
        String kvKey = h.memory.keys().get(0);
        assertTrue(kvKey.startsWith("cache:app:__hash:"), kvKey);
        assertTrue(kvKey.getBytes(StandardCharsets.UTF_8).length <= KvStore.MAX_KEY_BYTES);
    }

    @Test
    void entryPastItsExpireIsNeverServedAndTheHandlerRunsInTheForeground() {
        App app = app();
        app.expire(120);
        var h = new KvHarness(app);
        h.get(PATH);
        h.background.drain();
        h.clock.advanceSeconds(60);
        assertState(h.get(PATH), "STALE", "render 1");
        // the regeneration stays queued: nothing newer than render 1 is in KV
        h.clock.advanceSeconds(60);
        var r = h.get(PATH);
        assertState(r, "MISS", "render 2");
        assertEquals(2, renders.get(), "rendered before the response, not in the background");
    }

    @Test
    void entryJustBeforeItsExpireIsStillServedStale() {
        App app = app();
        app.expire(120);
        var h = new KvHarness(app);
        h.get(PATH);
        h.background.drain();
        h.clock.advanceMillis(119_999);
        assertState(h.get(PATH), "STALE", "render 1");
    }

    /**
     * App.expire accepts any number of seconds; SetOptions saturates expireAt at Long.MAX_VALUE. The KV entry
     * must still read back, or every request is a MISS that rewrites an entry nobody can read.
     */
    @Test
    void appWithAnUnboundedExpireStillGetsHitsFromKv() {
        App app = app();
        app.expire(Long.MAX_VALUE);
        var h = new KvHarness(app);
        assertState(h.get(PATH), "MISS", "render 1");
        h.background.drain();
        assertState(h.get(PATH), "HIT", "render 1");
        assertTrue(h.log.isEmpty(), h.log::toString);
    }

    @Test
    void pageRevalidatePathFromAHandlerHitsOnlyThatPath() {
        var h = harness();
        warm(h, "/x", "/x/1");
        h.clock.advanceMillis(1);
        assertEquals(204, h.request("POST", "/x").status());
        assertTrue(h.memory.contains("__tag:path:/x"));
        assertEquals("MISS", h.get("/x").header("x-isr-cache"));
        assertEquals("HIT", h.get("/x/1").header("x-isr-cache"));
    }

    @Test
    void layoutRevalidatePathFromAHandlerHitsThePathAndEverythingBelow() {
        var h = harness();
        warm(h, "/x", "/x/1", PATH);
        h.clock.advanceMillis(1);
        assertEquals(204, h.request("PUT", "/x").status());
        assertEquals("MISS", h.get("/x").header("x-isr-cache"));
        assertEquals("MISS", h.get("/x/1").header("x-isr-cache"));
        assertEquals("HIT", h.get(PATH).header("x-isr-cache"));
    }

    @Test
    void hardTagRevalidationFromAHandlerMakesTheNextRequestAForegroundMiss() {
        var h = harness();
        warm(h, PATH);
        h.clock.advanceMillis(1);
        assertEquals(204, h.request("POST", "/tag/hard").status());
        assertState(h.get(PATH), "MISS", "render 2");
    }

    @Test
    void softTagRevalidationServesStaleOnceAndRegeneratesInTheBackground() {
        var h = harness();
        warm(h, PATH);
        h.clock.advanceMillis(1);
        assertEquals(204, h.request("POST", "/tag/soft").status());
        h.clock.advanceMillis(1);
        assertState(h.get(PATH), "STALE", "render 1");
        assertEquals(1, h.background.drain());
        assertState(h.get(PATH), "HIT", "render 2");
    }

    @Test
    void invalidTagFromAHandlerIsLoggedAndSkippedWithoutFailingTheRequest() {
        var h = harness();
        int writes = h.memory.writes();
        assertEquals(204, h.request("POST", "/tag/bad").status());
        assertEquals(writes, h.memory.writes());
        assertTrue(h.log.hasWarning("revalidateTag", "'a:b'", "reserved"), h.log::toString);
        assertTrue(h.log.errors().isEmpty(), h.log::toString);
    }
}
