package dev.isr4j.isr;

import static dev.isr4j.testing.IsrHarness.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.routing.Dispatcher;
import dev.isr4j.App;
import dev.isr4j.Headers;
import dev.isr4j.Json;
import dev.isr4j.Props;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.testing.IsrHarness;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** What a CDN, proxy or browser in front of isr4j is told (RFC 9111, 9110 section 13, 9211). */
class DownstreamContractTest {
    private final AtomicInteger renders = new AtomicInteger();
    private final AtomicReference<String> body = new AtomicReference<>("v1");

    private App app() {
        App app = App.create();
        app.route("/api/data").revalidate(60).tags("data").get(req -> {
            renders.incrementAndGet();
            return Response.text(body.get());
        });
        app.route("/api/cookie").revalidate(60).get(req -> Response.text("c").plusHeader("set-cookie", "s=1"));
        app.route("/api/ua").revalidate(60).get(req -> Response.text(String.valueOf(req.header("user-agent"))));
        app.route("/api/plain").get(req -> Response.text("plain"));
        app.route("/api/boom").get(req -> {
            throw new IllegalStateException("boom");
        });
        app.page("/blog/{slug}").staticPaths("/blog/a").revalidate(60)
                .props(req -> Props.of(Json.object().put("slug", req.param("slug")).put("v", body.get())))
                .render(props -> "<p>" + props.get("slug") + " " + props.get("v") + "</p>");
        return app;
    }

    private static Response conditional(IsrHarness h, String path, String name, String value) {
        return h.getWithHeaders(path, Headers.of(name, value));
    }

    @Nested
    class CacheControlOnEveryAnswer {
        @Test
        void answersIsr4jDoesNotCacheAreNeverStorableDownstream() {
            var h = new IsrHarness(app());
            for (String path : new String[] {"/api/plain", "/nope", "/api/boom"}) {
                assertEquals(Dispatcher.NO_STORE, h.get(path).header("cache-control"), path);
            }
            assertEquals(Dispatcher.NO_STORE, h.request("DELETE", "/api/plain").header("cache-control"), "405");
            assertEquals(Dispatcher.NO_STORE, h.request("OPTIONS", "/api/plain").header("cache-control"), "OPTIONS");
            var ua = h.getWithHeaders("/api/ua", Headers.of("user-agent", "alice"));
            assertEquals(Dispatcher.NO_STORE, ua.header("cache-control"), "an answer built from request headers");
            assertNull(ua.header("cache-tag"));
            assertNull(ua.header("etag"));
        }

        @Test
        void anAnswerThatSetsACookieIsPrivateWhileItsStoredCopyStaysShareable() {
            var h = new IsrHarness(app());
            var miss = h.get("/api/cookie");
            assertEquals("MISS", miss.header("x-isr-cache"));
            assertEquals("private, no-store", miss.header("cache-control"));
            assertEquals("s=1", miss.header("set-cookie"));
            h.background.drain();
            var hit = h.get("/api/cookie");
            assertEquals("HIT", hit.header("x-isr-cache"));
            assertNull(hit.header("set-cookie"));
            assertEquals("s-maxage=60, stale-while-revalidate=31535940", hit.header("cache-control"));
        }
    }

    @Nested
    class AgeAndFreshness {
        @Test
        void aHitSaysHowOldItIsSoDownstreamFreshnessIsSMaxAgeMinusAge() {
            var h = new IsrHarness(app());
            assertNull(h.get("/api/data").header("age"), "a MISS was just rendered");
            h.background.drain();
            h.clock.advanceSeconds(45);
            var hit = h.get("/api/data");
            assertEquals("HIT", hit.header("x-isr-cache"));
            assertEquals("45", hit.header("age"));
            assertEquals("s-maxage=60, stale-while-revalidate=31535940", hit.header("cache-control"));
            assertEquals("isr4j; hit; ttl=15", hit.header("cache-status"));
        }

