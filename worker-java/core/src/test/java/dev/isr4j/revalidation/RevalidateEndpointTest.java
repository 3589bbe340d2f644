package dev.isr4j.revalidation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.json.JsonReader;
import dev.isr4j.App;
import dev.isr4j.Body;
import dev.isr4j.Env;
import dev.isr4j.Headers;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.testing.IsrHarness;
import dev.isr4j.testing.KvHarness;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** POST /__isr/revalidate through the Dispatcher, over the KV cache handler. */
class RevalidateEndpointTest {
    private static final String SECRET = "s3cret-token";
    private static final String NO_STORE = "private, no-cache, no-store, max-age=0, must-revalidate";
    private static final Env WITH_SECRET = IsrHarness.env(Map.of("ISR_REVALIDATE_SECRET", SECRET));

    private final AtomicInteger renders = new AtomicInteger();
    private final KvHarness h = new KvHarness(app()).env(WITH_SECRET);

    private App app() {
        App app = App.create();
        app.route("/api/posts/{id}").revalidate(60).tags("posts", "post-{id}")
                .get(req -> Response.text(req.param("id") + " " + renders.incrementAndGet()));
        app.route("/blog/{...rest}").revalidate(60).get(req -> Response.text("blog " + renders.incrementAndGet()));
        app.route("/blog").revalidate(60).get(req -> Response.text("blog index " + renders.incrementAndGet()));
        return app;
    }

    private Response post(String body, String authorization, Env env) {
        var b = Request.builder("POST", IsrHarness.ORIGIN + RevalidateEndpoint.PATH).body(Body.of(body)).env(env);
        if (authorization != null) {
            b.headers(Headers.of("authorization", authorization));
        }
        return h.send(b.build());
    }

    private Response post(String body) {
        return post(body, "Bearer " + SECRET, WITH_SECRET);
    }

    private static void assertNeverCached(Response r) {
        assertEquals(NO_STORE, r.header("cache-control"));
        assertNull(r.header("x-isr-cache"));
        assertNull(r.header("cache-status"));
        assertEquals("application/json", r.header("content-type"));
    }

    private static Map<?, ?> json(Response r) {
        return (Map<?, ?>) JsonReader.parse(r.text());
    }

    private static String error(Response r) {
        return (String) json(r).get("error");
    }

    /** A 400 whose "error" mentions every fragment; nothing was written to KV. */
    private void assertBadRequest(String body, String... fragments) {
        int writes = h.memory.writes();
        var r = post(body);
        assertEquals(400, r.status(), () -> body + " -> " + r.text());
        assertNeverCached(r);
        String error = error(r);
        for (String f : fragments) {
            assertTrue(error.contains(f), () -> body + " -> " + error + " (expected to mention " + f + ")");
        }
        assertEquals(writes, h.memory.writes(), () -> body + " wrote to KV");
    }

    private void warm(String... paths) {
        for (String p : paths) {
            h.get(p);
        }
        h.background.drain();
        for (String p : paths) {
            assertEquals("HIT", h.get(p).header("x-isr-cache"), p);
        }
        h.clock.advanceMillis(1);
    }

    @Test
    void withoutAConfiguredSecretTheEndpointDoesNotExist() {
        for (Env env : List.of(Env.NONE, IsrHarness.env(Map.of("ISR_REVALIDATE_SECRET", "")))) {
            var r = post("{\"tags\":[\"posts\"]}", "Bearer ", env);
            assertEquals(404, r.status());
            assertNeverCached(r);
        }
        assertEquals(0, h.memory.writes());
    }

    @Test
    void getIs405WithAllowPost() {
        var r = h.get(RevalidateEndpoint.PATH);
        assertEquals(405, r.status());
        assertEquals("POST", r.header("allow"));
        assertNeverCached(r);
    }

    @Test
    void missingOrWrongTokenIs401WithWwwAuthenticate() {
        for (String auth : new String[] {null, "", "Bearer", "Bearer ", "Bearer wrong", "Basic " + SECRET,
                "Bearer " + SECRET.substring(0, SECRET.length() - 1), "Bearer " + SECRET + "x",
                "Bearer " + SECRET.toUpperCase(), SECRET}) {
            var r = post("{\"tags\":[\"posts\"]}", auth, WITH_SECRET);
            assertEquals(401, r.status(), String.valueOf(auth));
            assertEquals("Bearer", r.header("www-authenticate"));
            assertNeverCached(r);
            assertFalse(r.text().contains(SECRET), "the secret is never echoed");
        }
        assertEquals(0, h.memory.writes());
    }

