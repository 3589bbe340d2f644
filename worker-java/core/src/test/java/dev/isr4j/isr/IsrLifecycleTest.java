package dev.isr4j.isr;

import static dev.isr4j.testing.IsrHarness.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.Env;
import dev.isr4j.Headers;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.testing.IsrHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** MISS -> HIT -> STALE -> HIT through the real Dispatcher and InMemoryCacheHandler, with a manual clock. */
class IsrLifecycleTest {
    private static final long N = 60;
    private static final long E = App.DEFAULT_EXPIRE_SECONDS - N; // 31535940
    private static final String FRESH_CC = "s-maxage=" + N + ", stale-while-revalidate=" + E;
    /** Stale here and downstream: never fresh, servable while revalidating until the entry expires (Age counts). */
    private static final String STALE_CC = "s-maxage=0, stale-while-revalidate=" + App.DEFAULT_EXPIRE_SECONDS;
    private static final String PATH = "/api/data";

    private final AtomicInteger renders = new AtomicInteger();
    private final AtomicBoolean failing = new AtomicBoolean();

    /** /api/data, revalidate 60: "render <n>" where n counts successful renders. */
    private App app() {
        App app = App.create();
        app.route(PATH).revalidate(N).get(req -> {
            if (failing.get()) {
                throw new IllegalStateException("backend down");
            }
            return Response.text("render " + renders.incrementAndGet());
        });
        return app;
    }

    private static void assertIsr(Response r, String state, String body) {
        assertEquals(200, r.status(), () -> "status of " + state + " response");
        assertEquals(state, r.header("x-isr-cache"));
        assertEquals(body, r.text());
    }

    @Test
    void missRunsTheHandlerAndDeclaresSMaxAgeAndAYearMinusRevalidateOfStaleWhileRevalidate() {
        var h = new IsrHarness(app());
        var miss = h.get(PATH);
        assertIsr(miss, "MISS", "render 1");
        assertEquals("s-maxage=60, stale-while-revalidate=31535940", miss.header("cache-control"));
        assertEquals(FRESH_CC, miss.header("cache-control"));
        assertEquals("isr4j; fwd=miss; stored", miss.header("cache-status"));
        assertEquals("text/plain; charset=utf-8", miss.header("content-type"));
        assertEquals(1, h.background.pending(), "the store is background work");
    }

    @Test
    void missIsStoredOnlyWhenTheBackgroundWorkRuns() {
        var h = new IsrHarness(app());
        assertIsr(h.get(PATH), "MISS", "render 1");
        assertFalse(h.memory().contains(h.key(PATH)), "nothing stored before the background work runs");

        // Until its write lands, the render is handed to later requests (request collapsing), not rendered again.
        var collapsed = h.get(PATH);
        assertIsr(collapsed, "HIT", "render 1");
        assertEquals("isr4j; fwd=miss; collapsed", collapsed.header("cache-status"));
        assertEquals(1, h.background.pending());

        assertEquals(1, h.background.drain());
        assertTrue(h.memory().contains(h.key(PATH)));
        var hit = h.get(PATH);
        assertIsr(hit, "HIT", "render 1");
        assertEquals("isr4j; hit; ttl=60", hit.header("cache-status"));
        assertEquals(1, renders.get(), "a HIT does not run the handler");
        assertTrue(h.log.isEmpty(), h.log::toString);
    }

    @Test
    void hitServesTheStoredBodyWithoutRunningTheHandler() {
        var h = new IsrHarness(app());
        var miss = h.get(PATH);
        h.background.drain();
        for (int i = 0; i < 3; i++) {
            var hit = h.get(PATH);
            assertIsr(hit, "HIT", miss.text());
            assertEquals(FRESH_CC, hit.header("cache-control"));
            assertEquals("isr4j; hit; ttl=60", hit.header("cache-status"));
            assertEquals(miss.header("content-type"), hit.header("content-type"));
        }
        assertEquals(1, renders.get());
        assertEquals(0, h.background.pending(), "a HIT schedules nothing");
    }

