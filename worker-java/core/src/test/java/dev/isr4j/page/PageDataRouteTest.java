package dev.isr4j.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.json.JsonReader;
import dev.isr4j.routing.Dispatcher;
import dev.isr4j.App;
import dev.isr4j.Dynamic;
import dev.isr4j.Fallback;
import dev.isr4j.Json;
import dev.isr4j.Props;
import dev.isr4j.Response;
import dev.isr4j.testing.IsrHarness;
import dev.isr4j.testing.KvHarness;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code /_isr/data/<path>.json}: a page's props, from the same cache entry as the page. */
class PageDataRouteTest {
    private final AtomicInteger propsCalls = new AtomicInteger();

    private App app() {
        App app = App.create();
        app.page("/blog/{slug}").staticPaths("/blog/hello-world").fallback(Fallback.BLOCKING).revalidate(60)
                .tags("blog")
                .props(req -> {
                    propsCalls.incrementAndGet();
                    String slug = req.param("slug");
                    if (slug.equals("old-post")) {
                        return Props.redirect("/blog/hello-world", true);
                    }
                    if (slug.startsWith("missing")) {
                        return Props.notFound();
                    }
                    return Props.of(Json.object().put("slug", slug).put("n", propsCalls.get()));
                })
                .render(p -> "<h1>" + p.get("slug") + "</h1>");
        app.page("/docs/{slug}").staticPaths("/docs/intro").fallback(Fallback.NONE).revalidate(300)
                .props(req -> Props.of(Json.object().put("slug", req.param("slug"))))
                .render(p -> "<h1>" + p.get("slug") + "</h1>");
        app.page("/about").revalidate(60)
                .props(req -> Props.of(Json.object().put("slug", "about")))
                .render(p -> "<h1>about</h1>");
        app.page("/live/{slug}").dynamic(Dynamic.FORCE_DYNAMIC)
                .props(req -> Props.of(Json.object().put("slug", req.param("slug"))))
                .render(p -> "<h1>live</h1>");
        app.route("/api/posts/{id}").revalidate(60).get(req -> Response.json("{\"id\":\"" + req.param("id") + "\"}"));
        return app;
    }

    @Test
    void theDataRouteServesThePropsAsJsonWithThePagesCacheHeaders() {
        var h = new IsrHarness(app());
        var data = h.get("/_isr/data/blog/hello.json");
        assertEquals(200, data.status());
        assertEquals("application/json", data.header("content-type"));
        assertEquals("{\"slug\":\"hello\",\"n\":1}", data.text());
        assertEquals("MISS", data.header("x-isr-cache"));
        assertEquals("s-maxage=60, stale-while-revalidate=31535940", data.header("cache-control"));
        assertNull(data.header("x-isr-props"));
        h.background.drain();
        var page = h.get("/blog/hello");
        assertEquals("HIT", page.header("x-isr-cache"), "the data request filled the page's entry");
        assertEquals("<h1>hello</h1>", page.text());
        var again = h.get("/_isr/data/blog/hello.json");
        assertEquals("HIT", again.header("x-isr-cache"));
        assertEquals(page.header("cache-control"), again.header("cache-control"));
        assertEquals("{\"slug\":\"hello\",\"n\":1}", again.text());
        assertEquals(1, propsCalls.get());
    }

    @Test
    void aPageEntryAnEarlierReleaseWroteInKvServesThePageAndItsProps() {
        var h = new KvHarness(app());
        // As releases before props were a field of the entry wrote it: the props in a stored header field.
        long lm = IsrHarness.T0 - 1_000;
        h.memory.putRaw(h.kv.entryKey("pages:/blog/old"), "<h1>old</h1>".getBytes(StandardCharsets.UTF_8),
                "{\"v\":2,\"k\":\"page\",\"id\":\"pages:/blog/old\",\"s\":200,\"h\":[[\"content-type\","
                        + "\"text/html; charset=utf-8\"],[\"x-isr-props\",\"{\\\"slug\\\":\\\"old\\\"}\"]],"
                        + "\"lm\":" + lm + ",\"ra\":" + (lm + 60_000) + ",\"ea\":" + (lm + 3_600_000) + ",\"t\":[]}");
        var page = h.get("/blog/old");
        assertEquals("HIT", page.header("x-isr-cache"));
        assertEquals("<h1>old</h1>", page.text());
        assertNull(page.header("x-isr-props"));
        var data = h.get("/_isr/data/blog/old.json");
        assertEquals("HIT", data.header("x-isr-cache"));
        assertEquals("application/json", data.header("content-type"));
        assertEquals("{\"slug\":\"old\"}", data.text());
        assertNull(data.header("x-isr-props"));
        assertEquals(0, propsCalls.get(), "served from the entry as it was written");
    }

    @Test
    void propsBeyondLatin1AreServedAndCachedInKv() {
        App app = App.create();
        app.page("/jp/{slug}").revalidate(60)
                .props(req -> Props.of(Json.object().put("title", "\u65e5\u672c\u8a9e " + req.param("slug"))))
                .render(p -> "<h1>" + p.get("title") + "</h1>");
        var h = new KvHarness(app);
        var miss = h.get("/jp/a");
        assertEquals(200, miss.status(), miss.text());
        h.background.drain();
        var hit = h.get("/_isr/data/jp/a.json");
        assertEquals("HIT", hit.header("x-isr-cache"), h.log.toString());
        assertEquals("{\"title\":\"\u65e5\u672c\u8a9e a\"}", hit.text());
    }

