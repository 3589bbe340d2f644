package dev.isr4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.api.KvCacheOptions;
import dev.isr4j.json.JsonReader;
import dev.isr4j.store.CacheKeys;
import dev.isr4j.store.KvEntryFormat;
import dev.isr4j.App;
import dev.isr4j.CachedFunction;
import dev.isr4j.Response;
import dev.isr4j.api.KvStore;
import dev.isr4j.cache.KvCacheHandler;
import dev.isr4j.testing.IsrHarness;
import dev.isr4j.testing.KvHarness;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Data cache entries in Workers KV (the real KvCacheHandler over the in-memory namespace). */
class DataCacheKvTest {
    private static final long T0 = IsrHarness.T0;
    private final AtomicInteger computations = new AtomicInteger();

    private static byte[] everyByte() {
        byte[] b = new byte[256];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    private KvHarness harness(KvCacheOptions options) {
        App app = App.create();
        CachedFunction<String> price = app.cachedText("price",
                (scope, args) -> "price-" + args.get(0) + "#" + computations.incrementAndGet())
                .cacheLife("minutes").tags("prices", "price-{0}");
        CachedFunction<byte[]> blob = app.cachedBytes("blob", (scope, args) -> {
            computations.incrementAndGet();
            return everyByte();
        });
        CachedFunction<String> nothing = app.cachedText("nothing", (scope, args) -> {
            computations.incrementAndGet();
            return null;
        });
        app.route("/price/{id}").get(req -> Response.text(price.get(req, req.param("id"))));
        app.route("/blob").get(req -> Response.bytes(blob.get(req), "application/octet-stream"));
        app.route("/nothing").get(req -> Response.text(String.valueOf(nothing.get(req))));
        app.route("/revalidate/{tag}").post(req -> {
            req.revalidator().tag(req.param("tag"));
            return Response.text("ok");
        });
        return new KvHarness(app, options);
    }

    private KvHarness harness() {
        return harness(KvCacheOptions.defaults());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> meta(KvStore.Stored stored) {
        return (Map<String, Object>) JsonReader.parse(stored.metadata());
    }

    @Test
    void dataEntryLivesUnderCacheDataNameHashWithKindData() {
        var h = harness();
        assertEquals("price-1#1", h.get("/price/1").text());
        h.background.drain();
        String kvKey = "cache:" + CacheKeys.storageKey(DataCache.key("price", List.of("1")));
        assertEquals("cache:data:price:183f1c00690258ad", kvKey);
        assertEquals(List.of(kvKey), h.memory.keys());
        KvStore.Stored stored = h.memory.getWithMetadata(kvKey);
        assertNotNull(stored);
        Map<String, Object> m = meta(stored);
        assertEquals(2L, m.get("v"));
        assertEquals(DataCache.key("price", List.of("1")), m.get("id"));
        assertEquals("data", m.get("k"));
        assertEquals(200L, m.get("s"));
        assertEquals(T0, m.get("lm"));
        assertEquals(T0 + 60_000, m.get("ra"));
        assertEquals(T0 + 3_600_000, m.get("ea"));
        assertEquals(List.of("prices", "price-1"), m.get("t"));
        assertEquals(List.of(List.of("x-isr-data", "text")), m.get("h"));
        assertEquals("price-1#1", new String(stored.value().bytes(), StandardCharsets.UTF_8));
        assertEquals("data", KvEntryFormat.kindOf(DataCache.key("price", List.of("1"))));
    }

    @Test
    void dataEntryIsReadBackFromKv() {
        var h = harness();
        h.get("/price/1");
        h.background.drain();
        assertEquals("price-1#1", h.get("/price/1").text());
        assertEquals("price-1#1", h.get("/price/1").text());
        assertEquals(1, computations.get());
    }

    @Test
    void appPrefixIsPrependedToDataKeys() {
        var h = harness(KvCacheOptions.defaults().withAppPrefix("shop:"));
        h.get("/price/1");
        h.background.drain();
        assertEquals(List.of("shop:cache:data:price:183f1c00690258ad"), h.memory.keys());
    }

    @Test
    void bytesRoundTripEveryByteValueThroughKv() {
        var h = harness();
        assertArrayEquals(everyByte(), h.get("/blob").body().bytes());
        h.background.drain();
        String kvKey = "cache:" + CacheKeys.storageKey(DataCache.key("blob", List.of()));
        assertArrayEquals(everyByte(), h.memory.getWithMetadata(kvKey).value().bytes(), "the KV value is the body");
        assertArrayEquals(everyByte(), h.get("/blob").body().bytes());
        assertEquals(1, computations.get());
    }

    @Test
    void nullIsStoredInKvAndNotRecomputed() {
        var h = harness();
        assertEquals("null", h.get("/nothing").text());
        h.background.drain();
        var stored = h.memory.getWithMetadata("cache:" + CacheKeys.storageKey(DataCache.key("nothing", List.of())));
        assertNotNull(stored, "null is an entry");
        assertEquals(0, stored.value().length());
        assertEquals(List.of(List.of("x-isr-data", "null")), meta(stored).get("h"));
        assertEquals("null", h.get("/nothing").text());
        assertEquals(1, computations.get());
    }

    @Test
    void staleInKvIsServedAndRecomputedOnce() {
        var h = harness();
        h.get("/price/1");
        h.background.drain();
        h.clock.advanceSeconds(60);
        for (int i = 0; i < 20; i++) {
            assertEquals("price-1#1", h.get("/price/1").text());
        }
        assertEquals(1, h.background.pending());
        h.background.drain();
        assertEquals("price-1#2", h.get("/price/1").text());
        assertEquals(2, computations.get());
    }

    @Test
    void tagRevalidationThroughKvInvalidatesTheDataEntry() {
        var h = harness();
        h.get("/price/1");
        h.get("/price/2");
        h.background.drain();
        h.clock.advanceSeconds(1);
        assertEquals(200, h.request("POST", "/revalidate/price-1").status());
        assertTrue(h.memory.contains("__tag:price-1"));
        h.clock.advanceMillis(1);
        assertEquals("price-1#3", h.get("/price/1").text());
        assertEquals("price-2#2", h.get("/price/2").text());
    }

    @Test
    void aRouteEntryStoredUnderADataKeyIsRecomputedNotMisread() {
        var h = harness();
        String kvKey = "cache:" + CacheKeys.storageKey(DataCache.key("price", List.of("1")));
        String routeMeta = "{\"v\":1,\"k\":\"route\",\"s\":200,\"h\":[[\"x-isr-data\",\"text\"]],\"lm\":" + T0
                + ",\"ra\":" + (T0 + 60_000) + ",\"ea\":" + (T0 + 3_600_000) + ",\"t\":[]}";
        h.memory.putRaw(kvKey, "forged".getBytes(StandardCharsets.UTF_8), routeMeta);
        assertEquals("price-1#1", h.get("/price/1").text());
        h.background.drain();
        assertEquals("data", meta(h.memory.getWithMetadata(kvKey)).get("k"), "the computed value replaced it");
        assertEquals("price-1#1", h.get("/price/1").text());
    }

    @Test
    void routeBoundedByDataInKv() {
        App app = App.create();
        CachedFunction<String> data = app.cachedText("data", (s, a) -> "d").revalidate(60).tags("data-tag");
        app.route("/page").revalidate(600).get(req -> Response.text(data.get(req)));
        var h = new KvHarness(app);
        assertEquals("s-maxage=60, stale-while-revalidate=" + (App.DEFAULT_EXPIRE_SECONDS - 60),
                h.get("/page").header("cache-control"));
        h.background.drain();
        var route = meta(h.memory.getWithMetadata(h.entryKey("/page")));
        assertEquals("route", route.get("k"));
        assertEquals(T0 + 60_000, route.get("ra"));
        assertEquals(List.of("path:/page", "layout:/", "layout:/page", "data-tag"), route.get("t"));
        assertTrue(h.memory.contains("cache:" + CacheKeys.storageKey(DataCache.key("data", List.of()))));
    }
}