    @Test
    void staleEntryIsServedAtOnceAndTheRegeneratedBodyIsAHitAfterTheBackgroundWorkRuns() {
        var h = new IsrHarness(app());
        assertIsr(h.get(PATH), "MISS", "render 1");
        h.background.drain();
        assertIsr(h.get(PATH), "HIT", "render 1");

        h.clock.advanceSeconds(N + 1);
        var stale = h.get(PATH);
        assertIsr(stale, "STALE", "render 1");
        assertEquals(STALE_CC, stale.header("cache-control"));
        assertEquals("isr4j; hit; ttl=-1", stale.header("cache-status"));
        assertEquals(1, renders.get(), "STALE answers from the cache; the handler runs in the background");
        assertEquals(1, h.background.pending());

        assertEquals(1, h.background.drain());
        assertEquals(2, renders.get());
        var hit = h.get(PATH);
        assertIsr(hit, "HIT", "render 2");
        assertEquals(FRESH_CC, hit.header("cache-control"));
        assertEquals("isr4j; hit; ttl=60", hit.header("cache-status"));
        assertTrue(h.log.isEmpty(), h.log::toString);
    }

    @Test
    void entryIsFreshOneMillisecondBeforeRevalidateAtAndStaleExactlyAtIt() {
        var h = new IsrHarness(app());
        h.get(PATH);
        h.background.drain(); // written at T0: revalidateAt = T0 + 60 000
        h.clock.set(T0 + N * 1000 - 1);
        assertIsr(h.get(PATH), "HIT", "render 1");
        assertEquals(0, h.background.pending());
        h.clock.set(T0 + N * 1000);
        assertIsr(h.get(PATH), "STALE", "render 1");
        assertEquals(1, h.background.pending());
    }

    @Test
    void regeneratedEntryStartsANewRevalidatePeriodFromItsWrite() {
        var h = new IsrHarness(app());
        h.get(PATH);
        h.background.drain();
        h.clock.set(T0 + 100_000);
        h.get(PATH); // STALE
        h.background.drain(); // rewritten at T0 + 100 000
        h.clock.set(T0 + 100_000 + N * 1000 - 1);
        assertIsr(h.get(PATH), "HIT", "render 2");
        h.clock.set(T0 + 100_000 + N * 1000);
        assertIsr(h.get(PATH), "STALE", "render 2");
    }

    @Test
    void entryIsServedStaleUntilExpireAndIsAMissFromExpireOn() {
        App app = App.create().expire(100);
        app.route(PATH).revalidate(10).get(req -> Response.text("render " + renders.incrementAndGet()));
        var h = new IsrHarness(app);
        var miss = h.get(PATH);
        assertEquals("s-maxage=10, stale-while-revalidate=90", miss.header("cache-control"));
        h.background.drain();

        h.clock.set(T0 + 100_000 - 1);
        var stale = h.get(PATH);
        assertIsr(stale, "STALE", "render 1");
        assertEquals("s-maxage=0, stale-while-revalidate=100", stale.header("cache-control"));

        h.clock.set(T0 + 100_000);
        assertIsr(h.get(PATH), "MISS", "render 2");
    }

    // --- dedup ---

    @Test
    void fiftyStaleReadsQueueExactlyOneRegenerationAndTheKeyIsFreeOnceItFinishes() {
        var h = new IsrHarness(app());
        h.get(PATH);
        h.background.drain();
        h.clock.advanceSeconds(N + 5);
        String key = h.key(PATH);

        for (int i = 0; i < 50; i++) {
            assertIsr(h.get(PATH), "STALE", "render 1");
        }
        assertEquals(1, h.background.pending(), "one regeneration for 50 stale reads");
        assertTrue(h.dispatcher.cache().isRegenerating(key));
        assertEquals(1, renders.get());

        assertEquals(1, h.background.drain());
        assertEquals(2, renders.get(), "the handler ran exactly once for the regeneration");
        assertFalse(h.dispatcher.cache().isRegenerating(key));
        assertIsr(h.get(PATH), "HIT", "render 2");
    }

