package dev.isr4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.store.CacheKeys;
import dev.isr4j.App;
import dev.isr4j.Body;
import dev.isr4j.CacheProfile;
import dev.isr4j.CacheScope;
import dev.isr4j.CachedFunction;
import dev.isr4j.Env;
import dev.isr4j.Headers;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.api.CacheValue;
import dev.isr4j.api.CacheHandler;
import dev.isr4j.testing.FaultyCacheHandler;
import dev.isr4j.testing.IsrHarness;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The data cache behind {@link CachedFunction}, through the real {@link Dispatcher} and the real
 * {@link dev.isr4j.cache.InMemoryCacheHandler} on a manual clock: keys, stale-while-revalidate with one
 * deduplicated recomputation, null and bytes values, lifetimes and tags set by the computation, revalidateTag,
 * and a cache handler that fails.
 */
class DataCacheTest {
    private static final long T0 = IsrHarness.T0;

    private final AtomicInteger computations = new AtomicInteger();

    // -----------------------------------------------------------------------------------------------------
    // Fixtures
    // -----------------------------------------------------------------------------------------------------

    /** "price" (profile minutes: revalidate 60, expire 3600; tags prices, price-{0}) behind GET /price/{id}. */
    private IsrHarness priceHarness() {
        App app = App.create();
        CachedFunction<String> price = app.cachedText("price",
                (scope, args) -> "price-" + args.get(0) + "#" + computations.incrementAndGet())
                .cacheLife("minutes").tags("prices", "price-{0}");
        app.route("/price/{id}").get(req -> Response.text(price.get(req, req.param("id"))));
        app.route("/revalidate/{tag}").post(req -> {
            req.revalidator().tag(req.param("tag"), req.header("x-profile"));
            return Response.text("ok");
        });
        return new IsrHarness(app);
    }

    private static String text(IsrHarness h, String path) {
        Response r = h.get(path);
        assertEquals(200, r.status(), () -> "GET " + path + ": " + r.text() + "\n" + h.log);
        return r.text();
    }

    private static String priceKey(String id) {
        return DataCache.key("price", List.of(id));
    }

    private static CacheEntry stored(IsrHarness h, String key) {
        CacheLookup lookup = h.cacheHandler.get(key);
        assertTrue(lookup.state() == CacheLookup.State.FRESH || lookup.state() == CacheLookup.State.STALE,
                () -> "no servable entry under " + key + ": " + lookup.state());
        return lookup.entry();
    }

    private static void revalidateTag(IsrHarness h, String tag, String profile) {
        var request = Request.builder("POST", IsrHarness.ORIGIN + "/revalidate/" + tag)
                .headers(profile == null ? Headers.of() : Headers.of("x-profile", profile)).build();
        assertEquals(200, h.send(request).status(), h.log::toString);
    }

    /** An app with one cached text function named "f" (configured by the caller) behind GET /f. */
    private static IsrHarness single(App app, CachedFunction<String> f) {
        app.route("/f").get(req -> Response.text(String.valueOf(f.get(req))));
        return new IsrHarness(app);
    }

    // -----------------------------------------------------------------------------------------------------
    // Keys
    // -----------------------------------------------------------------------------------------------------

    @Test
    void storageKeyIsDataColonNameColonSixteenHexDigits() {
        String key = CacheKeys.storageKey(DataCache.key("price", List.of("1")));
        assertTrue(key.matches("data:price:[0-9a-f]{16}"), key);
        assertTrue(CacheKeys.storageKey(DataCache.key("no-args", List.of())).matches("data:no-args:[0-9a-f]{16}"));
        assertTrue(CacheKeys.storageKey(DataCache.key("a.b_c-d", List.of("x", "y", "z")))
                .matches("data:a\\.b_c-d:[0-9a-f]{16}"));
    }

    @Test
    void keyIsTheNameAndTheLengthPrefixedArguments() {
        assertEquals("data:price\u00011:1\u00013:eur", DataCache.key("price", List.of("1", "eur")));
    }

    @Test
    void storageKeyHashIsPinned() {
        // FNV-1a 64 of the UTF-8 bytes of "price" + U+0001 + "1:" + "1" (computed independently in Node too).
        assertEquals("data:price:183f1c00690258ad", CacheKeys.storageKey(DataCache.key("price", List.of("1"))));
        assertEquals("data:price:" + CacheKeys.fnv1a64Hex("price\u00011:1"),
                CacheKeys.storageKey(DataCache.key("price", List.of("1"))));
        assertEquals("data:cached-data:fa82a844ca0cbbea", CacheKeys.storageKey(DataCache.key("cached-data", List.of())));
    }

    @Test
    void keyIsStableAcrossCallsAndListImplementations() {
        String a = DataCache.key("price", List.of("1", "eur"));
        assertEquals(a, DataCache.key("price", List.of("1", "eur")));
        assertEquals(a, DataCache.key("price", new ArrayList<>(List.of("1", "eur"))));
        assertEquals(a, DataCache.key("price", Arrays.asList("1", "eur")));
    }

