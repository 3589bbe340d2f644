package dev.isr4j.example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.testkit.IsrTestKit;
import org.junit.jupiter.api.Test;

/** The example app's routes, tested on the JVM through the test kit (milliseconds, no JS toolchain). */
class ExampleAppTest {
    private final IsrTestKit kit = IsrTestKit.start(new ExampleApp());

    @Test
    void postIsServedStaleAfterRevalidateAndFreshAfterRegeneration() {
        var first = kit.get("/api/posts/1");
        assertEquals("MISS", first.cacheState());
        kit.drain();
        assertEquals("HIT", kit.get("/api/posts/1").cacheState());
        kit.clock().advanceSeconds(61);
        var stale = kit.get("/api/posts/1");
        assertEquals("STALE", stale.cacheState());
        assertEquals(first.text(), stale.text());
        kit.drain();
        var fresh = kit.get("/api/posts/1");
        assertEquals("HIT", fresh.cacheState());
        assertNotEquals(first.json().get("timestamp"), fresh.json().get("timestamp"));
    }

    @Test
    void updatingAPostRevalidatesItsTag() {
        kit.get("/api/posts/7");
        kit.drain();
        assertEquals(200, kit.post("/api/posts/7", "").status());
        assertEquals("MISS", kit.get("/api/posts/7").cacheState());
    }

    @Test
    void largeBinaryBodyRoundTripsThroughTheKvCache() {
        kit.get("/api/large");
        kit.drain();
        var hit = kit.get("/api/large");
        assertEquals("HIT", hit.cacheState());
        assertArrayEquals(ExampleApp.large(), hit.bytes());
        assertTrue(kit.kvStore("CACHE_KV").contains("cache:app:/api/large:route"));
    }

    @Test
    void handlerReadsKvInBlockingStyle() {
        kit.kv("CACHE_KV").put("greeting", "hello");
        assertEquals("hello", kit.get("/api/kv/greeting").json().get("value"));
        assertEquals(404, kit.get("/api/kv/absent").status());
    }

    @Test
    void dynamicRouteIsNeverCached() {
        var r = kit.request("GET", "/api/dynamic-data").header("user-agent", "junit").send();
        assertEquals("junit", r.json().get("userAgent"));
        assertNull(r.cacheState());
        assertEquals(0, kit.pendingBackgroundWork());
    }
}