    @Test
    void regenerationsAreDeduplicatedPerKeyNotAcrossKeys() {
        App app = App.create();
        app.route("/api/posts/{id}").revalidate(N)
                .get(req -> Response.text(req.param("id") + " render " + renders.incrementAndGet()));
        var h = new IsrHarness(app);
        h.get("/api/posts/a");
        h.get("/api/posts/b");
        h.background.drain();
        h.clock.advanceSeconds(N);
        for (int i = 0; i < 5; i++) {
            h.get("/api/posts/a");
            h.get("/api/posts/b");
        }
        assertEquals(2, h.background.pending());
        assertTrue(h.dispatcher.cache().isRegenerating(h.key("/api/posts/a")));
        assertTrue(h.dispatcher.cache().isRegenerating(h.key("/api/posts/b")));
        h.background.drain();
        assertEquals(4, renders.get());
        assertEquals("HIT", h.get("/api/posts/a").header("x-isr-cache"));
        assertEquals("HIT", h.get("/api/posts/b").header("x-isr-cache"));
    }

    @Test
    void staleReadWhileTheRegenerationIsRunningServesStaleAndQueuesNoSecondOne() {
        List<Response> seenDuringRegeneration = new ArrayList<>();
        List<Integer> pendingDuringRegeneration = new ArrayList<>();
        App app = App.create();
        IsrHarness[] self = new IsrHarness[1];
        app.route(PATH).revalidate(N).get(req -> {
            int n = renders.incrementAndGet();
            if (n == 2) { // inside the background regeneration: another client asks meanwhile
                seenDuringRegeneration.add(self[0].get(PATH));
                pendingDuringRegeneration.add(self[0].background.pending());
            }
            return Response.text("render " + n);
        });
        self[0] = new IsrHarness(app);
        var hh = self[0];
        hh.get(PATH);
        hh.background.drain();
        hh.clock.advanceSeconds(N);
        hh.get(PATH);
        assertEquals(1, hh.background.drain());

        assertEquals(1, seenDuringRegeneration.size());
        assertIsr(seenDuringRegeneration.get(0), "STALE", "render 1");
        assertEquals(List.of(0), pendingDuringRegeneration, "no second regeneration while one runs");
        assertIsr(hh.get(PATH), "HIT", "render 2");
        assertEquals(2, renders.get());
        assertTrue(hh.log.isEmpty(), hh.log::toString);
    }