    @Test
    void differentArgumentsGiveDifferentKeys() {
        var keys = new java.util.HashSet<String>();
        keys.add(DataCache.key("price", List.of()));
        keys.add(DataCache.key("price", List.of("")));
        keys.add(DataCache.key("price", List.of("", "")));
        keys.add(DataCache.key("price", List.of("1")));
        keys.add(DataCache.key("price", List.of("2")));
        keys.add(DataCache.key("price", List.of("1", "2")));
        keys.add(DataCache.key("price", List.of("2", "1")));
        keys.add(DataCache.key("price", List.of("12")));
        keys.add(DataCache.key("price", List.of("1", "")));
        keys.add(DataCache.key("price", List.of("", "1")));
        keys.add(DataCache.key("price", List.of("ü")));
        keys.add(DataCache.key("price", List.of("u")));
        keys.add(DataCache.key("prices", List.of("1")));
        assertEquals(13, keys.size(), keys::toString);
    }

    @Test
    void oneArgumentWithASeparatorDiffersFromTwoArguments() {
        assertNotEquals(DataCache.key("f", List.of("a,b")), DataCache.key("f", List.of("a", "b")));
        assertNotEquals(DataCache.key("f", List.of("ab")), DataCache.key("f", List.of("a", "b")));
        assertNotEquals(DataCache.key("f", List.of("a\u00011:b")), DataCache.key("f", List.of("a", "b")));
        assertNotEquals(DataCache.key("f", List.of("a:b")), DataCache.key("f", List.of("a", "b")));
        // the name cannot leak into the arguments either
        assertNotEquals(DataCache.key("f", List.of("a")), DataCache.key("fa", List.of()));
    }

    @Test
    void nullArgumentGivesAKeyOfItsOwn() {
        var withNull = new ArrayList<String>();
        withNull.add(null);
        String key = DataCache.key("f", withNull);
        assertTrue(CacheKeys.storageKey(key).matches("data:f:[0-9a-f]{16}"), key);
        assertNotEquals(key, DataCache.key("f", List.of("null")));
        assertNotEquals(key, DataCache.key("f", List.of("")));
        assertNotEquals(key, DataCache.key("f", List.of()));
        var twoNulls = new ArrayList<String>();
        twoNulls.add(null);
        twoNulls.add(null);
        assertNotEquals(key, DataCache.key("f", twoNulls));
    }

    @Test
    void nullArgumentDoesNotCollideWithAnyString() {
        var withNull = new ArrayList<String>();
        withNull.add(null);
        // null is encoded as the string "\0null": a caller passing that string reads null's entry (and writes it).
        assertNotEquals(DataCache.key("f", withNull), DataCache.key("f", List.of("\u0000null")),
                "a null argument and the argument \"\\u0000null\" share one cache key");
    }

    @Test
    void tenKilobyteArgumentStillGivesAShortStorageKey() {
        String big = "x".repeat(10 * 1024);
        String key = CacheKeys.storageKey(DataCache.key("search", List.of(big)));
        assertTrue(key.length() < 100, key);
        assertTrue(key.matches("data:search:[0-9a-f]{16}"), key);
        assertNotEquals(key, CacheKeys.storageKey(DataCache.key("search", List.of(big.substring(1) + "y"))));
        assertNotEquals(key, CacheKeys.storageKey(DataCache.key("search", List.of(big + "x"))));
    }

    @Test
    void longestNameStillGivesAStorageKeyUnderKvsLimit() {
        String name = "n".repeat(64);
        String key = CacheKeys.storageKey(DataCache.key(name, List.of("x".repeat(100_000))));
        assertEquals(5 + 64 + 1 + 16, key.length());
    }

    // -----------------------------------------------------------------------------------------------------
    // Declarations
    // -----------------------------------------------------------------------------------------------------

