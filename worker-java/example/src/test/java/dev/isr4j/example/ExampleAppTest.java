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
    static final String SECRET = "example-test-secret";
    static final String BEARER = "Bearer " + SECRET;

    private final IsrTestKit kit = IsrTestKit.builder(new ExampleApp().create())
            .var("ISR_REVALIDATE_SECRET", SECRET).build();

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
        assertEquals(200, kit.request("POST", "/api/posts/7").header("authorization", BEARER).send().status());
        assertEquals("MISS", kit.get("/api/posts/7").cacheState());
    }

    @Test
    void mutationAndKvRoutesRefuseAnonymousCallersAndChangeNothing() {
        kit.kv("CACHE_KV").put("greeting", "hello");
        kit.get("/api/posts/7");
        kit.get("/api/cached-data");
        kit.drain();
        int writes = kit.kvStore("CACHE_KV").writes();
        for (String auth : new String[] {null, "Bearer wrong", "Bearer " + SECRET + "x", SECRET}) {
            for (String[] call : new String[][] {{"POST", "/api/posts/7"}, {"POST", "/api/revalidate-path?path=/"},
                    {"POST", "/api/cached-data"}, {"GET", "/api/kv/greeting"}}) {
                var req = kit.request(call[0], call[1]).body("poisoned");
                if (auth != null) {
                    req.header("authorization", auth);
                }
                var r = req.send();
                assertEquals(401, r.status(), auth + " " + call[1]);
                assertEquals("Bearer", r.header("www-authenticate"));
                assertTrue(!r.text().contains("hello") && !r.text().contains(SECRET), r.text());
            }
        }
        kit.drain();
        assertEquals(writes, kit.kvStore("CACHE_KV").writes(), "nothing was written or revalidated");
        assertEquals("HIT", kit.get("/api/posts/7").cacheState());
        assertTrue(kit.get("/api/cached-data").text().contains("\"value\":\"initial\""));
    }

    @Test
    void withoutAConfiguredSecretTheGuardedRoutesFailClosedNamingTheSecret() {
        var open = IsrTestKit.start(new ExampleApp());
        for (String[] call : new String[][] {{"POST", "/api/posts/7"}, {"GET", "/api/kv/greeting"}}) {
            var r = open.request(call[0], call[1]).header("authorization", "Bearer ").send();
            assertEquals(403, r.status(), call[1]);
            assertTrue(r.text().contains("ISR_REVALIDATE_SECRET") && r.text().contains(".dev.vars"), r.text());
        }
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
        assertEquals("hello", kit.request("GET", "/api/kv/greeting").header("authorization", BEARER).send()
                .json().get("value"));
        assertEquals(404, kit.request("GET", "/api/kv/absent").header("authorization", BEARER).send().status());
    }

    @Test
    void dynamicRouteIsNeverCached() {
        var r = kit.request("GET", "/api/dynamic-data").header("user-agent", "junit").send();
        assertEquals("junit", r.json().get("userAgent"));
        assertNull(r.cacheState());
        assertEquals(0, kit.pendingBackgroundWork());
    }
}
