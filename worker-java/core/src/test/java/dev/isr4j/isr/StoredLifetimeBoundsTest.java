package dev.isr4j.isr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.CachedFunction;
import dev.isr4j.Dynamic;
import dev.isr4j.Headers;
import dev.isr4j.Json;
import dev.isr4j.Props;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.CacheValue;
import dev.isr4j.api.EarlyRead;
import dev.isr4j.api.KvCacheOptions;
import dev.isr4j.cache.KvCacheHandler;
import dev.isr4j.data.DataCache;
import dev.isr4j.store.KvEntryFormat;
import dev.isr4j.store.StoredEntries;
import dev.isr4j.testing.IsrHarness;
import dev.isr4j.testing.KvHarness;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 23 item 5, "a stored entry can pin itself": whatever timestamps a stored entry carries (a release with
 * longer lifetimes, another tool, anyone with KV write access), it is fresh for no longer than its route (page,
 * cached function) configures now and served for no longer than its expire, both counted from its last write; and
 * no delta-seconds value sent exceeds 2^31 - 1 (RFC 9111 section 1.2.2).
 */
class StoredLifetimeBoundsTest {
    private static final String PATH = "/api/data";
    private static final long FAR = 1_000_000_000_000_000L; // 10^15 ms from now
    private static final long MAX_DELTA = 2_147_483_647L;
    private final AtomicInteger renders = new AtomicInteger();

    private App app(long revalidateSeconds) {
        App app = App.create();
        app.route(PATH).revalidate(revalidateSeconds).get(req -> Response.text("render " + renders.incrementAndGet()));
        app.route("/static").dynamic(Dynamic.FORCE_STATIC).get(req -> Response.text("static " + renders.incrementAndGet()));
        return app;
    }

    /** Writes a route entry for {@code path} straight into KV, as anyone with write access could. */
    private static void forge(KvHarness h, String path, long lastModified, long revalidateAt, long expireAt) {
        forgeKey(h, h.key(path), lastModified, revalidateAt, expireAt,
                Headers.of("content-type", "text/plain; charset=utf-8"), "pinned");
    }

    private static void forgeKey(KvHarness h, String key, long lastModified, long revalidateAt, long expireAt,
                                 Headers headers, String body) {
        var value = new CacheValue(200, headers, dev.isr4j.Body.of(body));
        var encoded = KvEntryFormat.encode(key, new CacheEntry(value, lastModified, revalidateAt, expireAt, List.of()));
        h.memory.putRaw(h.kv.entryKey(key), encoded.value().bytes(), encoded.metadata());
    }

