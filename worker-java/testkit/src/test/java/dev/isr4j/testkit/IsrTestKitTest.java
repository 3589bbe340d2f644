package dev.isr4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.Json;
import dev.isr4j.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IsrTestKitTest {
    /** A route that calls an upstream API through the portable fetcher and parses it with the portable JSON. */
    private static App weatherApp() {
        App app = App.create();
        app.route("/weather/{city}").revalidate(300).tags("weather").get(req -> {
            Response upstream = req.env().fetcher().get("https://api.example.com/weather/" + req.param("city"));
            @SuppressWarnings("unchecked")
            Map<String, Object> data = (Map<String, Object>) req.env().json().parse(upstream.text());
            return Response.json(Json.object().put("city", req.param("city"))
                    .put("celsius", ((Number) data.get("c")).longValue())
                    .put("at", req.env().clock().millis()));
        });
        app.route("/secret").get(req -> Response.text(String.valueOf(req.env().var("API_KEY"))));
        return app;
    }

    @Test
    void aRouteIsTestedInAFewLinesWithAStubbedUpstreamAndAMovingClock() {
        var kit = IsrTestKit.start(weatherApp());
        kit.fetcher().stub("https://api.example.com/weather/oslo", Response.json("{\"c\": 3}"));
        assertEquals("MISS", kit.get("/weather/oslo").cacheState());
        assertEquals(1, kit.drain());
        kit.fetcher().stub("https://api.example.com/weather/oslo", Response.json("{\"c\": 5}"));
        assertEquals(3L, kit.get("/weather/oslo").json().get("celsius"));
        kit.clock().advanceSeconds(300);
        var stale = kit.get("/weather/oslo");
        assertEquals("STALE", stale.cacheState());
        assertEquals(3L, stale.json().get("celsius"));
        kit.drain();
        var fresh = kit.get("/weather/oslo");
        assertEquals("HIT", fresh.cacheState());
        assertEquals(5L, fresh.json().get("celsius"));
        assertEquals(2, kit.fetcher().requests().size());
    }

    /** As in workerd: once this isolate knows an entry's tags, a fresh HIT is answered at once, the same HIT. */
    @Test
    void hitsAndStaleAnswersAreAnsweredAtOnceAsInWorkerd() {
        var kit = IsrTestKit.start(weatherApp());
        kit.fetcher().stub("https://api.example.com/weather/oslo", Response.json("{\"c\": 3}"));
        assertEquals("MISS", kit.get("/weather/oslo").cacheState());
        assertEquals(0, kit.answeredAtOnce(), "a MISS renders on the full path");
        kit.drain();
        var first = kit.get("/weather/oslo"); // its tag records are read first, then it is answered at once
        assertEquals("HIT", first.cacheState());
        assertEquals(1, kit.answeredAtOnce());
        var again = kit.get("/weather/oslo");
        assertEquals(2, kit.answeredAtOnce());
        assertEquals("HIT", again.cacheState());
        assertEquals(first.header("etag"), again.header("etag"));
        assertEquals(first.text(), again.text());
        kit.clock().advanceSeconds(300);
        kit.fetcher().stub("https://api.example.com/weather/oslo", Response.json("{\"c\": 4}"));
        var stale = kit.get("/weather/oslo");
        assertEquals("STALE", stale.cacheState());
        assertEquals(first.text(), stale.text());
        assertEquals(3, kit.answeredAtOnce(), "a stale entry is answered at once too, its regeneration queued");
        kit.drain();
        var renewed = kit.get("/weather/oslo");
        assertEquals("HIT", renewed.cacheState());
        assertTrue(renewed.text().contains("4"), renewed.text());
    }

    @Test
    void theCacheLivesInTheKvFakeInTheProductionFormat() {
        var kit = IsrTestKit.start(weatherApp());
        kit.fetcher().stub("https://api.example.com/weather/rome", Response.json("{\"c\": 20}"));
        kit.get("/weather/rome");
        kit.drain();
        var stored = kit.kvStore("CACHE_KV").getWithMetadata("cache:app:/weather/rome:route");
        assertTrue(stored.metadata().contains("\"t\":[\"weather\",\"path:/weather/rome\",\"layout:/\",\"layout:/weather\",\"layout:/weather/rome\"]"), stored.metadata());
    }

    @Test
    void withoutCacheKvTheCacheIsInMemoryAndThatIsLogged() {
        var kit = IsrTestKit.builder(weatherApp()).withoutCacheKv().build();
        assertTrue(kit.logs().stream().anyMatch(l -> l.contains("no CACHE_KV")), kit.logs()::toString);
        assertThrows(IllegalArgumentException.class, () -> kit.kvStore("CACHE_KV"));
    }

    @Test
    void varsAndSecretsComeFromTheBuilder() {
        var kit = IsrTestKit.builder(weatherApp()).var("API_KEY", "k-123").build();
        assertEquals("k-123", kit.get("/secret").text());
        assertEquals("null", IsrTestKit.start(weatherApp()).get("/secret").text());
    }

    @Test
    void anUnstubbedUpstreamFailsTheHandlerWithA500NamingTheUrl() {
        var kit = IsrTestKit.start(weatherApp());
        assertEquals(500, kit.get("/weather/paris").status());
        assertTrue(kit.logs().stream().anyMatch(l -> l.contains("no stub for GET https://api.example.com/weather/paris")),
                kit.logs()::toString);
    }

    @Test
    void jacksonCodecNormalisesNumbersLikeTheWasmBuild() {
        var parsed = JacksonJsonCodec.INSTANCE.parse("{\"a\":1,\"b\":1.5,\"c\":[true,null,\"x\"]}");
        assertEquals(Map.of("a", 1L, "b", 1.5, "c", java.util.Arrays.asList(true, null, "x")), parsed);
        assertEquals("{\"k\":[1,2]}", JacksonJsonCodec.INSTANCE.stringify(Map.of("k", List.of(1, 2))));
        assertThrows(IllegalArgumentException.class, () -> JacksonJsonCodec.INSTANCE.parse("{nope"));
    }

    record Supplier(String name, String country) {
    }

    @Test
    void aValueWorkerdCannotWriteFailsInTheKitToo() {
        // Jackson-jr would write any record by reflection; the Wasm build cannot, so neither may the kit
        var e = assertThrows(IllegalArgumentException.class,
                () -> JacksonJsonCodec.INSTANCE.stringify(Map.of("supplier", new Supplier("ACME", "DE"))));
        assertTrue(e.getMessage().contains("cannot bind " + Supplier.class.getName()), e.getMessage());
        for (Object unwritable : List.of(java.util.Optional.of(new Supplier("a", "b")), Map.of(1, "numeric key"),
                List.of(Double.NaN))) {
            assertThrows(IllegalArgumentException.class, () -> JacksonJsonCodec.INSTANCE.stringify(unwritable),
                    unwritable::toString);
        }
        assertEquals("{\"at\":\"2026-12-07T10:00:00Z\",\"tags\":[\"a\",\"b\"]}", JacksonJsonCodec.INSTANCE.stringify(
                new java.util.TreeMap<>(Map.of("at", java.time.Instant.parse("2026-12-07T10:00:00Z"), "tags", java.util.Set.of("b", "a")))));
    }

    @Test
    void theClockOnlyMovesForward() {
        var clock = new TestClock(1000);
        clock.advanceMillis(5);
        assertEquals(1005, clock.millis());
        assertThrows(IllegalArgumentException.class, () -> clock.advance(java.time.Duration.ofMillis(-1)));
        assertNull(IsrTestKit.start(weatherApp()).request("GET", "/secret").send().cacheState());
    }
}