        @Test
        void aStaleAnswerIsNeverFreshDownstreamAndReportsANegativeTtl() {
            var h = new IsrHarness(app());
            h.get("/api/data");
            h.background.drain();
            h.clock.advanceSeconds(75);
            var stale = h.get("/api/data");
            assertEquals("STALE", stale.header("x-isr-cache"));
            assertEquals("75", stale.header("age"));
            assertEquals("s-maxage=0, stale-while-revalidate=31536000", stale.header("cache-control"));
            assertEquals("isr4j; hit; ttl=-15", stale.header("cache-status"));
        }

        @Test
        void aMissSaysItWasForwardedAndStored() {
            var h = new IsrHarness(app());
            assertEquals("isr4j; fwd=miss; stored", h.get("/api/data").header("cache-status"));
        }
    }

    @Nested
    class Validators {
        @Test
        void theMissAndItsHitsCarryTheSameStrongEtagAndLastModified() {
            var h = new IsrHarness(app());
            var miss = h.get("/api/data");
            String etag = miss.header("etag");
            assertNotNull(etag);
            assertTrue(etag.matches("\"[0-9a-f]{32}\""), etag);
            assertEquals(HttpDates.format(T0), miss.header("last-modified"));
            h.background.drain();
            h.clock.advanceSeconds(5);
            var hit = h.get("/api/data");
            assertEquals(etag, hit.header("etag"));
            assertEquals(miss.header("last-modified"), hit.header("last-modified"));
        }

        @Test
        void theEtagSurvivesARegenerationWithTheSameBytesAndChangesWithTheBody() {
            var h = new IsrHarness(app());
            String first = h.get("/api/data").header("etag");
            h.background.drain();
            h.clock.advanceSeconds(61);
            h.get("/api/data"); // STALE: regenerates "v1" again
            h.background.drain();
            assertEquals(first, h.get("/api/data").header("etag"), "same bytes, same tag");
            body.set("v2");
            h.clock.advanceSeconds(61);
            h.get("/api/data");
            h.background.drain();
            var changed = h.get("/api/data");
            assertEquals("v2", changed.text());
            assertNotEquals(first, changed.header("etag"));
        }

        @Test
        void ifNoneMatchWithTheCurrentTagIsA304FromTheCacheWithoutRunningTheHandler() {
            var h = new IsrHarness(app());
            String etag = h.get("/api/data").header("etag");
            h.background.drain();
            int before = renders.get();
            for (String header : new String[] {etag, "W/" + etag, "\"other\", " + etag, "*"}) {
                var r = conditional(h, "/api/data", "if-none-match", header);
                assertEquals(304, r.status(), header);
                assertEquals(0, r.body().length());
                assertEquals(etag, r.header("etag"));
                assertEquals("s-maxage=60, stale-while-revalidate=31535940", r.header("cache-control"));
                assertNotNull(r.header("last-modified"));
                assertNull(r.header("content-type"));
            }
            assertEquals(before, renders.get(), "the handler does not run for a 304");
            assertEquals(200, conditional(h, "/api/data", "if-none-match", "\"other\"").status());
        }

        @Test
        void aConditionalRequestDoesNotMakeTheAnswerDynamic() {
            var h = new IsrHarness(app());
            var miss = conditional(h, "/api/data", "if-none-match", "\"nothing\"");
            assertEquals("MISS", miss.header("x-isr-cache"));
            h.background.drain();
            assertEquals("HIT", h.get("/api/data").header("x-isr-cache"));
        }

        @Test
        void ifModifiedSinceCountsOnlyWithoutIfNoneMatch() {
            var h = new IsrHarness(app());
            h.get("/api/data");
            h.background.drain();
            h.clock.advanceSeconds(10);
            assertEquals(304, conditional(h, "/api/data", "if-modified-since", HttpDates.format(T0)).status());
            assertEquals(304, conditional(h, "/api/data", "if-modified-since", HttpDates.format(T0 + 5000)).status());
            assertEquals(200, conditional(h, "/api/data", "if-modified-since", HttpDates.format(T0 - 1000)).status());
            assertEquals(200, conditional(h, "/api/data", "if-modified-since", "yesterday").status(), "invalid date");
            var both = h.getWithHeaders("/api/data", Headers.of("if-none-match", "\"other\"",
                    "if-modified-since", HttpDates.format(T0 + 5000)));
            assertEquals(200, both.status(), "If-None-Match wins over If-Modified-Since");
        }