    @Test
    void cachedFunctionNamesAreCheckedAtDeclaration() {
        App app = App.create();
        for (String bad : new String[] {"", "a b", "a:b", "a/b", "n".repeat(65)}) {
            var e = assertThrows(IllegalArgumentException.class, () -> app.cachedText(bad, (s, a) -> "x"), bad);
            assertTrue(e.getMessage().contains("a cached function needs a name"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> app.cachedText(null, (s, a) -> "x"));
        assertEquals("n".repeat(64), app.cachedText("n".repeat(64), (s, a) -> "x").name());
    }

    @Test
    void aCachedFunctionNeedsAComputation() {
        var e = assertThrows(IllegalArgumentException.class, () -> App.create().cachedBytes("f", null));
        assertTrue(e.getMessage().contains("cached function 'f' has no computation"), e.getMessage());
    }

    @Test
    void duplicateNamesAreRejectedEvenAcrossTextAndBytes() {
        App app = App.create();
        app.cachedText("dup", (s, a) -> "x");
        var e = assertThrows(IllegalArgumentException.class, () -> app.cachedBytes("dup", (s, a) -> new byte[0]));
        assertTrue(e.getMessage().contains("cached function 'dup' is declared twice"), e.getMessage());
    }

    @Test
    void invalidRevalidateAndTagsAreRejectedAtDeclaration() {
        App app = App.create();
        var f = app.cachedText("f", (s, a) -> "x");
        var zero = assertThrows(IllegalArgumentException.class, () -> f.revalidate(0));
        assertTrue(zero.getMessage().contains("revalidate must be at least 1 second, got 0"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> f.tags("bad:tag"));
        assertThrows(IllegalArgumentException.class, () -> f.tags(""));
        f.tags("ok-{0}"); // templates are fine
    }

    // -----------------------------------------------------------------------------------------------------
    // Stale-while-revalidate
    // -----------------------------------------------------------------------------------------------------

    @Test
    void missComputesInTheForegroundAndWritesInTheBackground() {
        var h = priceHarness();
        assertEquals("price-1#1", text(h, "/price/1"));
        assertEquals(1, h.background.pending(), "the write waits for ctx.waitUntil");
        assertEquals(CacheLookup.State.MISS, h.cacheHandler.get(priceKey("1")).state());
        h.background.drain();
        assertEquals(CacheLookup.State.FRESH, h.cacheHandler.get(priceKey("1")).state());
    }

    @Test
    void freshValueIsReturnedWithoutRecomputing() {
        var h = priceHarness();
        assertEquals("price-1#1", text(h, "/price/1"));
        h.background.drain();
        for (int i = 0; i < 5; i++) {
            assertEquals("price-1#1", text(h, "/price/1"));
        }
        h.clock.advanceMillis(59_999);
        assertEquals("price-1#1", text(h, "/price/1"));
        assertEquals(1, computations.get());
        assertEquals(0, h.background.pending(), "a fresh read queues nothing");
    }

    @Test
    void eachArgumentHasItsOwnEntry() {
        var h = priceHarness();
        assertEquals("price-1#1", text(h, "/price/1"));
        assertEquals("price-2#2", text(h, "/price/2"));
        h.background.drain();
        assertEquals("price-1#1", text(h, "/price/1"));
        assertEquals("price-2#2", text(h, "/price/2"));
    }

    @Test
    void staleValueIsReturnedAtOnceWithExactlyOneRecomputationForFiftyCalls() {
        var h = priceHarness();
        text(h, "/price/1");
        h.background.drain();
        h.clock.advanceSeconds(60);
        DataCache dc = h.dispatcher.dataCache();
        assertFalse(dc.isRecomputing(priceKey("1")));
        for (int i = 0; i < 50; i++) {
            assertEquals("price-1#1", text(h, "/price/1"), "call " + i + " is served the stale value at once");
        }
        assertEquals(1, computations.get(), "nothing recomputed in the foreground");
        assertTrue(dc.isRecomputing(priceKey("1")));
        assertEquals(1, h.background.pending(), "exactly one recomputation queued");
        h.background.drain();
        assertFalse(dc.isRecomputing(priceKey("1")));
        assertEquals(2, computations.get());
        assertEquals("price-1#2", text(h, "/price/1"));
        assertEquals(0, h.background.pending());
        var entry = stored(h, priceKey("1"));
        assertEquals(T0 + 60_000, entry.lastModified());
        assertEquals(T0 + 120_000, entry.revalidateAt());
    }

    @Test
    void fiftyConcurrentCallsOnOtherThreadsStartOneRecomputation() throws Exception {
        var h = priceHarness();
        text(h, "/price/1");
        h.background.drain();
        h.clock.advanceSeconds(61);
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            var start = new CountDownLatch(1);
            var results = new ArrayList<Future<Response>>();
            for (int i = 0; i < 50; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return h.get("/price/1");
                }));
            }
            start.countDown();
            for (var f : results) {
                Response r = f.get(10, TimeUnit.SECONDS);
                assertEquals(200, r.status());
                assertEquals("price-1#1", r.text());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, h.background.pending(), "one recomputation for 50 concurrent stale reads");
        h.background.drain();
        assertEquals(2, computations.get());
        assertEquals("price-1#2", text(h, "/price/1"));
    }

    @Test
    void failedRecomputationKeepsTheStaleValueAndFreesTheKey() {
        var fail = new AtomicBoolean();
        App app = App.create();
        CachedFunction<String> f = app.cachedText("f", (scope, args) -> {
            int n = computations.incrementAndGet();
            if (fail.get()) {
                throw new IllegalStateException("upstream down");
            }
            return "v" + n;
        }).revalidate(10);
        var h = single(app, f);
        String key = DataCache.key("f", List.of());
        assertEquals("v1", text(h, "/f"));
        h.background.drain();
        fail.set(true);
        h.clock.advanceSeconds(10);
        assertEquals("v1", text(h, "/f"));
        assertTrue(h.dispatcher.dataCache().isRecomputing(key));
        h.background.drain(); // the recomputation throws inside; drain does not
        assertEquals(2, computations.get());
        assertFalse(h.dispatcher.dataCache().isRecomputing(key), "a failed recomputation frees the key");
        assertTrue(h.log.hasError("recomputing " + CacheKeys.storageKey(key) + " failed", "upstream down"), h.log::toString);
        assertEquals("v1", text(h, "/f"), "the stale value stays servable");
        assertEquals(1, h.background.pending(), "the next stale read tries again");
        fail.set(false);
        h.clock.advanceMillis(1);
        h.background.drain();
        assertEquals("v3", text(h, "/f"));
    }

