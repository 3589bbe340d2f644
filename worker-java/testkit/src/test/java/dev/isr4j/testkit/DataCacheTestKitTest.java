package dev.isr4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.CachedFunction;
import dev.isr4j.Json;
import dev.isr4j.Kv;
import dev.isr4j.Response;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The data cache as an app author tests it with the kit: a cached function over a "database" in KV,
 * revalidated by tag when the source changes (the shape of the example's /api/cached-data), and a short
 * custom profile that goes stale and recomputes once.
 */
class DataCacheTestKitTest {
    private static final String SOURCE_KEY = "test:source";
    private static final Pattern DATA_KEY = Pattern.compile("cache:data:source-data:[0-9a-f]{16}");

    private final AtomicInteger computations = new AtomicInteger();
    private final AtomicInteger briefComputations = new AtomicInteger();

    private App app() {
        App app = App.create();
        CachedFunction<String> source = app.cachedText("source-data", (scope, args) -> {
            Kv kv = scope.env().kv("CACHE_KV");
            String value = kv.getText(SOURCE_KEY);
            return Json.object()
                    .put("value", value == null ? "initial" : value)
                    .put("computedAt", scope.env().clock().millis())
                    .put("computations", computations.incrementAndGet())
                    .toJson();
        }).cacheLife("minutes").tags("data");
        app.route("/api/data")
                .get(req -> Response.json(source.get(req)))
                .post(req -> {
                    req.env().kv("CACHE_KV").put(SOURCE_KEY, req.text());
                    req.revalidator().tag("data");
                    return Response.json(Json.object().put("updated", req.text()));
                });
        app.route("/api/page").revalidate(600)
                .get(req -> Response.json(source.get(req)));

        app.cacheProfile("brief", 0, 1, 3600);
        CachedFunction<String> brief = app.cachedText("brief", (scope, args) -> Json.object()
                .put("computations", briefComputations.incrementAndGet()).toJson()).cacheLife("brief");
        app.route("/api/brief").get(req -> Response.json(brief.get(req)));
        return app;
    }

    private static long computationsOf(TestResponse r) {
        assertEquals(200, r.status(), r::toString);
        return (Long) r.json().get("computations");
    }

    @Test
    void aCachedFunctionIsComputedOnceAndReadFromKvAfterwards() {
        var kit = IsrTestKit.start(app());
        var first = kit.get("/api/data");
        assertEquals("initial", first.json().get("value"));
        assertEquals(1L, computationsOf(first));
        assertNull(first.cacheState(), "the route itself is not ISR");
        assertEquals(1, kit.drain(), "one background write: the data entry");
        assertEquals(1L, computationsOf(kit.get("/api/data")));
        assertEquals(1L, computationsOf(kit.get("/api/data")));
        assertEquals(0, kit.pendingBackgroundWork());
    }

    @Test
    void theDataEntryLivesInCacheKvWithKindData() {
        var kit = IsrTestKit.start(app());
        kit.get("/api/data");
        kit.drain();
        var store = kit.kvStore("CACHE_KV");
        List<String> dataKeys = store.keys().stream().filter(k -> k.startsWith("cache:data:")).toList();
        assertEquals(1, dataKeys.size(), store.keys()::toString);
        assertTrue(DATA_KEY.matcher(dataKeys.get(0)).matches(), dataKeys.get(0));
        var stored = store.getWithMetadata(dataKeys.get(0));
        assertNotNull(stored);
        assertTrue(stored.metadata().contains("\"k\":\"data\""), stored.metadata());
        assertTrue(stored.metadata().contains("\"t\":[\"data\"]"), stored.metadata());
        assertTrue(new String(stored.value().bytes(), java.nio.charset.StandardCharsets.UTF_8)
                .contains("\"computations\":1"));
    }

    @Test
    void changingTheSourceAndRevalidatingTheTagShowsTheNewValueOnTheNextCall() {
        var kit = IsrTestKit.start(app());
        kit.get("/api/data");
        kit.drain();
        kit.clock().advanceSeconds(1);
        var post = kit.post("/api/data", "updated value");
        assertEquals(200, post.status(), post::toString);
        kit.clock().advanceMillis(1);
        var next = kit.get("/api/data");
        assertEquals("updated value", next.json().get("value"));
        assertEquals(2L, computationsOf(next));
        kit.drain();
        var again = kit.get("/api/data");
        assertEquals("updated value", again.json().get("value"));
        assertEquals(2L, computationsOf(again), "cached again after the recomputation");
    }

    @Test
    void aStaleValueIsServedWhileOneRecomputationRuns() {
        var kit = IsrTestKit.start(app());
        assertEquals(1L, computationsOf(kit.get("/api/brief")));
        kit.drain();
        kit.clock().advanceSeconds(2);
        for (int i = 0; i < 30; i++) {
            assertEquals(1L, computationsOf(kit.get("/api/brief")), "stale value at once");
        }
        assertEquals(1, kit.pendingBackgroundWork(), "one recomputation for 30 stale reads");
        kit.drain();
        assertEquals(2L, computationsOf(kit.get("/api/brief")));
        assertEquals(2, briefComputations.get());
        assertTrue(kit.logs().isEmpty(), kit.logs()::toString);
    }

    @Test
    void anIsrRouteUsingTheDataIsBoundedByIt() {
        var kit = IsrTestKit.start(app());
        var miss = kit.get("/api/page");
        assertEquals("MISS", miss.cacheState());
        assertEquals("s-maxage=60, stale-while-revalidate=" + (App.DEFAULT_EXPIRE_SECONDS - 60),
                miss.cacheControl());
        kit.drain();
        assertEquals("HIT", kit.get("/api/page").cacheState());
        var route = kit.kvStore("CACHE_KV").getWithMetadata("cache:app:/api/page:route");
        assertTrue(route.metadata().contains("\"t\":[\"path:/api/page\",\"layout:/\",\"layout:/api\",\"layout:/api/page\",\"data\"]"), route.metadata());

        kit.clock().advanceSeconds(60);
        assertEquals("STALE", kit.get("/api/page").cacheState(), "stale after the data's 60 s, not 600 s");
        kit.drain();

        kit.clock().advanceSeconds(1);
        kit.post("/api/data", "v2");
        kit.clock().advanceMillis(1);
        var afterTag = kit.get("/api/page");
        assertEquals("MISS", afterTag.cacheState(), "the data's tag invalidates the route entry");
        assertEquals("v2", afterTag.json().get("value"));
    }
}