        @Test
        void headIsConditionalToo() {
            var h = new IsrHarness(app());
            String etag = h.get("/api/data").header("etag");
            h.background.drain();
            var r = h.send(Request.builder("HEAD", IsrHarness.ORIGIN + "/api/data")
                    .headers(Headers.of("if-none-match", etag)).build());
            assertEquals(304, r.status());
        }

        @Test
        void aStaleConditionalRequestIsA304AndStillRegenerates() {
            var h = new IsrHarness(app());
            String etag = h.get("/api/data").header("etag");
            h.background.drain();
            h.clock.advanceSeconds(61);
            var r = conditional(h, "/api/data", "if-none-match", etag);
            assertEquals(304, r.status());
            assertEquals("STALE", r.header("x-isr-cache"));
            int before = renders.get();
            h.background.drain();
            assertEquals(before + 1, renders.get(), "the stale entry was regenerated");
        }

        @Test
        void aPageAndItsPropsJsonAreDifferentRepresentationsWithDifferentTags() {
            var h = new IsrHarness(app());
            var page = h.get("/blog/b");
            h.background.drain();
            var json = h.get("/_isr/data/blog/b.json");
            assertEquals("application/json", json.header("content-type"));
            assertNotNull(page.header("etag"));
            assertNotNull(json.header("etag"));
            assertNotEquals(page.header("etag"), json.header("etag"));
            assertEquals(304, conditional(h, "/_isr/data/blog/b.json", "if-none-match", json.header("etag")).status());
            assertEquals(200, conditional(h, "/_isr/data/blog/b.json", "if-none-match", page.header("etag")).status());
        }

        @Test
        void answersThatAreNotCachedGetNo304() {
            var h = new IsrHarness(app());
            assertEquals(200, conditional(h, "/api/plain", "if-none-match", "*").status());
        }
    }

    @Nested
    class CacheTags {
        @Test
        void cachedAnswersCarryTheirPathTagRouteTagsAndLayoutTags() {
            var h = new IsrHarness(app());
            String all = "path:/api/data,data,layout:/,layout:/api,layout:/api/data";
            assertEquals(all, h.get("/api/data").header("cache-tag"));
            h.background.drain();
            assertEquals(all, h.get("/api/data").header("cache-tag"));
        }

        /** Values are remembered per list: lists asked about in turn each get their own, again and again. */
        @Test
        void eachTagListKeepsItsOwnValueWhenAskedAboutInTurn() {
            var lists = new java.util.ArrayList<java.util.List<String>>();
            for (int i = 0; i < 200; i++) {
                lists.add(java.util.List.of("t" + i, "path:/p" + i));
            }
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < lists.size(); i++) {
                    assertEquals("path:/p" + i + ",t" + i, CacheTagHeader.value(lists.get(i)));
                }
            }
        }

        @Test
        void tagsACdnCannotTakeAreSentAsADigestAndTheHeaderStaysWithinItsLimit() {
            assertEquals("posts", CacheTagHeader.downstream("posts"));
            String odd = CacheTagHeader.downstream("caf\u00e9 menu");
            assertTrue(odd.matches("isr4j-h-[0-9a-f]{32}"), odd);
            assertEquals(odd, CacheTagHeader.downstream("caf\u00e9 menu"), "the same digest for purging");
            assertTrue(CacheTagHeader.downstream("a,b").startsWith("isr4j-h-"));
            assertTrue(CacheTagHeader.downstream("x".repeat(1025)).startsWith("isr4j-h-"));
            var many = new java.util.ArrayList<String>();
            many.add("path:/p");
            for (int i = 0; i < 200; i++) {
                many.add("tag-" + i + "-" + "y".repeat(100));
            }
            String value = CacheTagHeader.value(many);
            assertTrue(value.length() <= CacheTagHeader.MAX_HEADER_LENGTH, "length " + value.length());
            assertTrue(value.startsWith("path:/p,"), "the path tag is kept first");
            assertFalse(value.endsWith(","));
        }
    }
}