    @Test
    void bearerSchemeIsCaseInsensitiveAndTheTokenIsTrimmed() {
        assertEquals(200, post("{\"tags\":[\"posts\"]}", "bearer " + SECRET, WITH_SECRET).status());
        assertEquals(200, post("{\"tags\":[\"posts\"]}", "BEARER   " + SECRET + "  ", WITH_SECRET).status());
    }

    @Test
    void malformedJsonIs400NamingTheOffset() {
        assertBadRequest("{\"tags\":[\"posts\"", "not valid JSON", "offset");
        assertBadRequest("", "not valid JSON");
        assertBadRequest("{\"tags\":[\"posts\"]} trailing", "not valid JSON", "offset");
    }

    @Test
    void nonObjectBodyIs400() {
        assertBadRequest("[\"posts\"]", "JSON object");
        assertBadRequest("\"posts\"", "JSON object");
        assertBadRequest("null", "JSON object");
    }

    @Test
    void tagsThatAreNotAnArrayOfStringsAre400() {
        assertBadRequest("{\"tags\":\"posts\"}", "\"tags\"", "array");
        assertBadRequest("{\"tags\":[1]}", "\"tags\"", "strings");
        assertBadRequest("{\"tags\":[\"posts\",null]}", "\"tags\"", "strings");
        assertBadRequest("{\"paths\":[{}]}", "\"paths\"", "strings");
    }

    @Test
    void invalidTagIs400NamingTheTagAndNothingIsWritten() {
        assertBadRequest("{\"tags\":[\"posts\",\"a:b\"]}", "a:b", "reserved");
        assertBadRequest("{\"tags\":[\"\"]}", "tag");
        assertBadRequest("{\"tags\":[\"" + "t".repeat(257) + "\"]}", "257");
        assertBadRequest("{\"tags\":[\"a\\u0001b\"]}", "control character");
        assertBadRequest("{\"tags\":[\"a\\\\b\"]}", "reserved");
    }

    @Test
    void pathWithoutLeadingSlashIs400() {
        assertBadRequest("{\"paths\":[\"blog\"]}", "'/'", "blog");
        assertBadRequest("{\"paths\":[\"/blog?page=2\"]}", "query");
    }

    @Test
    void invalidPathAfterValidTagsWritesNothing() {
        assertBadRequest("{\"tags\":[\"posts\"],\"paths\":[\"/ok\",\"nope\"]}", "nope");
    }

    @Test
    void emptyRequestIs400() {
        assertBadRequest("{}", "at least one");
        assertBadRequest("{\"tags\":[],\"paths\":[]}", "at least one");
    }

    @Test
    void badTypeOrProfileIs400() {
        assertBadRequest("{\"paths\":[\"/blog\"],\"type\":\"tree\"}", "\"type\"");
        assertBadRequest("{\"tags\":[\"posts\"],\"profile\":1}", "\"profile\"");
        assertBadRequest("{\"tags\":[\"posts\"],\"profile\":\" \"}", "profile");
    }

    @Test
    void hardTagRevalidationIs200ListingWhatWasRevalidated() {
        warm("/api/posts/1", "/blog/a");
        var r = post("{\"tags\":[\"posts\"]}");
        assertEquals(200, r.status(), r::text);
        assertNeverCached(r);
        var body = json(r);
        assertEquals(true, body.get("revalidated"));
        assertEquals(List.of("posts"), body.get("tags"));
        assertEquals(List.of(), body.get("paths"));
        assertEquals("page", body.get("type"));
        assertEquals("hard", body.get("mode"));
        assertTrue(h.memory.contains("__tag:posts"));
        assertEquals("MISS", h.get("/api/posts/1").header("x-isr-cache"));
        assertEquals("HIT", h.get("/blog/a").header("x-isr-cache"));
    }

    @Test
    void profileMakesItSoft() {
        warm("/api/posts/1");
        var r = post("{\"tags\":[\"post-1\"],\"profile\":\"max\"}");
        assertEquals(200, r.status(), r::text);
        assertEquals("soft", json(r).get("mode"));
        assertEquals("STALE", h.get("/api/posts/1").header("x-isr-cache"));
    }

    @Test
    void pagePathsRevalidateOnlyThosePaths() {
        warm("/blog", "/blog/a", "/api/posts/1");
        var r = post("{\"paths\":[\"/blog\",\"/api/posts/1/\"]}");
        assertEquals(200, r.status(), r::text);
        assertEquals(List.of("/blog", "/api/posts/1/"), json(r).get("paths"));
        assertEquals("page", json(r).get("type"));
        assertEquals("MISS", h.get("/blog").header("x-isr-cache"));
        assertEquals("HIT", h.get("/blog/a").header("x-isr-cache"));
        assertEquals("MISS", h.get("/api/posts/1").header("x-isr-cache"));
    }