    private static long directive(Response r, String name) {
        Matcher m = Pattern.compile("(?:^|, )" + name + "=(-?\\d+)").matcher(r.header("cache-control"));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static long ttl(Response r) {
        Matcher m = Pattern.compile("ttl=(-?\\d+)").matcher(r.header("cache-status"));
        assertTrue(m.find(), r.header("cache-status"));
        return Long.parseLong(m.group(1));
    }

    /** Every delta-seconds value the answer carries is within RFC 9111's 2^31 - 1. */
    private static void assertDeltasBounded(Response r) {
        for (String name : List.of("s-maxage", "max-age", "stale-while-revalidate", "stale-if-error")) {
            assertTrue(directive(r, name) <= MAX_DELTA, name + " in " + r.header("cache-control"));
        }
        if (r.header("age") != null) {
            assertTrue(Long.parseLong(r.header("age")) <= MAX_DELTA, "Age " + r.header("age"));
        }
        if (r.header("cache-status").contains("ttl=")) {
            assertTrue(Math.abs(ttl(r)) <= MAX_DELTA, r.header("cache-status"));
        }
    }

    @Test
    void anEntryClaimingAFarFutureRevalidateIsFreshOnlyForTheRoutesRevalidate() {
        var h = new KvHarness(app(60));
        long now = h.clock.millis();
        forge(h, PATH, now, now + FAR, now + FAR + 1);

        Response hit = h.get(PATH);
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertEquals("pinned", hit.text());
        assertEquals(60, directive(hit, "s-maxage"), hit.header("cache-control"));
        assertEquals(App.DEFAULT_EXPIRE_SECONDS - 60, directive(hit, "stale-while-revalidate"),
                "served stale no longer than the app's expire");
        assertEquals(60, ttl(hit));
        assertDeltasBounded(hit);

        h.clock.advanceSeconds(61);
        Response stale = h.get(PATH);
        assertEquals("STALE", stale.header("x-isr-cache"), "stale 60 s after its last write, like any entry");
        assertEquals("pinned", stale.text());
        assertDeltasBounded(stale);
        h.background.drain();
        assertEquals(1, renders.get(), "regenerated in the background");
        Response healed = h.get(PATH);
        assertEquals("HIT", healed.header("x-isr-cache"));
        assertEquals("render 1", healed.text());
    }

    @Test
    void afterADeployThatShortensRevalidateTheNewRevalidateWins() {
        var before = new KvHarness(app(3600));
        assertEquals("MISS", before.get(PATH).header("x-isr-cache"));
        before.background.drain();
        // The next deploy: same KV namespace, the route now says revalidate(60).
        var after = new KvHarness(app(60), KvCacheOptions.defaults(), store -> before.memory);
        after.clock.set(before.clock.millis());

        after.clock.advanceSeconds(30);
        Response hit = after.get(PATH);
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertEquals(60, directive(hit, "s-maxage"), "never the 3600 it was written with");
        assertEquals("30", hit.header("age"));
        assertEquals(30, ttl(hit));

        after.clock.advanceSeconds(31);
        Response stale = after.get(PATH);
        assertEquals("STALE", stale.header("x-isr-cache"), "stale 60 s after its last write");
        assertEquals("render 1", stale.text());
        assertEquals(0, directive(stale, "s-maxage"));
        after.background.drain();
        assertEquals(2, renders.get());
        assertEquals("render 2", after.get(PATH).text());
    }

    @Test
    void aLongerDeployedRevalidateDoesNotLengthenAnEntryWrittenShorter() {
        // Data-cache bounds (or a shorter profile) write a revalidate below the route's: the smaller one stays.
        var h = new KvHarness(app(60));
        long now = h.clock.millis();
        forge(h, PATH, now, now + 10_000, now + 3_600_000);
        Response hit = h.get(PATH);
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertEquals(10, directive(hit, "s-maxage"));
        assertEquals(3_590, directive(hit, "stale-while-revalidate"), "its own, shorter, expire stays too");
        h.clock.advanceSeconds(11);
        assertEquals("STALE", h.get(PATH).header("x-isr-cache"));
    }

    @Test
    void anEntryPastTheRoutesExpireIsAMissWhateverItClaims() {
        var h = new KvHarness(app(60));
        long now = h.clock.millis();
        long written = now - (App.DEFAULT_EXPIRE_SECONDS + 1) * 1000;
        forge(h, PATH, written, written + FAR, written + FAR + 1);
        Response r = h.get(PATH);
        assertEquals("MISS", r.header("x-isr-cache"));
        assertEquals("render 1", r.text());
        h.background.drain();
        assertEquals("HIT", h.get(PATH).header("x-isr-cache"), "the render replaced it");
    }

    @Test
    void anEntryWrittenInTheFutureIsAMissBeyondTheClockSkewAndAgeZeroWithinIt() {
        var h = new KvHarness(app(60));
        long now = h.clock.millis();
        forge(h, PATH, now + StoredEntries.MAX_CLOCK_SKEW_MILLIS + 1, now + FAR, now + FAR + 1);
        Response r = h.get(PATH);
        assertEquals("MISS", r.header("x-isr-cache"), "a write from beyond the skew is not trusted");
        assertEquals("render 1", r.text());

        var skewed = new KvHarness(app(60));
        now = skewed.clock.millis();
        forge(skewed, PATH, now + 30_000, now + FAR, now + FAR + 1);
        Response hit = skewed.get(PATH);
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertEquals("0", hit.header("age"));
        assertEquals(60, directive(hit, "s-maxage"));
        assertEquals(60, ttl(hit));
    }

    @Test
    void theBoundHoldsWhenTheHostAnswersAtOnce() {
        var h = new KvHarness(app(60));
        long now = h.clock.millis();
        forge(h, PATH, now, now + FAR, now + FAR + 1); // no tags: answerable without any tag read
        Request request = Request.builder("GET", IsrHarness.ORIGIN + PATH).build();
        Response now1 = h.dispatcher.answerNow(request, found(h, request));
        assertNotNull(now1, "a fresh entry without tags is answered at once");
        assertEquals("HIT", now1.header("x-isr-cache"));
        assertEquals(60, directive(now1, "s-maxage"));
        assertDeltasBounded(now1);

        h.clock.advanceSeconds(61);
        assertNull(h.dispatcher.answerNow(request, found(h, request)), "stale: not a HIT any more");
        Response stale = h.dispatcher.answerNow(request, found(h, request), h.background);
        assertNotNull(stale);
        assertEquals("STALE", stale.header("x-isr-cache"));
        h.background.drain();
        assertEquals(1, renders.get());
    }

    private static EarlyRead.Found found(KvHarness h, Request request) {
        EarlyRead early = h.dispatcher.earlyRead(request);
        return new EarlyRead.Found(early, h.store.getWithMetadata(early.storeKey()), false);
    }

    @Test
    void everyDeltaSecondsSentIsAtMostTwoToTheThirtyOneMinusOne() {
        App app = App.create().expire(100_000_000_000L);
        app.route(PATH).revalidate(10_000_000_000d).get(req -> Response.text("long " + renders.incrementAndGet()));
        var h = new KvHarness(app);
        h.clock.set(4_102_444_800_000L); // 2100-01-01: more than 2^31 s after 1970
        forge(h, PATH, 0, FAR, FAR + 1);
        Response hit = h.get(PATH);
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertEquals(MAX_DELTA, directive(hit, "s-maxage"));
        assertEquals(MAX_DELTA, directive(hit, "stale-while-revalidate"));
        assertEquals(String.valueOf(MAX_DELTA), hit.header("age"));
        assertEquals(MAX_DELTA, ttl(hit));

        Response miss = new KvHarness(app).get(PATH);
        assertEquals("MISS", miss.header("x-isr-cache"));
        assertDeltasBounded(miss);
        assertEquals("isr4j; hit; ttl=-" + MAX_DELTA, CachedAnswer.hitStatus(-FAR));
    }

    @Test
    void aForceStaticEntryIsServedForItsOwnLifetimeAndAdvertisedForAYear() {
        var h = new KvHarness(app(60));
        long now = h.clock.millis();
        forge(h, "/static", now - 1000, now + FAR, now + FAR + 1);
        Response r = h.get("/static");
        assertEquals("STATIC", r.header("x-isr-cache"));
        assertEquals("pinned", r.text());
        assertEquals(App.DEFAULT_EXPIRE_SECONDS, directive(r, "s-maxage"));
        assertDeltasBounded(r);
    }

    @Test
    void aPropsResultMayShortenThePagesRevalidateButNotLengthenIt() {
        App app = App.create();
        app.page("/p/{id}").revalidate(60)
                .props(req -> Props.of(Json.object().put("id", req.param("id")))
                        .revalidate(req.param("id").equals("long") ? 3600 : 10))
                .render(p -> "<p>" + p.get("id") + "</p>");
        var h = new KvHarness(app);
        h.get("/p/long");
        h.get("/p/short");
        h.background.drain();
        assertEquals(60, directive(h.get("/p/long"), "s-maxage"), "the page's revalidate is the longest");
        assertEquals(10, directive(h.get("/p/short"), "s-maxage"));
        var written = KvEntryFormat.decode(h.memory.getWithMetadata(
                h.kv.entryKey(dev.isr4j.store.CacheKeys.pageKey("/p/long", app.buildId())))).entry();
        assertEquals(60, written.revalidateSeconds(), "written with the page's, as it is served");
    }

    @Test
    void aDataEntryClaimingAFarFutureRevalidateIsBoundedByTheLongestProfile() {
        AtomicInteger computations = new AtomicInteger();
        App app = App.create();
        CachedFunction<String> price = app.cachedText("price", (scope, args) -> "computed "
                + computations.incrementAndGet()).cacheLife("minutes");
        app.route("/price").revalidate(600).get(req -> Response.text(price.get(req)));
        var h = new KvHarness(app);
        long now = h.clock.millis();
        forgeKey(h, DataCache.key("price", List.of()), now, now + FAR, now + FAR + 1,
                Headers.of("x-isr-data", "text"), "forged");
        // A cached function's entries may legitimately live as long as any profile allows (a computation picks
        // its own with scope.cacheLife), but not longer: "max" revalidates after 30 days.
        long longest = 2_592_000;
        Response r = h.get("/price");
        assertEquals(600, directive(r, "s-maxage"), "the route's entry is bounded by the route whatever its data says");
        h.background.drain();
        assertEquals(0, computations.get());
        h.clock.advanceSeconds(longest + 1);
        assertEquals(0, computations.get());
        h.get("/price"); // the route's entry is stale: its regeneration reads the data entry, now stale too
        h.background.drain();
        assertEquals(1, computations.get(), "recomputed once past the longest revalidate any profile gives");
    }
}
