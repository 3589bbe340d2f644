package dev.isr4j.cache;

import static dev.isr4j.testing.IsrHarness.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.Body;
import dev.isr4j.Headers;
import dev.isr4j.Response;
import dev.isr4j.api.CacheHandler.SetOptions;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.api.CacheValue;
import dev.isr4j.testing.IsrHarness;
import dev.isr4j.testing.ManualClock;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryCacheHandlerTest {
    private final ManualClock clock = new ManualClock(T0);

    private static CacheValue value(String body) {
        return new CacheValue(200, Headers.of("content-type", "text/plain"), Body.of(body));
    }

    private static SetOptions options(long revalidate, long expire, String... tags) {
        return new SetOptions(revalidate, expire, List.of(tags));
    }

    private static final SetOptions DEFAULT = new SetOptions(60, 3600, List.of());

    /** Bytes one entry of this key and body costs, measured on a roomy cache. */
    private long sizeOf(String key, String body) {
        var probe = new InMemoryCacheHandler(clock);
        probe.set(key, value(body), DEFAULT).await();
        return probe.totalBytes();
    }

    // --- lookups ---

    @Test
    void setStoresTheValueWithTimestampsFromTheClockAndItsTags() {
        var c = new InMemoryCacheHandler(clock);
        c.set("k", value("v"), options(60, 3600, "a", "b")).await();
        var lookup = c.get("k");
        assertEquals(CacheLookup.State.FRESH, lookup.state());
        var e = lookup.entry();
        assertEquals("v", e.value().body().text());
        assertEquals(T0, e.lastModified());
        assertEquals(T0 + 60_000, e.revalidateAt());
        assertEquals(T0 + 3_600_000, e.expireAt());
        assertEquals(List.of("a", "b"), e.tags());
    }

    @Test
    void unknownKeyIsAMiss() {
        assertSame(CacheLookup.MISS, new InMemoryCacheHandler(clock).get("nope"));
    }

    @Test
    void entryIsFreshBeforeRevalidateAtStaleFromItUntilExpireAtAndAMissFromExpireAt() {
        var c = new InMemoryCacheHandler(clock);
        c.set("k", value("v"), options(10, 100)).await();
        clock.set(T0 + 10_000 - 1);
        assertEquals(CacheLookup.State.FRESH, c.get("k").state());
        clock.set(T0 + 10_000);
        assertEquals(CacheLookup.State.STALE, c.get("k").state());
        clock.set(T0 + 100_000 - 1);
        assertEquals(CacheLookup.State.STALE, c.get("k").state());
        assertEquals("v", c.get("k").entry().value().body().text());
        clock.set(T0 + 100_000);
        assertSame(CacheLookup.INVALIDATED, c.get("k"), "an expired entry is a MISS and is never handed out");
        assertTrue(c.contains("k"), "it is kept (until evicted) so it is known to exist, not absent");
    }

    // --- tags ---

    @Test
    void tagRevalidatedInTheSameMillisecondAsTheWriteMakesItAMiss() {
        var c = new InMemoryCacheHandler(clock);
        c.set("k", value("v"), options(60, 3600, "posts")).await();
        c.revalidateTag(List.of("posts")).await();
        assertEquals(CacheLookup.State.MISS, c.get("k").state());
    }

    @Test
    void tagRevalidatedLaterMakesAnOlderEntryAMiss() {
        var c = new InMemoryCacheHandler(clock);
        c.set("k", value("v"), options(60, 3600, "posts")).await();
        clock.advanceSeconds(10);
        c.revalidateTag(List.of("other", "posts")).await();
        assertEquals(CacheLookup.State.MISS, c.get("k").state());
    }

    @Test
    void entryWrittenAfterItsTagWasRevalidatedIsFresh() {
        var c = new InMemoryCacheHandler(clock);
        c.revalidateTag(List.of("posts")).await();
        clock.advanceMillis(1);
        c.set("k", value("v"), options(60, 3600, "posts")).await();
        assertEquals(CacheLookup.State.FRESH, c.get("k").state());
    }

    @Test
    void tagRevalidationLeavesEntriesWithoutThatTagAlone() {
        var c = new InMemoryCacheHandler(clock);
        c.set("a", value("v"), options(60, 3600, "posts")).await();
        c.set("b", value("v"), options(60, 3600, "users")).await();
        clock.advanceMillis(1);
        c.revalidateTag(List.of("posts")).await();
        assertEquals(CacheLookup.State.MISS, c.get("a").state());
        assertEquals(CacheLookup.State.FRESH, c.get("b").state());
    }

    // --- bounds ---

    @Test
    void constructorRejectsMaxEntriesBelowOneWithAMessage() {
        var e = assertThrows(IllegalArgumentException.class, () -> new InMemoryCacheHandler(clock, 0, 1000));
        assertEquals("InMemoryCacheHandler needs maxEntries >= 1, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new InMemoryCacheHandler(clock, -5, 1000));
        assertTrue(e.getMessage().contains("maxEntries >= 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new InMemoryCacheHandler(clock, 10, 0));
        assertTrue(e.getMessage().contains("maxBytes >= 1"), e.getMessage());
    }

    @Test
    void entryCountBoundEvictsTheLeastRecentlyWrittenFirst() {
        var c = new InMemoryCacheHandler(clock, 2, 1 << 20);
        c.set("a", value("1"), DEFAULT);
        c.set("b", value("2"), DEFAULT);
        c.set("c", value("3"), DEFAULT);
        assertFalse(c.contains("a"));
        assertTrue(c.contains("b"));
        assertTrue(c.contains("c"));
        assertEquals(2, c.size());
    }

    @Test
    void aGetRefreshesRecencySoTheOtherEntryIsEvicted() {
        var c = new InMemoryCacheHandler(clock, 2, 1 << 20);
        c.set("a", value("1"), DEFAULT);
        c.set("b", value("2"), DEFAULT);
        assertEquals(CacheLookup.State.FRESH, c.get("a").state());
        c.set("c", value("3"), DEFAULT);
        assertTrue(c.contains("a"), "a was used more recently than b");
        assertFalse(c.contains("b"));
        assertTrue(c.contains("c"));
    }

    @Test
    void rewritingAKeyReplacesItWithoutGrowingCountOrBytes() {
        var c = new InMemoryCacheHandler(clock, 2, 1 << 20);
        long one = sizeOf("a", "1");
        c.set("a", value("1"), DEFAULT);
        c.set("b", value("2"), DEFAULT);
        c.set("a", value("9"), DEFAULT);
        assertEquals(2, c.size());
        assertEquals(2 * one, c.totalBytes());
        assertEquals("9", c.get("a").entry().value().body().text());
        c.set("c", value("3"), DEFAULT); // b is now the least recently used
        assertFalse(c.contains("b"));
        assertTrue(c.contains("a"));
    }

    @Test
    void totalBytesBoundEvictsLeastRecentlyUsedUntilTheNewEntryFits() {
        String body = "x".repeat(1000);
        long one = sizeOf("k1", body);
        assertTrue(one >= 1000, "size counts at least the body");
        var c = new InMemoryCacheHandler(clock, 100, 2 * one + one / 2);
        c.set("k1", value(body), DEFAULT);
        c.set("k2", value(body), DEFAULT);
        assertEquals(2 * one, c.totalBytes());
        c.set("k3", value(body), DEFAULT);
        assertFalse(c.contains("k1"));
        assertTrue(c.contains("k2"));
        assertTrue(c.contains("k3"));
        assertEquals(2 * one, c.totalBytes());
    }

    @Test
    void bigEntryEvictsAsManyOldEntriesAsItNeeds() {
        long small = sizeOf("k1", "x");
        var c = new InMemoryCacheHandler(clock, 100, 5 * small);
        for (int i = 1; i <= 5; i++) {
            c.set("k" + i, value("x"), DEFAULT);
        }
        assertEquals(5, c.size());
        String big = "y".repeat((int) (3 * small));
        c.set("kb", value(big), DEFAULT); // needs the room of more than 3 small entries
        assertTrue(c.contains("kb"));
        assertTrue(c.totalBytes() <= 5 * small, "total " + c.totalBytes() + " within " + 5 * small);
        assertFalse(c.contains("k1"));
        assertFalse(c.contains("k2"));
        assertFalse(c.contains("k3"));
        assertFalse(c.contains("k4"));
        assertTrue(c.contains("k5"));
    }

    @Test
    void aValueLargerThanMaxBytesIsNotStoredAndEvictsNothing() {
        long one = sizeOf("k1", "x");
        var c = new InMemoryCacheHandler(clock, 100, 3 * one);
        c.set("k1", value("x"), DEFAULT).await();
        c.set("big", value("z".repeat((int) (3 * one))), DEFAULT).await();
        assertFalse(c.contains("big"));
        assertEquals(CacheLookup.State.MISS, c.get("big").state());
        assertTrue(c.contains("k1"), "nothing evicted for a value that cannot be stored");
        assertEquals(one, c.totalBytes());
    }

    /**
     * set() reports success for a value larger than the whole cache without storing it, but leaves the
     * previous value under that key in place: get() keeps serving the old value (stale, for up to expire),
     * and every stale request regenerates in vain.
     */
    @Test
    void oversizedValueForAnExistingKeyDoesNotLeaveTheOldValueServable() {
        long one = sizeOf("k", "old");
        var c = new InMemoryCacheHandler(clock, 100, 3 * one);
        c.set("k", value("old"), DEFAULT).await();
        c.set("k", value("n".repeat((int) (3 * one))), DEFAULT).await();
        var lookup = c.get("k");
        assertNotEquals("old", lookup.entry() == null ? null : lookup.entry().value().body().text(),
                "the replaced value is still served after set() succeeded");
    }

    @Test
    void deleteRemovesTheEntryAndItsBytes() {
        var c = new InMemoryCacheHandler(clock);
        c.set("k", value("v"), DEFAULT).await();
        c.delete("k").await();
        assertFalse(c.contains("k"));
        assertEquals(0, c.totalBytes());
        c.delete("absent").await();
    }

    /**
     * App.expire accepts any positive long; expireSeconds * 1000 overflows for very large values (e.g.
     * Long.MAX_VALUE as "never"), making expireAt negative: every entry is expired at once and every request
     * is a MISS.
     */
    @Test
    void veryLargeExpireDoesNotMakeEveryEntryExpireImmediately() {
        App app = App.create().expire(Long.MAX_VALUE);
        app.route("/api/x").revalidate(60).get(req -> Response.text("x"));
        var h = new IsrHarness(app);
        h.get("/api/x");
        h.background.drain();
        assertEquals("HIT", h.get("/api/x").header("x-isr-cache"));
    }

    @Test
    void storedValuesFollowTheSameRulesAsKvEntries() {
        var c = new InMemoryCacheHandler(clock);
        var options = new SetOptions(60, 3600, List.of());
        c.set("k", new CacheValue(200, Headers.of("set-cookie", "sid=1", "content-type", "text/plain", "age", "9",
                "cache-control", "max-age=1"), Body.of("x")), options).await();
        assertEquals(Headers.of("content-type", "text/plain"), c.get("k").entry().value().headers(),
                "never-stored fields are not kept, whoever calls set");
        c.set("k", new CacheValue(503, Headers.empty(), Body.of("down")), options).await();
        assertFalse(c.contains("k"), "a 5xx is never stored (and the older value is outdated)");
        c.set("k", new CacheValue(200, Headers.of("x-a", "a\r\nset-cookie: x=1"), Body.of("x")), options).await();
        assertFalse(c.contains("k"), "a header field that cannot be sent is never stored");
    }

    @Test
    void maxTagsMustBePositive() {
        var e = assertThrows(IllegalArgumentException.class, () -> new InMemoryCacheHandler(clock, 10, 1000, 0));
        assertTrue(e.getMessage().contains("maxTags"), e.getMessage());
    }
}