    @Test
    void thePageFillsTheEntryTheDataRouteReads() {
        var h = new IsrHarness(app());
        h.get("/blog/hello");
        h.background.drain();
        var data = h.get("/_isr/data/blog/hello.json");
        assertEquals("HIT", data.header("x-isr-cache"));
        assertEquals("{\"slug\":\"hello\",\"n\":1}", data.text());
        assertTrue(data.header("content-type").equals("application/json"));
    }

    @Test
    void theDataRouteIsStaleWhenThePageIs() {
        var h = new IsrHarness(app());
        h.get("/blog/hello");
        h.background.drain();
        h.clock.advanceSeconds(60);
        var data = h.get("/_isr/data/blog/hello.json");
        assertEquals("STALE", data.header("x-isr-cache"));
        assertEquals("s-maxage=0, stale-while-revalidate=31536000", data.header("cache-control"));
        assertEquals("{\"slug\":\"hello\",\"n\":1}", data.text());
        h.background.drain();
        assertEquals("{\"slug\":\"hello\",\"n\":2}", h.get("/_isr/data/blog/hello.json").text());
    }

    @Test
    void theDataOfANotFoundPageIsA404WithNotFoundJson() {
        var h = new IsrHarness(app());
        var data = h.get("/_isr/data/blog/missing-x.json");
        assertEquals(404, data.status());
        assertEquals("application/json", data.header("content-type"));
        assertEquals("{\"notFound\":true}", data.text());
        assertEquals("MISS", data.header("x-isr-cache"));
        h.background.drain();
        assertEquals("HIT", h.get("/_isr/data/blog/missing-x.json").header("x-isr-cache"));
        assertEquals(404, h.get("/blog/missing-x").status());
    }

    @Test
    void theDataOfARedirectDescribesItWithoutRedirecting() {
        var h = new IsrHarness(app());
        var data = h.get("/_isr/data/blog/old-post.json");
        assertEquals(200, data.status());
        assertNull(data.header("location"), "the client router follows the redirect, not the fetch");
        var json = (Map<?, ?>) JsonReader.parse(data.text());
        var redirect = (Map<?, ?>) json.get("redirect");
        assertEquals("/blog/hello-world", redirect.get("destination"));
        assertEquals(Boolean.TRUE, redirect.get("permanent"));
    }

    @Test
    void theDataRouteOfAListedNoneFallbackPathWorksAndAnUnlistedOneIs404() {
        var h = new IsrHarness(app());
        assertEquals(200, h.get("/_isr/data/docs/intro.json").status());
        var r = h.get("/_isr/data/docs/other.json");
        assertEquals(404, r.status());
        assertNull(r.header("x-isr-cache"));
    }

    @Test
    void theDataRouteOfAParameterlessPage() {
        var h = new IsrHarness(app());
        var r = h.get("/_isr/data/about.json");
        assertEquals(200, r.status());
        assertEquals("{\"slug\":\"about\"}", r.text());
    }

    @Test
    void aRouteHandlerHasNoDataRoute() {
        var h = new IsrHarness(app());
        assertEquals(200, h.get("/api/posts/1").status());
        var r = h.get("/_isr/data/api/posts/1.json");
        assertEquals(404, r.status());
        assertNull(r.header("x-isr-cache"));
        assertEquals("Not Found", r.text());
    }

    @Test
    void anUnknownPathHasNoDataRoute() {
        var h = new IsrHarness(app());
        assertEquals(404, h.get("/_isr/data/nothing/here.json").status());
        assertEquals(404, h.get("/_isr/data/blog/a/b.json").status());
        assertEquals(0, propsCalls.get());
    }

    @Test
    void aDataPathWithoutJsonSuffixIsNotTheDataRoute() {
        var h = new IsrHarness(app());
        assertEquals(404, h.get("/_isr/data/blog/hello").status());
        assertEquals(404, h.get("/_isr/data/.json").status());
        assertEquals(0, propsCalls.get());
    }

    @Test
    void headOfTheDataRouteIsAllowedWithHeadersAndNoBody() {
        var h = new IsrHarness(app());
        var head = h.head("/_isr/data/blog/hello.json");
        assertEquals(200, head.status());
        assertEquals("application/json", head.header("content-type"));
        assertEquals("MISS", head.header("x-isr-cache"));
        assertEquals("", head.text());
        assertNull(head.header("x-isr-props"));
    }

    @Test
    void postToTheDataRouteIs405() {
        var h = new IsrHarness(app());
        var r = h.request("POST", "/_isr/data/blog/hello.json");
        assertEquals(405, r.status());
        assertEquals("GET, HEAD, OPTIONS", r.header("allow"));
        assertEquals(0, propsCalls.get());
    }

    @Test
    void theDataRouteOfAForceDynamicPageIsNeverCached() {
        var h = new IsrHarness(app());
        var r = h.get("/_isr/data/live/x.json");
        assertEquals(200, r.status());
        assertEquals("{\"slug\":\"x\"}", r.text());
        assertNull(r.header("x-isr-cache"));
        assertEquals(Dispatcher.NO_STORE, r.header("cache-control"));
    }

    @Test
    void theDataRouteDoesNotAnswerForAPageWithoutRevalidateWithCacheHeaders() {
        App app = App.create();
        app.page("/p/{id}").props(req -> Props.of(Json.object().put("id", req.param("id")))).render(p -> "x");
        var h = new IsrHarness(app);
        var r = h.get("/_isr/data/p/7.json");
        assertEquals(200, r.status());
        assertEquals("{\"id\":\"7\"}", r.text());
        assertNull(r.header("x-isr-cache"));
    }
}
