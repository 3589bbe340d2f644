package dev.isr4j.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.Dynamic;
import dev.isr4j.Headers;
import dev.isr4j.Json;
import dev.isr4j.Props;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.testing.IsrHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Segment modes on pages and routes: FORCE_STATIC (rendered once, kept) and FORCE_DYNAMIC (never cached). */
class PageSegmentModesTest {
    private static final String STATIC_CACHE_CONTROL = "s-maxage=31536000";
    private static final String NO_STORE = "private, no-cache, no-store, max-age=0, must-revalidate";

    private final AtomicInteger aboutRenders = new AtomicInteger();
    private final AtomicInteger configRenders = new AtomicInteger();
    private final AtomicInteger liveRenders = new AtomicInteger();
    private final List<String> seen = new ArrayList<>();

    private App app() {
        App app = App.create();
        app.page("/about").dynamic(Dynamic.FORCE_STATIC)
                .props(req -> Props.of(Json.object().put("n", aboutRenders.incrementAndGet())))
                .render(p -> "<h1>About</h1><p>render " + p.get("n") + "</p>");
        app.route("/api/static-config").dynamic(Dynamic.FORCE_STATIC)
                .get(req -> Response.json(Json.object().put("n", configRenders.incrementAndGet())));
        app.page("/live/{slug}").dynamic(Dynamic.FORCE_DYNAMIC).revalidate(60).tags("live")
                .props(req -> Props.of(Json.object().put("slug", req.param("slug"))
                        .put("n", liveRenders.incrementAndGet())))
                .render(p -> "<h1>" + p.get("slug") + "</h1><p>render " + p.get("n") + "</p>");
        return app;
    }

    /** A FORCE_STATIC page whose props read request-specific data, recording what they saw. */
    private App curiousApp() {
        App app = App.create();
        app.page("/static/{id}").dynamic(Dynamic.FORCE_STATIC)
                .props(req -> {
                    String cookie = req.cookie("session");
                    String header = req.header("x-user");
                    String query = req.query();
                    synchronized (seen) {
                        seen.add("header=" + header + " cookie=" + cookie + " query=" + query);
                    }
                    return Props.of(Json.object().put("id", req.param("id")).put("n", aboutRenders.incrementAndGet()));
                })
                .render(p -> "static " + p.get("id") + " render " + p.get("n"));
        return app;
    }

    // ----- FORCE_STATIC ---------------------------------------------------------------------------------------

    @Test
    void forceStaticPageIsRenderedOnceAndServedAsStatic() {
        var h = new IsrHarness(app());
        var first = h.get("/about");
        assertEquals(200, first.status());
        assertEquals("STATIC", first.header("x-isr-cache"));
        assertEquals(STATIC_CACHE_CONTROL, first.header("cache-control"));
        assertNull(first.header("x-isr-props"));
        h.background.drain();
        var second = h.get("/about");
        assertEquals("STATIC", second.header("x-isr-cache"));
        assertEquals(STATIC_CACHE_CONTROL, second.header("cache-control"));
        assertEquals(first.text(), second.text());
        assertEquals(1, aboutRenders.get());
    }

    @Test
    void forceStaticRouteIsRenderedOnceAndServedAsStatic() {
        var h = new IsrHarness(app());
        var first = h.get("/api/static-config");
        assertEquals("STATIC", first.header("x-isr-cache"));
        assertEquals(STATIC_CACHE_CONTROL, first.header("cache-control"));
        h.background.drain();
        var second = h.get("/api/static-config");
        assertEquals("STATIC", second.header("x-isr-cache"));
        assertEquals("{\"n\":1}", second.text());
        assertEquals(1, configRenders.get());
    }

    @Test
    void forceStaticNeverGoesStaleEvenAfterAYearOrACentury() {
        var h = new IsrHarness(app());
        h.get("/about");
        h.get("/api/static-config");
        h.background.drain();
        h.clock.advanceSeconds(366L * 24 * 3600);
        var r = h.get("/about");
        assertEquals("STATIC", r.header("x-isr-cache"));
        assertEquals(STATIC_CACHE_CONTROL, r.header("cache-control"));
        assertEquals("STATIC", h.get("/api/static-config").header("x-isr-cache"));
        h.clock.advanceSeconds(10L * 366 * 24 * 3600);
        assertEquals("STATIC", h.get("/about").header("x-isr-cache"));
        assertEquals(0, h.background.pending(), "no regeneration is ever started");
        assertEquals(1, aboutRenders.get());
        assertEquals(1, configRenders.get());
    }