    @Test
    void expiredValueIsRecomputedInTheForeground() {
        App app = App.create().cacheProfile("short", 0, 1, 5);
        CachedFunction<String> f = app.cachedText("f", (s, a) -> "v" + computations.incrementAndGet())
                .cacheLife("short");
        var h = single(app, f);
        assertEquals("v1", text(h, "/f"));
        h.background.drain();
        h.clock.advanceSeconds(4);
        assertEquals("v1", text(h, "/f"), "stale but not expired");
        h.background.drain();
        assertEquals("v2", text(h, "/f"));
        h.clock.advanceSeconds(5);
        assertEquals("v3", text(h, "/f"), "past expire: never served, computed at once");
    }

    // -----------------------------------------------------------------------------------------------------
    // Values: null, bytes, wrong types
    // -----------------------------------------------------------------------------------------------------

    @Test
    void nullResultIsCachedDistinctlyFromAbsent() {
        App app = App.create();
        CachedFunction<String> f = app.cachedText("f", (s, a) -> {
            computations.incrementAndGet();
            return null;
        }).revalidate(60);
        app.route("/f").get(req -> {
            String v = f.get(req);
            return Response.text(v == null ? "<null>" : "[" + v + "]");
        });
        var h = new IsrHarness(app);
        String key = DataCache.key("f", List.of());
        assertEquals("<null>", text(h, "/f"));
        assertEquals(CacheLookup.State.MISS, h.cacheHandler.get(key).state());
        h.background.drain();
        assertEquals(CacheLookup.State.FRESH, h.cacheHandler.get(key).state(), "null is stored");
        assertEquals("null", stored(h, key).value().headers().get(DataCache.KIND_HEADER));
        for (int i = 0; i < 3; i++) {
            assertEquals("<null>", text(h, "/f"));
        }
        assertEquals(1, computations.get(), "a cached null is not recomputed");
    }

    @Test
    void emptyStringIsNotNull() {
        App app = App.create();
        CachedFunction<String> f = app.cachedText("f", (s, a) -> {
            computations.incrementAndGet();
            return "";
        });
        app.route("/f").get(req -> {
            String v = f.get(req);
            return Response.text(v == null ? "<null>" : "[" + v + "]");
        });
        var h = new IsrHarness(app);
        assertEquals("[]", text(h, "/f"));
        h.background.drain();
        assertEquals("[]", text(h, "/f"));
        assertEquals(1, computations.get());
    }

    @Test
    void nullBytesResultIsCachedToo() {
        App app = App.create();
        CachedFunction<byte[]> f = app.cachedBytes("blob", (s, a) -> {
            computations.incrementAndGet();
            return null;
        });
        app.route("/blob").get(req -> Response.text(f.get(req) == null ? "<null>" : "bytes"));
        var h = new IsrHarness(app);
        assertEquals("<null>", text(h, "/blob"));
        h.background.drain();
        assertEquals("<null>", text(h, "/blob"));
        assertEquals(1, computations.get());
    }