    @Test
    void concurrentStaleReadsFromManyThreadsStartOneRegeneration() throws Exception {
        var h = new IsrHarness(app());
        h.get(PATH);
        h.background.drain();
        h.clock.advanceSeconds(N);
        int threads = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            var start = new CountDownLatch(1);
            List<Future<Response>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return h.get(PATH);
                }));
            }
            start.countDown();
            for (var f : results) {
                assertIsr(f.get(10, TimeUnit.SECONDS), "STALE", "render 1");
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, h.background.pending());
        h.background.drain();
        assertEquals(2, renders.get());
        assertFalse(h.dispatcher.cache().isRegenerating(h.key(PATH)));
    }

    // --- regeneration failure ---

    @Test
    void regenerationThatThrowsIsLoggedWithTheKeyKeepsStaleAndALaterStaleRequestRetries() {
        var h = new IsrHarness(app());
        String key = h.key(PATH);
        assertEquals("app:/api/data:route", key);
        h.get(PATH);
        h.background.drain();
        h.clock.advanceSeconds(N);

        failing.set(true);
        assertIsr(h.get(PATH), "STALE", "render 1");
        assertEquals(1, h.background.drain());
        assertTrue(h.log.hasError(key, "backend down"), h.log::toString);
        assertFalse(h.dispatcher.cache().isRegenerating(key), "a failed regeneration frees its key");

        var stillStale = h.get(PATH);
        assertIsr(stillStale, "STALE", "render 1");
        assertEquals(STALE_CC, stillStale.header("cache-control"));
        assertEquals(1, h.background.pending(), "the next stale request schedules a new regeneration");

        failing.set(false);
        h.background.drain();
        assertIsr(h.get(PATH), "HIT", "render 2");
    }

    @Test
    void regenerationAnswering500IsLoggedWithTheKeyNotStoredAndStaleStaysServable() {
        AtomicBoolean answer500 = new AtomicBoolean();
        App app = App.create();
        app.route(PATH).revalidate(N).get(req -> answer500.get()
                ? Response.text("oops").withStatus(500)
                : Response.text("render " + renders.incrementAndGet()));
        var h = new IsrHarness(app);
        String key = h.key(PATH);
        h.get(PATH);
        h.background.drain();
        h.clock.advanceSeconds(N);

        answer500.set(true);
        assertIsr(h.get(PATH), "STALE", "render 1");
        h.background.drain();
        assertTrue(h.log.hasWarning(key, "500"), h.log::toString);
        assertFalse(h.dispatcher.cache().isRegenerating(key));
        assertIsr(h.get(PATH), "STALE", "render 1");

        answer500.set(false);
        assertEquals(1, h.background.drain());
        assertIsr(h.get(PATH), "HIT", "render 2");
    }

    // --- what a stored entry keeps ---

    @Test
    void storedEntryDropsSetCookieCacheControlAndIsrHeadersWhileTheMissKeepsItsSetCookie() {
        App app = App.create();
        app.route(PATH).revalidate(N).get(req -> Response.text("render " + renders.incrementAndGet())
                .plusHeader("Set-Cookie", "a=1")
                .plusHeader("Set-Cookie", "b=2")
                .withHeader("x-isr-cache", "FORGED")
                .withHeader("Cache-Status", "forged")
                .withHeader("x-custom", "kept"));
        var h = new IsrHarness(app);

        var miss = h.get(PATH);
        assertEquals(List.of("a=1", "b=2"), miss.headers().getAll("set-cookie"), "the first client gets its cookies");
        assertEquals(List.of("MISS"), miss.headers().getAll("x-isr-cache"));
        assertEquals(List.of("isr4j; fwd=miss; stored"), miss.headers().getAll("cache-status"));
        assertEquals("kept", miss.header("x-custom"));
        h.background.drain();

        var stored = h.cacheHandler.get(h.key(PATH));
        assertEquals(CacheLookup.State.FRESH, stored.state());
        Headers storedHeaders = stored.entry().value().headers();
        for (String name : List.of("x-isr-cache", "cache-status", "cache-control", "set-cookie")) {
            assertFalse(storedHeaders.has(name), () -> name + " must not be stored: " + storedHeaders);
        }
        assertEquals("kept", storedHeaders.get("x-custom"));
        assertEquals("text/plain; charset=utf-8", storedHeaders.get("content-type"));

        var hit = h.get(PATH);
        assertEquals(List.of(), hit.headers().getAll("set-cookie"), "no client gets another's cookie");
        assertEquals(List.of("HIT"), hit.headers().getAll("x-isr-cache"));
        assertEquals(List.of("isr4j; hit; ttl=60"), hit.headers().getAll("cache-status"));
        assertEquals(List.of(FRESH_CC), hit.headers().getAll("cache-control"));
        assertEquals("kept", hit.header("x-custom"));

        h.clock.advanceSeconds(N);
        var stale = h.get(PATH);
        assertEquals("STALE", stale.header("x-isr-cache"));
        assertEquals(List.of(), stale.headers().getAll("set-cookie"));
        h.background.drain(); // the regeneration also sets cookies: they are not stored either
        var regenerated = h.get(PATH);
        assertIsr(regenerated, "HIT", "render 2");
        assertEquals(List.of(), regenerated.headers().getAll("set-cookie"));
    }

    // --- regeneration runs on a clean request ---

    @Test
    void regenerationRunsOnACleanGetWithoutTheClientsHeadersAndSkipsTheWriteWhenItTurnsDynamic() {
        AtomicBoolean inspect = new AtomicBoolean();
        List<String> seen = new ArrayList<>();
        Env env = IsrHarness.env(Map.of("GREETING", "hello"));
        App app = App.create();
        app.route("/api/items/{id}").revalidate(N).get(req -> {
            int n = renders.incrementAndGet();
            if (inspect.get()) { // reads the request: this render is dynamic
                seen.add("method=" + req.method() + " id=" + req.param("id") + " headers=" + req.headers().size()
                        + " cookie=" + req.cookie("session") + " auth=" + req.header("authorization")
                        + " env=" + req.env().var("GREETING") + " body=" + req.body().length());
            }
            return Response.text("render " + n + " of " + req.param("id"));
        });
        var h = new IsrHarness(app);
        Headers personal = Headers.of("Cookie", "session=alice", "Authorization", "Bearer secret", "X-User", "alice");
        String path = "/api/items/7";
        String key = h.key(path);

        assertIsr(h.send(Request.builder("GET", IsrHarness.ORIGIN + path).headers(personal).env(env).build()),
                "MISS", "render 1 of 7");
        h.background.drain();

        h.clock.advanceSeconds(N);
        inspect.set(true);
        assertIsr(h.send(Request.builder("GET", IsrHarness.ORIGIN + path).headers(personal).env(env).build()),
                "STALE", "render 1 of 7");
        assertEquals(List.of(), seen, "the stale client's request never reaches the handler");
        h.background.drain();

        assertEquals(List.of("method=GET id=7 headers=0 cookie=null auth=null env=hello body=0"), seen,
                "the regeneration sees the URL, path params and env, and none of the client's headers");
        assertTrue(h.log.hasWarning(key, "dynamic"), h.log::toString);
        assertFalse(h.dispatcher.cache().isRegenerating(key));

        inspect.set(false);
        assertIsr(h.get(path), "STALE", "render 1 of 7"); // the dynamic render was not stored
        assertEquals(1, h.background.pending());
        h.background.drain();
        assertIsr(h.get(path), "HIT", "render 3 of 7");
    }

    @Test
    void regenerationThatSetsCacheControlIsNotStored() {
        AtomicBoolean own = new AtomicBoolean();
        App app = App.create();
        app.route(PATH).revalidate(N).get(req -> {
            var r = Response.text("render " + renders.incrementAndGet());
            return own.get() ? r.withHeader("cache-control", "no-store") : r;
        });
        var h = new IsrHarness(app);
        h.get(PATH);
        h.background.drain();
        h.clock.advanceSeconds(N);
        own.set(true);
        h.get(PATH);
        h.background.drain();
        assertTrue(h.log.hasWarning(h.key(PATH)), h.log::toString);
        assertIsr(h.get(PATH), "STALE", "render 1");
    }

    // --- HEAD ---

    @Test
    void headOnAColdCacheIsAMissWithAnEmptyBodyAndStoresTheFullGetBody() {
        var h = new IsrHarness(app());
        var head = h.head(PATH);
        assertEquals(200, head.status());
        assertEquals("MISS", head.header("x-isr-cache"));
        assertEquals(FRESH_CC, head.header("cache-control"));
        assertEquals("text/plain; charset=utf-8", head.header("content-type"));
        assertEquals(0, head.body().length());
        h.background.drain();

        assertEquals("render 1", h.cacheHandler.get(h.key(PATH)).entry().value().body().text(),
                "the stored entry has the GET body");
        assertIsr(h.get(PATH), "HIT", "render 1");
        assertEquals(1, renders.get());
    }

    @Test
    void headOnAHitIsAHitWithAnEmptyBody() {
        var h = new IsrHarness(app());
        h.get(PATH);
        h.background.drain();
        var head = h.head(PATH);
        assertEquals(200, head.status());
        assertEquals("HIT", head.header("x-isr-cache"));
        assertEquals("isr4j; hit; ttl=60", head.header("cache-status"));
        assertEquals("text/plain; charset=utf-8", head.header("content-type"));
        assertEquals(0, head.body().length());
        assertEquals(1, renders.get());
    }

    @Test
    void staleHeadServesStaleWithAnEmptyBodyAndRegeneratesWithAGet() {
        List<String> methods = new ArrayList<>();
        App app = App.create();
        app.route(PATH).revalidate(N).get(req -> {
            methods.add(req.method());
            return Response.text("render " + renders.incrementAndGet());
        });
        var h = new IsrHarness(app);
        h.get(PATH);
        h.background.drain();
        h.clock.advanceSeconds(N);
        var head = h.head(PATH);
        assertEquals("STALE", head.header("x-isr-cache"));
        assertEquals(0, head.body().length());
        h.background.drain();
        assertEquals(List.of("GET", "GET"), methods);
        assertIsr(h.get(PATH), "HIT", "render 2");
    }

    @Test
    void headRouteWithAnExplicitHeadHandlerIsNotCached() {
        App app = App.create();
        app.route(PATH).revalidate(N).get(req -> Response.text("get"))
                .on("HEAD", req -> Response.text("").withHeader("x-head", "own"));
        var h = new IsrHarness(app);
        var head = h.head(PATH);
        assertEquals("own", head.header("x-head"));
        assertNull(head.header("x-isr-cache"));
        assertEquals(0, h.background.pending());
    }
}