    @Test
    void forceStaticEntryIsStoredForACentury() {
        var h = new IsrHarness(app());
        h.get("/about");
        h.background.drain();
        var entry = h.cacheHandler.get("pages:/about").entry();
        assertEquals(100L * 31_536_000L * 1000, entry.revalidateAt() - entry.lastModified());
        assertTrue(entry.expireAt() > entry.revalidateAt());
    }

    @Test
    void forceStaticRendersFromACleanRequestWithoutHeadersCookiesOrQuery() {
        var h = new IsrHarness(curiousApp());
        var r = h.send(Request.builder("GET", IsrHarness.ORIGIN + "/static/1?preview=1")
                .headers(Headers.of("x-user", "alice", "cookie", "session=abc")).build());
        assertEquals(200, r.status());
        assertEquals(List.of("header=null cookie=null query="), seen, "the props saw nothing request-specific");
        assertEquals("STATIC", r.header("x-isr-cache"),
                "reading (empty) request data under FORCE_STATIC must not make the page dynamic: " + r.headers());
        assertEquals(STATIC_CACHE_CONTROL, r.header("cache-control"));
    }

    @Test
    void forceStaticServesEveryoneTheSameCachedPageWhateverTheyRead() {
        var h = new IsrHarness(curiousApp());
        h.send(Request.builder("GET", IsrHarness.ORIGIN + "/static/1")
                .headers(Headers.of("x-user", "alice")).build());
        h.background.drain();
        var bob = h.send(Request.builder("GET", IsrHarness.ORIGIN + "/static/1?as=bob")
                .headers(Headers.of("x-user", "bob")).build());
        assertEquals("STATIC", bob.header("x-isr-cache"));
        assertEquals("static 1 render 1", bob.text());
        assertEquals(1, aboutRenders.get());
    }

    @Test
    void forceStaticIgnoresTheQueryForTheCacheKey() {
        var h = new IsrHarness(app());
        h.get("/about?x=1");
        h.background.drain();
        assertEquals("STATIC", h.get("/about?y=2").header("x-isr-cache"));
        assertEquals(1, aboutRenders.get());
    }

    @Test
    void headOfAForceStaticPage() {
        var h = new IsrHarness(app());
        var head = h.head("/about");
        assertEquals(200, head.status());
        assertEquals("STATIC", head.header("x-isr-cache"));
        assertEquals("", head.text());
    }

    @Test
    void aHardTagRevalidationReachesAForceStaticPageThroughItsPathTag() {
        App app = app();
        app.route("/api/revalidate-about").post(req -> {
            req.revalidator().path("/about");
            return Response.status(204);
        });
        var h = new IsrHarness(app);
        h.get("/about");
        h.background.drain();
        h.request("POST", "/api/revalidate-about");
        var r = h.get("/about");
        assertEquals("STATIC", r.header("x-isr-cache"));
        assertEquals(2, aboutRenders.get(), "re-rendered after revalidatePath");
    }

    // ----- FORCE_DYNAMIC --------------------------------------------------------------------------------------

    @Test
    void forceDynamicPageIsRenderedOnEveryRequestAndNeverCached() {
        var h = new IsrHarness(app());
        for (int i = 1; i <= 3; i++) {
            var r = h.get("/live/x");
            assertEquals(200, r.status());
            assertNull(r.header("x-isr-cache"), "request " + i);
            assertEquals(NO_STORE, r.header("cache-control"));
            assertNull(r.header("x-isr-props"));
            assertEquals("<h1>x</h1><p>render " + i + "</p>", r.text());
        }
        assertEquals(0, h.background.submitted(), "nothing is ever written");
        assertTrue(h.cacheHandler.get("pages:/live/x").absent());
    }

    @Test
    void forceDynamicHeadHasTheNoStoreHeader() {
        var h = new IsrHarness(app());
        var head = h.head("/live/x");
        assertEquals(200, head.status());
        assertEquals(NO_STORE, head.header("cache-control"));
        assertNull(head.header("x-isr-cache"));
        assertEquals("", head.text());
    }
}
