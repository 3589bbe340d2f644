package dev.isr4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.CachedFunction;
import dev.isr4j.Response;
import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.testing.IsrHarness;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Cached data bounds what encloses it: a route's entry revalidates no later than the data its handler used and
 * carries that data's tags; an outer cached function is bounded by the inner ones it calls.
 */
class DataCacheBoundsTest {
    private static final long T0 = IsrHarness.T0;
    private static final long YEAR = App.DEFAULT_EXPIRE_SECONDS;

    private final AtomicInteger dataComputations = new AtomicInteger();
    private final AtomicInteger renders = new AtomicInteger();

    /** /page (ISR 600) uses "data" (revalidate 60, tag data-tag); /other (ISR 600) too; /direct is not ISR. */
    private IsrHarness boundedApp() {
        App app = App.create();
        CachedFunction<String> data = app.cachedText("data",
                (scope, args) -> "d" + dataComputations.incrementAndGet()).revalidate(60).tags("data-tag");
        app.route("/page").revalidate(600).tags("page")
                .get(req -> Response.text("page " + renders.incrementAndGet() + " " + data.get(req)));
        app.route("/other").revalidate(600)
                .get(req -> Response.text("other " + renders.incrementAndGet() + " " + data.get(req)));
        app.route("/direct").get(req -> Response.text(data.get(req)));
        app.route("/plain").revalidate(600).get(req -> Response.text("plain"));
        app.route("/revalidate/{tag}").post(req -> {
            req.revalidator().tag(req.param("tag"));
            return Response.text("ok");
        });
        return new IsrHarness(app);
    }

    private static CacheEntry stored(IsrHarness h, String key) {
        CacheLookup lookup = h.cacheHandler.get(key);
        assertTrue(lookup.entry() != null, () -> "no entry under " + key + ": " + lookup.state());
        return lookup.entry();
    }

    @Test
    void routeEntryIsBoundedByTheRevalidateOfTheDataItsHandlerUsed() {
        var h = boundedApp();
        Response miss = h.get("/page");
        assertEquals("MISS", miss.header("x-isr-cache"));
        assertEquals("page 1 d1", miss.text());
        assertEquals("s-maxage=60, stale-while-revalidate=" + (YEAR - 60), miss.header("cache-control"));
        h.background.drain();
        CacheEntry entry = stored(h, h.key("/page"));
        assertEquals(T0, entry.lastModified());
        assertEquals(T0 + 60_000, entry.revalidateAt(), "revalidate 60 (the data's), not 600 (the route's)");
        assertEquals(T0 + YEAR * 1000, entry.expireAt());

        h.clock.advanceSeconds(59);
        Response hit = h.get("/page");
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertEquals("s-maxage=60, stale-while-revalidate=" + (YEAR - 60), hit.header("cache-control"));
        h.clock.advanceSeconds(1);
        Response stale = h.get("/page");
        assertEquals("STALE", stale.header("x-isr-cache"), "stale after the data's 60 s");
        assertEquals("page 1 d1", stale.text());
    }

    @Test
    void routeEntryCarriesTheDataTagsAndRevalidatingThemInvalidatesIt() {
        var h = boundedApp();
        h.get("/page");
        h.background.drain();
        assertEquals(List.of("page", "path:/page", "layout:/", "layout:/page", "data-tag"), stored(h, h.key("/page")).tags());
        assertEquals("HIT", h.get("/page").header("x-isr-cache"));

        h.clock.advanceSeconds(1);
        assertEquals(200, h.request("POST", "/revalidate/data-tag").status());
        h.clock.advanceMillis(1);
        Response miss = h.get("/page");
        assertEquals("MISS", miss.header("x-isr-cache"), "the route entry went with the data's tag");
        assertEquals("page 2 d2", miss.text(), "and the data was recomputed too");
    }

    @Test
    void cachedDataReadFromTheCacheBoundsTheRouteToo() {
        var h = boundedApp();
        assertEquals("d1", h.get("/direct").text());
        h.background.drain();
        Response miss = h.get("/other"); // the data is a HIT here: it still bounds the route
        assertEquals("other 1 d1", miss.text());
        assertEquals("s-maxage=60, stale-while-revalidate=" + (YEAR - 60), miss.header("cache-control"));
        h.background.drain();
        CacheEntry entry = stored(h, h.key("/other"));
        assertEquals(T0 + 60_000, entry.revalidateAt());
        assertEquals(List.of("path:/other", "layout:/", "layout:/other", "data-tag"), entry.tags());
    }