    private static byte[] everyByte() {
        byte[] b = new byte[512];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    @Test
    void bytesFunctionRoundTripsEveryByteValue() {
        App app = App.create();
        CachedFunction<byte[]> f = app.cachedBytes("blob", (s, a) -> {
            computations.incrementAndGet();
            return everyByte();
        });
        var seen = new ArrayList<byte[]>();
        app.route("/blob").get(req -> {
            byte[] v = f.get(req);
            seen.add(v);
            return Response.bytes(v, "application/octet-stream");
        });
        var h = new IsrHarness(app);
        assertArrayEquals(everyByte(), h.get("/blob").body().bytes());
        h.background.drain();
        assertArrayEquals(everyByte(), h.get("/blob").body().bytes());
        assertEquals(1, computations.get());
        assertArrayEquals(everyByte(), seen.get(1), "the cached bytes as the handler receives them");
        var entry = stored(h, DataCache.key("blob", List.of()));
        assertEquals("bytes", entry.value().headers().get(DataCache.KIND_HEADER));
    }

    @Test
    void textFunctionRoundTripsUnicode() {
        String value = "€ 𝄞 ü 中文 \u0000 \r\n";
        App app = App.create();
        CachedFunction<String> f = app.cachedText("f", (s, a) -> {
            computations.incrementAndGet();
            return value;
        });
        var seen = new AtomicReference<String>();
        app.route("/f").get(req -> {
            seen.set(f.get(req));
            return Response.text("ok");
        });
        var h = new IsrHarness(app);
        text(h, "/f");
        h.background.drain();
        text(h, "/f");
        assertEquals(1, computations.get());
        assertEquals(value, seen.get());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Test
    void textFunctionReturningANonStringIsAnError() {
        App app = App.create();
        CachedFunction.Computation raw = (scope, args) -> 42;
        CachedFunction<String> f = app.cachedText("f", raw);
        app.route("/f").get(req -> Response.text(f.get(req)));
        var h = new IsrHarness(app);
        assertEquals(500, h.get("/f").status());
        assertTrue(h.log.hasError("handler for GET /f", "cached function 'f' returned java.lang.Integer; it must "
                + "return String"), h.log::toString);
        h.background.drain();
        assertEquals(CacheLookup.State.MISS, h.cacheHandler.get(DataCache.key("f", List.of())).state(),
                "nothing stored");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Test
    void bytesFunctionReturningAStringIsAnError() {
        App app = App.create();
        CachedFunction.Computation raw = (scope, args) -> "text";
        CachedFunction<byte[]> f = app.cachedBytes("b", raw);
        var caught = new AtomicReference<Exception>();
        app.route("/b").get(req -> {
            try {
                f.get(req);
            } catch (Exception e) {
                caught.set(e);
            }
            return Response.text("handled");
        });
        var h = new IsrHarness(app);
        assertEquals("handled", text(h, "/b"));
        assertTrue(caught.get() instanceof IllegalStateException, String.valueOf(caught.get()));
        assertEquals("cached function 'b' returned java.lang.String; it must return byte[]",
                caught.get().getMessage());
    }

    @Test
    void computationExceptionReachesTheCallerAndNothingIsStored() {
        App app = App.create();
        CachedFunction<String> f = app.cachedText("f", (s, a) -> {
            computations.incrementAndGet();
            throw new java.io.IOException("source unreachable");
        });
        var h = single(app, f);
        assertEquals(500, h.get("/f").status());
        assertTrue(h.log.hasError("source unreachable"), h.log::toString);
        assertEquals(0, h.background.pending());
        assertEquals(500, h.get("/f").status());
        assertEquals(2, computations.get(), "a failure is not cached");
    }

    @Test
    void storedEntryOfTheWrongKindIsRecomputedWithAWarning() {
        App app = App.create();
        CachedFunction<String> f = app.cachedText("f", (s, a) -> "v" + computations.incrementAndGet());
        var h = single(app, f);
        String key = DataCache.key("f", List.of());
        h.cacheHandler.set(key, new CacheValue(200, Headers.of(DataCache.KIND_HEADER, "bytes"), Body.of("raw")),
                new CacheHandler.SetOptions(60, 120, List.of())).await();
        assertEquals("v1", text(h, "/f"));
        assertTrue(h.log.hasWarning("data cache entry " + CacheKeys.storageKey(key) + " is unreadable"),
                h.log::toString);
        h.background.drain();
        assertEquals("v1", text(h, "/f"));
        assertEquals(1, computations.get());
    }

    // -----------------------------------------------------------------------------------------------------
    // Lifetimes and tags chosen by the declaration and by the computation
    // -----------------------------------------------------------------------------------------------------

    @Test
    void profileOfTheDeclarationSetsRevalidateAndExpire() {
        var h = priceHarness();
        text(h, "/price/1");
        h.background.drain();
        var e = stored(h, priceKey("1"));
        assertEquals(T0, e.lastModified());
        assertEquals(T0 + 60_000, e.revalidateAt());
        assertEquals(T0 + 3_600_000, e.expireAt());
        assertEquals(List.of("prices", "price-1"), e.tags(), "tag templates resolved with the arguments");
    }

    @Test
    void withoutProfileOrRevalidateTheDefaultProfileApplies() {
        App app = App.create();
        CachedFunction<String> f = app.cachedText("f", (s, a) -> "v");
        var h = single(app, f);
        text(h, "/f");
        h.background.drain();
        var e = stored(h, DataCache.key("f", List.of()));
        assertEquals(T0 + 900_000, e.revalidateAt());
        assertEquals(T0 + CacheProfile.NEVER * 1000, e.expireAt());
    }

    @Test
    void plainRevalidateKeepsTheAppsExpire() {
        App app = App.create().expire(7200);
        CachedFunction<String> f = app.cachedText("f", (s, a) -> "v").revalidate(120);
        var h = single(app, f);
        text(h, "/f");
        h.background.drain();
        var e = stored(h, DataCache.key("f", List.of()));
        assertEquals(T0 + 120_000, e.revalidateAt());
        assertEquals(T0 + 7_200_000, e.expireAt());
    }

    @Test
    void customProfileOnACachedFunction() {
        App app = App.create().cacheProfile("brief", 0, 2, 30);
        CachedFunction<String> f = app.cachedText("f", (s, a) -> "v").cacheLife("brief");
        var h = single(app, f);
        text(h, "/f");
        h.background.drain();
        var e = stored(h, DataCache.key("f", List.of()));
        assertEquals(T0 + 2_000, e.revalidateAt());
        assertEquals(T0 + 30_000, e.expireAt());
    }

    @Test
    void cacheLifeInsideTheComputationAppliesToThatEntry() {
        App app = App.create();
        CachedFunction<String> f = app.cachedText("f", (scope, args) -> {
            scope.cacheLife(args.get(0));
            return "v";
        }).cacheLife("minutes");
        app.route("/f/{profile}").get(req -> Response.text(f.get(req, req.param("profile"))));
        var h = new IsrHarness(app);
        text(h, "/f/hours");
        text(h, "/f/seconds");
        text(h, "/f/minutes");
        h.background.drain();
        var hours = stored(h, DataCache.key("f", List.of("hours")));
        assertEquals(T0 + 3_600_000, hours.revalidateAt());
        assertEquals(T0 + 86_400_000, hours.expireAt());
        var seconds = stored(h, DataCache.key("f", List.of("seconds")));
        assertEquals(T0 + 1_000, seconds.revalidateAt());
        assertEquals(T0 + 60_000, seconds.expireAt());
        var minutes = stored(h, DataCache.key("f", List.of("minutes")));
        assertEquals(T0 + 60_000, minutes.revalidateAt());
        assertEquals(T0 + 3_600_000, minutes.expireAt());
    }

    @Test
    void cacheLifeInsideTheComputationWithACustomProfile() {
        App app = App.create().cacheProfile("tiny", 0, 3, 9);
        CachedFunction<String> f = app.cachedText("f", (scope, args) -> {
            scope.cacheLife("tiny");
            return "v";
        });
        var h = single(app, f);
        text(h, "/f");
        h.background.drain();
        var e = stored(h, DataCache.key("f", List.of()));
        assertEquals(T0 + 3_000, e.revalidateAt());
        assertEquals(T0 + 9_000, e.expireAt());
    }

    @Test
    void revalidateInsideTheComputationKeepsTheProfilesExpire() {
        App app = App.create();
        CachedFunction<String> f = app.cachedText("f", (scope, args) -> {
            scope.revalidate(30);
            return "v";
        }).cacheLife("minutes");
        var h = single(app, f);
        text(h, "/f");
        h.background.drain();
        var e = stored(h, DataCache.key("f", List.of()));
        assertEquals(T0 + 30_000, e.revalidateAt());
        assertEquals(T0 + 3_600_000, e.expireAt());
    }

    @Test
    void unknownProfileInsideTheComputationFailsListingKnownProfiles() {
        App app = App.create();
        CachedFunction<String> f = app.cachedText("f", (scope, args) -> {
            scope.cacheLife("fortnight");
            return "v";
        });
        var h = single(app, f);
        assertEquals(500, h.get("/f").status());
        assertTrue(h.log.hasError("unknown cache profile 'fortnight'", "known profiles: default, seconds"),
                h.log::toString);
    }

    @Test
    void invalidRevalidateInsideTheComputationFails() {
        App app = App.create();
        CachedFunction<String> f = app.cachedText("f", (scope, args) -> {
            scope.revalidate(0);
            return "v";
        });
        var h = single(app, f);
        assertEquals(500, h.get("/f").status());
        assertTrue(h.log.hasError("revalidate must be at least 1 second, got 0"), h.log::toString);
    }

    @Test
    void cacheTagInsideTheComputationAddsTags() {
        App app = App.create();
        CachedFunction<String> f = app.cachedText("price", (scope, args) -> {
            scope.cacheTag("product-" + args.get(0), "catalog");
            scope.cacheTag("catalog"); // once is enough
            return "v";
        }).tags("prices");
        app.route("/p/{id}").get(req -> Response.text(f.get(req, req.param("id"))));
        var h = new IsrHarness(app);
        text(h, "/p/7");
        h.background.drain();
        assertEquals(List.of("prices", "product-7", "catalog"), stored(h, DataCache.key("price", List.of("7"))).tags());
    }

    @Test
    void invalidTagInsideTheComputationFails() {
        App app = App.create();
        CachedFunction<String> f = app.cachedText("f", (scope, args) -> {
            scope.cacheTag("no:colons");
            return "v";
        });
        var h = single(app, f);
        assertEquals(500, h.get("/f").status());
        assertTrue(h.log.hasError("Invalid cache tag 'no:colons'"), h.log::toString);
    }

    @Test
    void tagTemplateResolvingToAnInvalidTagIsDropped() {
        var h = priceHarness();
        text(h, "/price/a%3Ab"); // "price-a:b" would contain the reserved ':'
        h.background.drain();
        assertEquals(List.of("prices"), stored(h, priceKey("a:b")).tags());
    }

    @Test
    void scopeSeesItsArgumentsAndTheRequestsEnv() {
        Env env = IsrHarness.env(java.util.Map.of("REGION", "eu"));
        var seenArgs = new AtomicReference<List<String>>();
        App app = App.create();
        CachedFunction<String> f = app.cachedText("f", (scope, args) -> {
            seenArgs.set(scope.args());
            return scope.env().var("REGION") + ":" + String.join("+", args);
        });
        app.route("/f/{a}/{b}").get(req -> Response.text(f.get(req, req.param("a"), req.param("b"))));
        var h = new IsrHarness(app);
        var r = h.send(Request.builder("GET", IsrHarness.ORIGIN + "/f/x/y").env(env).build());
        assertEquals("eu:x+y", r.text());
        assertEquals(List.of("x", "y"), seenArgs.get());
        assertThrows(UnsupportedOperationException.class, () -> seenArgs.get().add("z"), "args are read-only");
    }

    @Test
    void nullArgumentThroughACachedFunctionIsComputedAndCached() {
        App app = App.create();
        CachedFunction<String> f = app.cachedText("search", (scope, args) -> {
            computations.incrementAndGet();
            return "q=" + args.get(0);
        });
        // A query parameter that is absent is null: a natural way to end up with a null argument.
        app.route("/search").get(req -> Response.text(f.get(req, req.queryParam("q"))));
        var h = new IsrHarness(app);
        Response first = h.get("/search");
        assertEquals(200, first.status(), () -> first.text() + "\n" + h.log);
        assertEquals("q=null", first.text());
        h.background.drain();
        assertEquals("q=null", text(h, "/search"));
        assertEquals(1, computations.get());
    }

    // -----------------------------------------------------------------------------------------------------
    // revalidateTag
    // -----------------------------------------------------------------------------------------------------

    @Test
    void hardRevalidateTagRecomputesOnTheNextCall() {
        var h = priceHarness();
        assertEquals("price-1#1", text(h, "/price/1"));
        assertEquals("price-2#2", text(h, "/price/2"));
        h.background.drain();
        h.clock.advanceSeconds(1);
        revalidateTag(h, "prices", null);
        h.clock.advanceMillis(1);
        assertEquals("price-1#3", text(h, "/price/1"), "recomputed in the foreground, not served stale");
        assertEquals("price-2#4", text(h, "/price/2"));
        h.background.drain();
        assertEquals("price-1#3", text(h, "/price/1"));
        assertEquals(4, computations.get());
    }

    @Test
    void hardRevalidateOfAnArgumentTagTouchesOnlyThatEntry() {
        var h = priceHarness();
        text(h, "/price/1");
        text(h, "/price/2");
        h.background.drain();
        h.clock.advanceSeconds(1);
        revalidateTag(h, "price-2", null);
        h.clock.advanceMillis(1);
        assertEquals("price-1#1", text(h, "/price/1"));
        assertEquals("price-2#3", text(h, "/price/2"));
    }

    @Test
    void softRevalidateTagServesStaleOnceThenTheRecomputedValue() {
        var h = priceHarness();
        text(h, "/price/1");
        h.background.drain();
        h.clock.advanceSeconds(1);
        revalidateTag(h, "prices", "max");
        h.clock.advanceMillis(1);
        assertEquals("price-1#1", text(h, "/price/1"), "soft: the stale value, at once");
        assertEquals(1, computations.get());
        assertTrue(h.dispatcher.dataCache().isRecomputing(priceKey("1")));
        h.background.drain();
        assertEquals(2, computations.get());
        assertEquals("price-1#2", text(h, "/price/1"));
        assertEquals(0, h.background.pending(), "fresh again: nothing more queued");
    }

    // -----------------------------------------------------------------------------------------------------
    // Misuse and a broken cache
    // -----------------------------------------------------------------------------------------------------

    @Test
    void aCachedFunctionOutsideARunningAppSaysSo() {
        App app = App.create();
        CachedFunction<String> f = app.cachedText("f", (s, a) -> "v");
        Request bare = Request.builder("GET", IsrHarness.ORIGIN + "/").build();
        var e = assertThrows(IllegalStateException.class, () -> f.get(bare));
        assertTrue(e.getMessage().contains("the data cache is not available outside a running app"), e.getMessage());
    }

    @Test
    void aForeignCacheScopeIsRejected() {
        CacheScope foreign = new CacheScope() {
            @Override
            public void cacheLife(String profile) {
            }

            @Override
            public void revalidate(long seconds) {
            }

            @Override
            public void cacheTag(String... tags) {
            }

            @Override
            public List<String> args() {
                return List.of();
            }

            @Override
            public Env env() {
                return Env.NONE;
            }
        };
        CachedFunction<String> f = App.create().cachedText("f", (s, a) -> "v");
        var e = assertThrows(IllegalArgumentException.class, () -> f.get(foreign));
        assertTrue(e.getMessage().contains("not created by isr4j"), e.getMessage());
    }

    /** A harness whose cache handler's reads and writes can be made to fail. */
    private IsrHarness failing(AtomicReference<FaultyCacheHandler> cache) {
        App app = App.create();
        CachedFunction<String> f = app.cachedText("f", (s, a) -> "v" + computations.incrementAndGet());
        app.route("/f").get(req -> Response.text(f.get(req)));
        return new IsrHarness(app, clock -> {
            cache.set(new FaultyCacheHandler(clock));
            return cache.get();
        });
    }

    @Test
    void aStaleReadWhileTheRecomputedValueIsBeingWrittenStartsNoSecondRecomputation() {
        var cache = new AtomicReference<FaultyCacheHandler>();
        var h = failing(cache);
        String key = DataCache.key("f", List.of());
        assertEquals("v1", text(h, "/f"));
        h.background.drain();
        h.clock.advanceSeconds(900); // the default profile's revalidate
        var during = new ArrayList<String>();
        cache.get().beforeSet = () -> {
            cache.get().beforeSet = null;
            // The recomputed value is computed, its write not yet landed: the stale entry is still what is read.
            during.add(h.get("/f").text());
            during.add("recomputing=" + h.dispatcher.dataCache().isRecomputing(key));
        };
        assertEquals("v1", text(h, "/f"));
        h.background.drain();
        assertEquals(List.of("v1", "recomputing=true"), during,
                "the key is held until the recomputed value is stored");
        assertEquals(2, computations.get(), "a stale read that came before the recomputation's write landed "
                + "started a second recomputation");
        assertEquals("v2", text(h, "/f"));
    }

    @Test
    void cacheReadFailureComputesDirectlyWithoutAnException() {
        var cache = new AtomicReference<FaultyCacheHandler>();
        var h = failing(cache);
        text(h, "/f");
        h.background.drain();
        cache.get().getThrows = true;
        Response r = h.get("/f");
        assertEquals(200, r.status());
        assertEquals("v2", r.text(), "computed directly");
        assertTrue(h.log.hasError("data cache read failed for data:f:", "storage unreachable"), h.log::toString);
        h.background.drain();
        cache.get().getThrows = false;
        assertEquals("v2", text(h, "/f"), "the directly computed value was still written");
    }

    @Test
    void cacheReadReturningNullComputesDirectlyWithoutAnException() {
        var cache = new AtomicReference<FaultyCacheHandler>();
        var h = failing(cache);
        cache.get().getReturnsNull = true;
        Response r = h.get("/f");
        assertEquals(200, r.status(), () -> "a handler returning a null lookup broke the request: " + h.log);
        assertEquals("v1", r.text());
    }

    @Test
    void corruptEntryIsComputedDirectly() {
        var cache = new AtomicReference<FaultyCacheHandler>();
        var h = failing(cache);
        cache.get().getCorrupt = true;
        assertEquals("v1", text(h, "/f"));
        h.background.drain(); // until v1's write has landed, a caller would be handed v1 (request collapsing)
        assertEquals("v2", text(h, "/f"));
    }

    @Test
    void cacheWriteFailuresCostTheCacheNotTheResponse() {
        var cache = new AtomicReference<FaultyCacheHandler>();
        var h = failing(cache);
        cache.get().setThrows = true;
        assertEquals("v1", text(h, "/f"));
        h.background.drain();
        assertTrue(h.log.hasError("data:f:", "set refused"), h.log::toString);
        cache.get().setThrows = false;
        cache.get().awaitThrows = true;
        assertEquals("v2", text(h, "/f"));
        h.background.drain();
        assertTrue(h.log.hasError("data:f:", "write lost"), h.log::toString);
        cache.get().awaitThrows = false;
        assertEquals("v3", text(h, "/f"));
        h.background.drain();
        assertEquals("v3", text(h, "/f"));
    }

    @Test
    void unschedulableRecomputationIsLoggedAndFreesTheKey() {
        App app = App.create();
        CachedFunction<String> f = app.cachedText("f", (s, a) -> "v" + computations.incrementAndGet())
                .revalidate(5);
        app.route("/f").get(req -> Response.text(f.get(req)));
        var h = new IsrHarness(app);
        text(h, "/f");
        h.background.drain();
        h.clock.advanceSeconds(5);
        var refusing = new AtomicBoolean(true);
        dev.isr4j.api.BackgroundWork broken = task -> {
            if (refusing.get()) {
                throw new IllegalStateException("waitUntil unavailable");
            }
            h.background.submit(task);
        };
        Response r = h.dispatcher.handle(Request.builder("GET", IsrHarness.ORIGIN + "/f").build(), broken);
        assertEquals("v1", r.text());
        assertTrue(h.log.hasError("data:f:", "waitUntil unavailable"), h.log::toString);
        assertFalse(h.dispatcher.dataCache().isRecomputing(DataCache.key("f", List.of())));
        refusing.set(false);
        assertEquals("v1", h.dispatcher.handle(Request.builder("GET", IsrHarness.ORIGIN + "/f").build(), broken)
                .text());
        h.background.drain();
        assertEquals("v2", text(h, "/f"));
    }
}
