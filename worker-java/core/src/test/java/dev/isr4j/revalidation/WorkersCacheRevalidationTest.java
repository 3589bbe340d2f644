package dev.isr4j.revalidation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.Headers;
import dev.isr4j.Json;
import dev.isr4j.PathType;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.api.WorkersCache;
import dev.isr4j.testing.IsrHarness;
import dev.isr4j.testing.RecordingLog;
import dev.isr4j.testing.RecordingWorkersCache;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A request that came through the Worker's edge cache (ctx.cache) has its revalidations reach that cache: hard ones
 * purge by tag, soft ones mark stale, in the background, beside the downstream purger, never failing the request.
 */
class WorkersCacheRevalidationTest {
    private final RecordingWorkersCache edge = new RecordingWorkersCache();
    private final List<List<String>> downstream = new ArrayList<>();

    private static App app() {
        App app = App.create();
        app.route("/api/posts/{id}").revalidate(60).tags("post-{id}", "posts")
                .get(req -> Response.json(Json.object().put("id", req.param("id"))))
                .post(req -> {
                    req.revalidator().tag("post-" + req.param("id"), req.queryParam("profile"));
                    return Response.status(204);
                });
        app.route("/api/path").post(req -> {
            boolean layout = "layout".equals(req.queryParam("type"));
            req.revalidator().path(req.queryParam("path"), layout ? PathType.LAYOUT : PathType.PAGE,
                    req.queryParam("profile"));
            return Response.status(204);
        });
        return app;
    }

    private static Response post(IsrHarness h, String pathAndQuery, WorkersCache edge) {
        return h.dispatcher.handle(Request.builder("POST", IsrHarness.ORIGIN + pathAndQuery).build(), h.background,
                null, edge);
    }

    @Test
    void aHardTagRevalidationPurgesTheTagFromTheEdgeAfterTheResponse() {
        var h = new IsrHarness(app());
        String cacheTag = h.get("/api/posts/1").header("cache-tag");
        h.background.drain();
        assertEquals(204, post(h, "/api/posts/1", edge).status());
        assertEquals(List.of(), edge.calls(), "in the background, not before the answer");
        h.background.drain();
        assertEquals(List.of("purge [post-1]"), edge.calls());
        assertTrue(List.of(cacheTag.split(",")).contains("post-1"), cacheTag);
        assertEquals("MISS", h.get("/api/posts/1").header("x-isr-cache"), "and isr4j's own cache was revalidated");
    }

    @Test
    void aSoftTagRevalidationMarksTheTagStaleAtTheEdge() {
        var h = new IsrHarness(app());
        h.get("/api/posts/2");
        h.background.drain();
        post(h, "/api/posts/2?profile=max", edge);
        h.background.drain();
        assertEquals(List.of("invalidate [post-2]"), edge.calls());
        assertEquals("STALE", h.get("/api/posts/2").header("x-isr-cache"));
    }

    @Test
    void pathAndLayoutRevalidationsReachTheEdgeAsThePathsAndTheLayoutsTag() {
        var h = new IsrHarness(app());
        String cacheTag = h.get("/api/posts/3").header("cache-tag");
        post(h, "/api/path?path=/api/posts/3", edge);
        post(h, "/api/path?path=/api/posts&type=layout", edge);
        post(h, "/api/path?path=/api/posts/3&profile=max", edge);
        h.background.drain();
        assertEquals(List.of("purge [path:/api/posts/3]", "purge [layout:/api/posts]",
                "invalidate [path:/api/posts/3]"), edge.calls());
        var carried = List.of(cacheTag.split(","));
        assertTrue(carried.contains("path:/api/posts/3") && carried.contains("layout:/api/posts"), cacheTag);
    }

    @Test
    void theRevalidationEndpointReachesTheEdgeHardAndSoft() {
        var h = new IsrHarness(app());
        var env = IsrHarness.env(Map.of("ISR_REVALIDATE_SECRET", "s"));
        for (String body : List.of("{\"tags\":[\"posts\"],\"paths\":[\"/api/posts/4\"]}",
                "{\"tags\":[\"posts\"],\"profile\":\"max\"}")) {
            var r = h.dispatcher.handle(Request.builder("POST", IsrHarness.ORIGIN + "/__isr/revalidate").env(env)
                    .headers(Headers.of("authorization", "Bearer s")).body(dev.isr4j.Body.of(body)).build(),
                    h.background, null, edge);
            assertEquals(200, r.status(), r.text());
        }
        h.background.drain();
        assertEquals(List.of("purge [posts]", "purge [path:/api/posts/4]", "invalidate [posts]"), edge.calls());
    }

    @Test
    void theEdgeAndTheDownstreamPurgerEachGetTheirOwnBackgroundTask() {
        App app = app().cachePurger(tags -> downstream.add(List.copyOf(tags)));
        var h = new IsrHarness(app);
        int before = h.background.submitted();
        post(h, "/api/posts/5?profile=max", edge);
        assertEquals(2, h.background.submitted() - before, "one task per purger: a slow one never holds up the other");
        h.background.drain();
        assertEquals(List.of("invalidate [post-5]"), edge.calls());
        assertEquals(List.of(List.of("post-5")), downstream, "a purger without invalidate purges (its default)");
    }

    @Test
    void anEdgeThatRefusesEveryCallFailsNeitherTheRevalidationNorTheOtherPurger() {
        edge.failures = -1;
        App app = app().cachePurger(tags -> downstream.add(List.copyOf(tags)));
        var h = new IsrHarness(app);
        h.get("/api/posts/6");
        h.background.drain();
        assertEquals(204, post(h, "/api/posts/6", edge).status());
        h.background.drain(); // a task that threw would propagate out of drain
        assertEquals(List.of("purge [post-6]", "purge [post-6]", "purge [post-6]"), edge.calls());
        assertEquals(List.of(List.of("post-6")), downstream);
        assertTrue(h.log.has(RecordingLog.Level.ERROR, "could not purge Cache-Tag [post-6] in the Workers Cache"),
                h.log.lines()::toString);
        assertEquals("MISS", h.get("/api/posts/6").header("x-isr-cache"), "the revalidation itself was stored");
    }

    @Test
    void withoutAnEdgeCacheNothingIsCalledAndNothingIsScheduled() {
        var h = new IsrHarness(app());
        int before = h.background.submitted();
        post(h, "/api/posts/7", null);
        assertEquals(before, h.background.submitted());
    }
}