    @Test
    void staleCachedDataBoundsTheRouteByItsRevalidateNotByItsRemainingTime() {
        var h = boundedApp();
        h.get("/direct");
        h.background.drain();
        h.clock.advanceSeconds(30);
        Response miss = h.get("/other");
        assertEquals("s-maxage=60, stale-while-revalidate=" + (YEAR - 60), miss.header("cache-control"));
    }

    @Test
    void regeneratedRouteEntryIsBoundedAgain() {
        var h = boundedApp();
        h.get("/page");
        h.background.drain();
        h.clock.advanceSeconds(60);
        assertEquals("STALE", h.get("/page").header("x-isr-cache"));
        h.background.drain(); // the route regenerates; its data is stale too and recomputes behind it
        CacheEntry regenerated = stored(h, h.key("/page"));
        assertEquals(T0 + 60_000, regenerated.lastModified());
        assertEquals(T0 + 120_000, regenerated.revalidateAt(), "the regeneration is bounded by its data as well");
        assertTrue(regenerated.tags().contains("data-tag"), regenerated.tags()::toString);
    }

    @Test
    void dataThatRevalidatesLaterThanTheRouteDoesNotExtendIt() {
        App app = App.create();
        CachedFunction<String> slow = app.cachedText("slow", (s, a) -> "v").cacheLife("hours").tags("slow");
        app.route("/r").revalidate(30).get(req -> Response.text(slow.get(req)));
        var h = new IsrHarness(app);
        Response miss = h.get("/r");
        assertEquals("s-maxage=30, stale-while-revalidate=" + (YEAR - 30), miss.header("cache-control"));
        h.background.drain();
        CacheEntry entry = stored(h, h.key("/r"));
        assertEquals(T0 + 30_000, entry.revalidateAt());
        assertEquals(List.of("path:/r", "layout:/", "layout:/r", "slow"), entry.tags(), "the tags are carried all the same");
    }

    @Test
    void theSmallestRevalidateOfSeveralDataWins() {
        App app = App.create();
        CachedFunction<String> a = app.cachedText("a", (s, x) -> "a").revalidate(300).tags("ta");
        CachedFunction<String> b = app.cachedText("b", (s, x) -> "b").revalidate(45).tags("tb");
        CachedFunction<String> c = app.cachedText("c", (s, x) -> "c").revalidate(120).tags("tc");
        app.route("/r").revalidate(600).get(req -> Response.text(a.get(req) + b.get(req) + c.get(req)));
        var h = new IsrHarness(app);
        Response miss = h.get("/r");
        assertEquals("abc", miss.text());
        assertEquals("s-maxage=45, stale-while-revalidate=" + (YEAR - 45), miss.header("cache-control"));
        h.background.drain();
        CacheEntry entry = stored(h, h.key("/r"));
        assertEquals(T0 + 45_000, entry.revalidateAt());
        assertEquals(List.of("path:/r", "layout:/", "layout:/r", "ta", "tb", "tc"), entry.tags());
    }

    @Test
    void oneRequestsBoundDoesNotLeakIntoAnother() {
        var h = boundedApp();
        assertEquals("s-maxage=60, stale-while-revalidate=" + (YEAR - 60), h.get("/page").header("cache-control"));
        Response plain = h.get("/plain");
        assertEquals("s-maxage=600, stale-while-revalidate=" + (YEAR - 600), plain.header("cache-control"));
        h.background.drain();
        CacheEntry entry = stored(h, h.key("/plain"));
        assertEquals(T0 + 600_000, entry.revalidateAt());
        assertEquals(List.of("path:/plain", "layout:/", "layout:/plain"), entry.tags());
    }

    @Test
    void routeCacheLifeAndDataBoundTogether() {
        App app = App.create();
        CachedFunction<String> data = app.cachedText("data", (s, a) -> "v").cacheLife("minutes").tags("d");
        app.route("/r").cacheLife("hours").get(req -> Response.text(data.get(req)));
        var h = new IsrHarness(app);
        Response miss = h.get("/r");
        // revalidate bounded to the data's 60 s, expire from the route's profile (86400 s)
        assertEquals("s-maxage=60, stale-while-revalidate=" + (86_400 - 60), miss.header("cache-control"));
        h.background.drain();
        CacheEntry entry = stored(h, h.key("/r"));
        assertEquals(T0 + 60_000, entry.revalidateAt());
        assertEquals(T0 + 86_400_000, entry.expireAt());
    }

