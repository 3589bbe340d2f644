package dev.isr4j.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.Fallback;
import dev.isr4j.Headers;
import dev.isr4j.Json;
import dev.isr4j.Props;
import dev.isr4j.Response;
import dev.isr4j.testing.IsrHarness;
import org.junit.jupiter.api.Test;

/** One 404 page for a page's notFound props, an unknown path and an unlisted NONE path; sensible for APIs. */
class NotFoundPageTest {
    private static final String NO_STORE = "private, no-cache, no-store, max-age=0, must-revalidate";
    private static final String PAGE = "<!doctype html><h1>Nothing here</h1>";
    private static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    private static App app(boolean withPage) {
        App app = App.create();
        if (withPage) {
            app.notFoundPage(PAGE);
        }
        app.page("/blog/{slug}").revalidate(60)
                .props(req -> req.param("slug").startsWith("missing") ? Props.notFound()
                        : Props.of(Json.object().put("slug", req.param("slug"))))
                .render(p -> "<article>" + p.get("slug") + "</article>");
        app.page("/docs/{slug}").staticPaths("/docs/intro").fallback(Fallback.NONE).revalidate(60)
                .props(req -> Props.of(Json.object().put("slug", req.param("slug"))))
                .render(p -> "<article>" + p.get("slug") + "</article>");
        app.route("/api/items/{id}").revalidate(60)
                .get(req -> Response.json(Json.object().put("error", "no such item")).withStatus(404));
        return app;
    }

    private static Response browser(IsrHarness h, String path) {
        return h.getWithHeaders(path, Headers.of("accept", BROWSER_ACCEPT));
    }

    @Test
    void aBrowserGetsTheSamePageForAnUnknownPathAnUnlistedNonePathAndANotFoundProp() {
        var h = new IsrHarness(app(true));
        for (String path : new String[] {"/no/such/page", "/docs/unlisted", "/blog/missing-post"}) {
            var r = browser(h, path);
            assertEquals(404, r.status(), path);
            assertEquals(PAGE, r.text(), path);
            assertTrue(r.header("content-type").startsWith("text/html"), path + ": " + r.header("content-type"));
        }
    }

    @Test
    void routerNotFoundsAreNeverCachedAndSayTheyVaryByAccept() {
        var h = new IsrHarness(app(true));
        for (String path : new String[] {"/no/such/page", "/docs/unlisted"}) {
            var r = browser(h, path);
            assertEquals(NO_STORE, r.header("cache-control"), path);
            assertNull(r.header("x-isr-cache"), path);
            assertEquals("accept", r.header("vary"), path);
        }
        assertEquals(0, h.background.pending());
    }

    @Test
    void aNotFoundPropIsACachedIsrAnswerWhateverTheClientAccepts() {
        var h = new IsrHarness(app(true));
        var miss = h.get("/blog/missing-post");
        assertEquals(404, miss.status());
        assertEquals(PAGE, miss.text(), "the page, even for a client that did not ask for HTML: it is one entry");
        assertEquals("MISS", miss.header("x-isr-cache"));
        assertTrue(miss.header("cache-control").startsWith("s-maxage=60,"), miss.header("cache-control"));
        h.background.drain();
        var hit = browser(h, "/blog/missing-post");
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertEquals(PAGE, hit.text());
    }

    @Test
    void clientsThatDoNotAcceptHtmlGetAShortTextForUnknownPaths() {
        var h = new IsrHarness(app(true));
        for (var headers : new Headers[] {Headers.of(), Headers.of("accept", "application/json"),
                Headers.of("accept", "*/*")}) {
            var r = h.getWithHeaders("/no/such/page", headers);
            assertEquals(404, r.status());
            assertEquals("Not Found", r.text());
            assertTrue(r.header("content-type").startsWith("text/plain"), r.header("content-type"));
        }
    }

    @Test
    void aDataRouteNotFoundIsNeverThePage() {
        var h = new IsrHarness(app(true));
        var unknown = h.getWithHeaders("/_isr/data/no/such.json", Headers.of("accept", BROWSER_ACCEPT));
        assertEquals(404, unknown.status());
        assertEquals("Not Found", unknown.text());
        var missing = h.getWithHeaders("/_isr/data/blog/missing-post.json", Headers.of("accept", BROWSER_ACCEPT));
        assertEquals(404, missing.status());
        assertEquals("{\"notFound\":true}", missing.text());
    }

    @Test
    void aHandlersOwn404IsLeftAsItIs() {
        var h = new IsrHarness(app(true));
        var r = browser(h, "/api/items/7");
        assertEquals(404, r.status());
        assertEquals("{\"error\":\"no such item\"}", r.text());
    }

    @Test
    void withoutANotFoundPageTheDefaultIsStillOnePageForAllThree() {
        var h = new IsrHarness(app(false));
        String unknown = browser(h, "/no/such/page").text();
        assertTrue(unknown.contains("404"), unknown);
        assertEquals(unknown, browser(h, "/docs/unlisted").text());
        assertEquals(unknown, browser(h, "/blog/missing-post").text());
    }

    @Test
    void anEmptyNotFoundPageIsRefusedWithAMessage() {
        var e = assertThrows(IllegalArgumentException.class, () -> App.create().notFoundPage(""));
        assertTrue(e.getMessage().contains("notFoundPage"), e.getMessage());
    }
}
