package dev.isr4j.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.Response;
import dev.isr4j.testing.IsrHarness;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CacheKeysTest {
    @Test
    void routeKeyIsAppPathRoute() {
        assertEquals("app:/api/x:route", CacheKeys.routeKey("/api/x", ""));
        assertEquals("app:/api/x:route", CacheKeys.routeKey("/api/x", null));
        assertEquals("app:/:route", CacheKeys.routeKey("/", ""));
    }

    @Test
    void trailingSlashesAreStrippedExceptForTheRoot() {
        assertEquals("app:/api/x:route", CacheKeys.routeKey("/api/x/", ""));
        assertEquals("app:/:route", CacheKeys.routeKey("/", ""));
        assertEquals("app:/:route", CacheKeys.routeKey("", ""));
        assertEquals("app:/:route", CacheKeys.routeKey("//", ""));
        assertEquals("/api/x", CacheKeys.normalisePath("/api/x//"), "every trailing slash goes");
    }

    @Test
    void buildIdScopesTheKey() {
        assertEquals("app:b-42:/api/x:route", CacheKeys.routeKey("/api/x", "b-42"));
        assertEquals("app:b-42:/:route", CacheKeys.routeKey("/", "b-42"));
    }

    @Test
    void keyOfExactly200CharactersStaysPlainAndOneLongerIsHashed() {
        String p190 = "/" + "a".repeat(189);
        assertEquals(200, CacheKeys.routeKey(p190, "").length());
        assertEquals("app:" + p190 + ":route", CacheKeys.routeKey(p190, ""));

        String p191 = "/" + "a".repeat(190);
        assertEquals("app:" + p190 + ":route", CacheKeys.storageKey(CacheKeys.routeKey(p190, "")));
        String hashed = CacheKeys.storageKey(CacheKeys.routeKey(p191, ""));
        assertEquals("app:" + p191 + ":route", CacheKeys.routeKey(p191, ""), "the key itself is never hashed");
        assertEquals("app:__hash:" + CacheKeys.fnv1a64Hex(p191) + ":route", hashed);
        assertTrue(hashed.matches("app:__hash:[0-9a-f]{16}:route"), hashed);
    }

    @Test
    void longStorageKeyHashesTheNormalisedPathAndKeepsTheBuildIdInFront() {
        String path = "/" + "b".repeat(299);
        String h = CacheKeys.fnv1a64Hex(path);
        assertEquals("app:__hash:" + h + ":route", CacheKeys.storageKey(CacheKeys.routeKey(path, "")));
        assertEquals("app:__hash:" + h + ":route", CacheKeys.storageKey(CacheKeys.routeKey(path + "/", "")),
                "trailing slash first");
        assertEquals("app:v7:__hash:" + h + ":route", CacheKeys.storageKey(CacheKeys.routeKey(path, "v7")));
        assertEquals("pages:v7:__hash:" + h, CacheKeys.storageKey(CacheKeys.pageKey(path, "v7")));
    }

    @Test
    void fnv1a64MatchesTheReferenceTestVectors() {
        // Offset basis 0xcbf29ce484222325, prime 0x100000001b3, XOR then multiply (FNV-1a), over UTF-8 bytes.
        assertEquals("cbf29ce484222325", CacheKeys.fnv1a64Hex(""));
        assertEquals("af63dc4c8601ec8c", CacheKeys.fnv1a64Hex("a"));
        assertEquals("85944171f73967e8", CacheKeys.fnv1a64Hex("foobar"));
        assertEquals(0xaf63dc4c8601ec8cL, CacheKeys.fnv1a64("a"));
    }

    @Test
    void fnv1a64HashesUtf8BytesAsUnsignedAndPadsToSixteenDigits() {
        // "é" is C3 A9 in UTF-8 (negative as Java bytes); its hash has a leading zero digit.
        assertEquals("0ac21707b7181e01", CacheKeys.fnv1a64Hex("\u00e9"));
    }

    @Test
    void pathTagIsPathColonNormalisedPath() {
        assertEquals("path:/api/x", CacheKeys.pathTag("/api/x/"));
        assertEquals("path:/", CacheKeys.pathTag("/"));
    }

    // --- through the Dispatcher ---

    private final AtomicInteger renders = new AtomicInteger();

    private App app(String buildId) {
        App app = App.create().buildId(buildId);
        app.route("/api/x").revalidate(60).get(req -> Response.text("x " + renders.incrementAndGet()));
        app.route("/p/{id}").revalidate(60).get(req -> Response.text("p " + renders.incrementAndGet()));
        return app;
    }

    @Test
    void queryStringAndTrailingSlashShareOneEntry() {
        var h = new IsrHarness(app(""));
        assertEquals("MISS", h.get("/api/x?x=1").header("x-isr-cache"));
        h.background.drain();
        assertTrue(h.memory().contains("app:/api/x:route"));
        for (String path : new String[] {"/api/x?x=1", "/api/x?y=2&z=", "/api/x", "/api/x/", "/api/x/?x=1"}) {
            var r = h.get(path);
            assertEquals("HIT", r.header("x-isr-cache"), path);
            assertEquals("x 1", r.text(), path);
        }
        assertEquals(1, h.memory().size());
    }

    @Test
    void buildIdScopesEntriesWrittenThroughTheDispatcher() {
        var h = new IsrHarness(app("release-2"));
        assertEquals("app:release-2:/api/x:route", h.key("/api/x"));
        h.get("/api/x");
        h.background.drain();
        assertTrue(h.memory().contains("app:release-2:/api/x:route"));
        assertEquals(1, h.memory().size());
    }

    @Test
    void threeHundredCharacterPathRoundTripsThroughTheDispatcher() {
        var h = new IsrHarness(app(""));
        String path = "/p/" + "x".repeat(297);
        assertEquals(300, path.length());
        var miss = h.get(path);
        assertEquals("MISS", miss.header("x-isr-cache"));
        h.background.drain();
        String key = "app:" + path + ":route";
        assertTrue(h.memory().contains(key), "the in-memory cache keeps the full key: " + key);
        assertEquals(key, h.key(path));
        var hit = h.get(path);
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertEquals(miss.text(), hit.text());
        assertEquals("MISS", h.get("/p/" + "x".repeat(296) + "y").header("x-isr-cache"),
                "another long path has its own hashed key");
    }
}