    // -----------------------------------------------------------------------------------------------------
    // Nested cached functions
    // -----------------------------------------------------------------------------------------------------

    private final AtomicInteger inner = new AtomicInteger();
    private final AtomicInteger outer = new AtomicInteger();

    private IsrHarness nestedApp() {
        App app = App.create();
        CachedFunction<String> in = app.cachedText("inner", (scope, args) -> "in" + inner.incrementAndGet())
                .revalidate(60).tags("inner-tag");
        CachedFunction<String> out = app.cachedText("outer",
                (scope, args) -> "out" + outer.incrementAndGet() + "(" + in.get(scope) + ")")
                .revalidate(600).tags("outer-tag");
        app.route("/inner").get(req -> Response.text(in.get(req)));
        app.route("/outer").get(req -> Response.text(out.get(req)));
        app.route("/page").revalidate(3600).get(req -> Response.text(out.get(req)));
        app.route("/revalidate/{tag}").post(req -> {
            req.revalidator().tag(req.param("tag"));
            return Response.text("ok");
        });
        return new IsrHarness(app);
    }

    private static final String OUTER = DataCache.key("outer", List.of());
    private static final String INNER = DataCache.key("inner", List.of());

    @Test
    void outerEntryIsBoundedByTheInnerRevalidateAndCarriesItsTags() {
        var h = nestedApp();
        assertEquals("out1(in1)", h.get("/outer").text());
        h.background.drain();
        CacheEntry o = stored(h, OUTER);
        assertEquals(T0 + 60_000, o.revalidateAt(), "the outer revalidates with the inner (60 s), not at 600 s");
        assertEquals(List.of("outer-tag", "inner-tag"), o.tags());
        CacheEntry i = stored(h, INNER);
        assertEquals(T0 + 60_000, i.revalidateAt());
        assertEquals(List.of("inner-tag"), i.tags());
    }

    @Test
    void outerIsBoundedWhenTheInnerComesFromTheCache() {
        var h = nestedApp();
        assertEquals("in1", h.get("/inner").text());
        h.background.drain();
        assertEquals("out1(in1)", h.get("/outer").text());
        h.background.drain();
        CacheEntry o = stored(h, OUTER);
        assertEquals(T0 + 60_000, o.revalidateAt());
        assertEquals(List.of("outer-tag", "inner-tag"), o.tags());
        assertEquals(1, inner.get());
    }

    @Test
    void routeUsingTheOuterIsBoundedByTheInnerThroughIt() {
        var h = nestedApp();
        Response miss = h.get("/page");
        assertEquals("s-maxage=60, stale-while-revalidate=" + (YEAR - 60), miss.header("cache-control"));
        h.background.drain();
        CacheEntry page = stored(h, h.key("/page"));
        assertEquals(T0 + 60_000, page.revalidateAt());
        assertEquals(List.of("path:/page", "layout:/", "layout:/page", "outer-tag", "inner-tag"), page.tags());
    }

    @Test
    void revalidatingTheInnerTagInvalidatesTheOuterEntry() {
        var h = nestedApp();
        h.get("/outer");
        h.background.drain();
        assertEquals("out1(in1)", h.get("/outer").text());
        h.clock.advanceSeconds(1);
        assertEquals(200, h.request("POST", "/revalidate/inner-tag").status());
        h.clock.advanceMillis(1);
        assertEquals("out2(in2)", h.get("/outer").text());
    }

    @Test
    void outerGoesStaleWithTheInnerAndRecomputesInTheBackground() {
        var h = nestedApp();
        h.get("/outer");
        h.background.drain();
        h.clock.advanceSeconds(60);
        assertEquals("out1(in1)", h.get("/outer").text(), "stale, served at once");
        assertEquals(1, outer.get());
        h.background.drain();
        assertEquals(2, outer.get());
        // The outer recomputation read the inner while it was stale (served stale, recomputed behind it).
        assertEquals("out2(in1)", h.get("/outer").text());
        h.clock.advanceSeconds(60);
        h.get("/outer");
        h.background.drain();
        assertEquals("out3(in2)", h.get("/outer").text());
        CacheEntry o = stored(h, OUTER);
        assertEquals(o.lastModified() + 60_000, o.revalidateAt(), "bounded after the recomputation too");
    }
}