    @Test
    void layoutPathsRevalidateEverythingBelow() {
        warm("/blog", "/blog/a", "/blog/a/b", "/api/posts/1");
        var r = post("{\"paths\":[\"/blog\"],\"type\":\"layout\",\"profile\":\"max\"}");
        assertEquals(200, r.status(), r::text);
        assertEquals("layout", json(r).get("type"));
        assertEquals("soft", json(r).get("mode"));
        assertEquals("STALE", h.get("/blog").header("x-isr-cache"));
        assertEquals("STALE", h.get("/blog/a").header("x-isr-cache"));
        assertEquals("STALE", h.get("/blog/a/b").header("x-isr-cache"));
        assertEquals("HIT", h.get("/api/posts/1").header("x-isr-cache"));
    }

    /**
     * Paths up to 2048 characters are accepted and their entries are cached under a hashed key, but the
     * path tag's record "__tag:path:<path>" is a KV key of its own, limited to 512 bytes.
     */
    @Test
    void pathLongerThanTheKvKeyLimitCanBeRevalidated() {
        String path = "/blog/" + "p".repeat(600);
        warm(path);
        var r = post("{\"paths\":[\"" + path + "\"]}");
        assertEquals(200, r.status(), r::text);
        assertEquals("MISS", h.get(path).header("x-isr-cache"));
    }

    @Test
    void tagWithALoneSurrogateOrAC1ControlIs400NotARetry() {
        // JSON can spell a lone surrogate; before, it passed validation and failed in the KV write (a 503).
        assertBadRequest("{\"tags\":[\"a\\ud800b\"]}", "lone surrogate", "U+D800");
        assertBadRequest("{\"tags\":[\"\\udc00\"]}", "lone surrogate");
        assertBadRequest("{\"tags\":[\"a\\u0085b\"]}", "control character", "U+0085");
        assertBadRequest("{\"tags\":[\"a\\u009fb\"]}", "control character", "U+009F");
        assertEquals(200, post("{\"tags\":[\"caf\u00e9-\ud83d\ude00\"]}").status(), "a surrogate pair is fine");
    }

    @Test
    void atMost64TagsAnd64PathsPerCallAndTheErrorNamesTheLimit() {
        warm("/api/posts/1");
        String tags64 = tagList(64);
        assertEquals(200, post("{\"tags\":[" + tags64 + "]}").status());
        assertBadRequest("{\"tags\":[" + tagList(65) + "]}", "\"tags\"", "65", "at most 64");
        assertBadRequest("{\"tags\":[" + tagList(3000) + "]}", "at most 64");
        String paths65 = String.join(",", java.util.stream.IntStream.range(0, 65)
                .mapToObj(i -> "\"/p/" + i + "\"").toList());
        assertBadRequest("{\"paths\":[" + paths65 + "]}", "\"paths\"", "at most 64");
        assertEquals(64, RevalidateEndpoint.MAX_TAGS);
        assertEquals(64, RevalidateEndpoint.MAX_PATHS);
    }

    private static String tagList(int n) {
        return String.join(",", java.util.stream.IntStream.range(0, n).mapToObj(i -> "\"t" + i + "\"").toList());
    }

    @Test
    void bodyBeyondTheLimitIs413BeforeParsing() {
        int writes = h.memory.writes();
        var r = post("{\"tags\":[\"posts\"],\"pad\":\"" + "x".repeat(RevalidateEndpoint.MAX_BODY_BYTES) + "\"}");
        assertEquals(413, r.status());
        assertTrue(error(r).contains("limit"), r::text);
        assertEquals(writes, h.memory.writes());
    }

    @Test
    void anySpellingOfAPathRevalidatesItsOneEntry() {
        warm("/api/posts/1");
        var r = post("{\"paths\":[\"/api//posts/%31/\"]}");
        assertEquals(200, r.status(), r::text);
        assertEquals("MISS", h.get("/api/posts/1").header("x-isr-cache"));
    }

    @Test
    void pathWithoutACanonicalFormIs400() {
        assertBadRequest("{\"paths\":[\"/api/posts/%zz\"]}", "percent-encoding");
        assertBadRequest("{\"paths\":[\"/api/posts/a%2Fb\"]}", "%2F");
        assertBadRequest("{\"paths\":[\"/api/posts/%00\"]}", "NUL");
    }
}
