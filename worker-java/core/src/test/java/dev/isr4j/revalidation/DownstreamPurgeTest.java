package dev.isr4j.revalidation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.isr.CacheTagHeader;
import dev.isr4j.App;
import dev.isr4j.Headers;
import dev.isr4j.Json;
import dev.isr4j.PathType;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.testing.IsrHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every revalidation reaches the caches in front: the same tags are purged there, in the background. */
class DownstreamPurgeTest {
    private final List<List<String>> purged = new ArrayList<>();

    private App app() {
        App app = App.create().cachePurger(tags -> purged.add(List.copyOf(tags)));
        app.route("/api/posts/{id}").revalidate(60).tags("post-{id}", "posts")
                .get(req -> Response.json(Json.object().put("id", req.param("id"))))
                .post(req -> {
                    req.revalidator().tag("post-" + req.param("id"));
                    return Response.status(204);
                });
        app.route("/api/path").post(req -> {
            req.revalidator().path("/api/posts/1", PathType.PAGE);
            return Response.status(204);
        });
        app.route("/api/refused").post(req -> {
            req.revalidator().tag("posts", " "); // a blank profile: nothing is revalidated
            req.revalidator().tags(java.util.List.of("ok", "bad\ttag"), null);
            req.revalidator().path("no-slash", PathType.PAGE);
            return Response.status(204);
        });
        app.route("/api/layout").post(req -> {
            req.revalidator().path("/api//posts/", PathType.LAYOUT);
            return Response.status(204);
        });
        return app;
    }

    @Test
    void aTagRevalidatedFromAHandlerIsPurgedDownstreamAfterTheResponse() {
        var h = new IsrHarness(app());
        var get = h.get("/api/posts/1");
        assertTrue(get.header("cache-tag").contains("post-1"), get.header("cache-tag"));
        h.background.drain();
        assertEquals(204, h.request("POST", "/api/posts/1").status());
        assertEquals(List.of(), purged, "purged in the background, not before the answer");
        h.background.drain();
        assertEquals(List.of(List.of("post-1")), purged);
    }

    @Test
    void aPathRevalidationPurgesThePathTagEveryCachedAnswerOfThatPathCarries() {
        var h = new IsrHarness(app());
        String cacheTag = h.get("/api/posts/1").header("cache-tag");
        h.request("POST", "/api/path");
        h.background.drain();
        assertEquals(List.of(List.of("path:/api/posts/1")), purged);
        assertTrue(cacheTag.contains("path:/api/posts/1"), cacheTag);
    }

    @Test
    void aLayoutRevalidationPurgesTheOneLayoutTagEveryAnswerBelowItCarries() {
        var h = new IsrHarness(app());
        String cacheTag = h.get("/api/posts/7").header("cache-tag");
        assertTrue(List.of(cacheTag.split(",")).contains("layout:/api/posts"), cacheTag);
        h.request("POST", "/api/layout");
        h.background.drain();
        assertEquals(List.of(List.of("layout:/api/posts")), purged);
    }

    @Test
    void onlyWhatWasRevalidatedIsPurged() {
        var h = new IsrHarness(app());
        assertEquals(204, h.request("POST", "/api/refused").status());
        h.background.drain();
        assertEquals(List.of(List.of("ok")), purged);
    }

    @Test
    void theRevalidationEndpointPurgesWhatItRevalidated() {
        var h = new IsrHarness(app());
        var env = IsrHarness.env(Map.of("ISR_REVALIDATE_SECRET", "s"));
        var r = h.send(Request.builder("POST", IsrHarness.ORIGIN + "/__isr/revalidate").env(env)
                .headers(Headers.of("authorization", "Bearer s"))
                .body(dev.isr4j.Body.of("{\"tags\":[\"posts\",\"caf\u00e9\"],\"paths\":[\"/api/posts/2\"]}")).build());
        assertEquals(200, r.status(), r.text());
        h.background.drain();
        assertEquals(List.of(List.of("posts", CacheTagHeader.downstream("caf\u00e9")), List.of("path:/api/posts/2")),
                purged);
    }

    @Test
    void aHalfConfiguredCloudflarePurgeIsAConfigurationErrorThatSaysWhatToSet() {
        App app = App.create();
        app.route("/x").get(req -> Response.text("x"));
        var h = new IsrHarness(app);
        var r = h.send(Request.builder("GET", IsrHarness.ORIGIN + "/x")
                .env(IsrHarness.env(Map.of("CACHE_PURGE_ZONE_ID", "0123456789abcdef0123456789abcdef"))).build());
        assertEquals(500, r.status());
        assertTrue(r.text().contains("CACHE_PURGE_API_TOKEN"), r.text());
    }
}
