package dev.isr4j.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.Fallback;
import dev.isr4j.Json;
import dev.isr4j.Props;
import dev.isr4j.Response;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.testing.IsrHarness;
import dev.isr4j.testing.RecordingLog;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What a page's props function may return (props, not-found, redirect, its own revalidate and tags, null)
 * and the start-up checks of page declarations.
 */
class PagePropsResultsTest {
    private final AtomicInteger propsCalls = new AtomicInteger();
    private final AtomicInteger renders = new AtomicInteger();

    private App app() {
        App app = App.create();
        app.page("/blog/{slug}").fallback(Fallback.BLOCKING).revalidate(60).tags("blog")
                .props(req -> {
                    propsCalls.incrementAndGet();
                    String slug = req.param("slug");
                    if (slug.equals("old-post")) {
                        return Props.redirect("/blog/hello-world", true);
                    }
                    if (slug.equals("draft")) {
                        return Props.redirect("/login?next=/blog/draft", false);
                    }
                    if (slug.startsWith("missing")) {
                        return Props.notFound();
                    }
                    if (slug.equals("breaking")) {
                        return Props.of(Json.object().put("slug", slug)).revalidate(5);
                    }
                    if (slug.equals("by-author")) {
                        return Props.of(Json.object().put("slug", slug)).tags("author-7", "featured");
                    }
                    if (slug.equals("gone-soon")) {
                        return Props.notFound().revalidate(10);
                    }
                    if (slug.equals("null")) {
                        return null;
                    }
                    if (slug.equals("throws")) {
                        throw new IllegalStateException("database unavailable");
                    }
                    return Props.ofJson("{\"slug\":\"" + slug + "\",\"n\":" + propsCalls.get() + "}");
                })
                .render(p -> "<h1>" + p.get("slug") + "</h1><p>render " + renders.incrementAndGet() + " props "
                        + p.get("n") + "</p>");
        app.route("/api/revalidate/{tag}").post(req -> {
            req.revalidator().tag(req.param("tag"));
            return Response.status(204);
        });
        app.route("/api/revalidate-path").post(req -> {
            req.revalidator().path(req.queryParam("path"));
            return Response.status(204);
        });
        return app;
    }

    private static String state(IsrHarness h, String path) {
        return h.get(path).header("x-isr-cache");
    }

    // ----- props ----------------------------------------------------------------------------------------------

    @Test
    void propsAreRenderedIntoHtmlAndTheRendererReceivesParsedJson() {
        var h = new IsrHarness(app());
        var r = h.get("/blog/hello");
        assertEquals(200, r.status());
        assertEquals("text/html; charset=utf-8", r.header("content-type"));
        assertEquals("<h1>hello</h1><p>render 1 props 1</p>", r.text());
        assertNull(r.header("x-isr-props"), "the props header never reaches the client");
    }

    @Test
    void theStoredEntryCarriesThePropsButNoResponseEverDoes() {
        var h = new IsrHarness(app());
        h.get("/blog/hello");
        h.background.drain();
        var entry = h.cacheHandler.get("pages:/blog/hello").entry();
        assertEquals("{\"slug\":\"hello\",\"n\":1}", entry.value().props());
        assertNull(entry.value().headers().get("x-isr-props"), "a field of the entry, not a stored header");
        assertNull(h.get("/blog/hello").header("x-isr-props"), "HIT");
        assertNull(h.head("/blog/hello").header("x-isr-props"), "HEAD");
        h.clock.advanceSeconds(61);
        var stale = h.get("/blog/hello");
        assertEquals("STALE", stale.header("x-isr-cache"));
        assertNull(stale.header("x-isr-props"), "STALE");
    }

    @Test
    void aStalePageRegeneratesInTheBackgroundOnce() {
        var h = new IsrHarness(app());
        h.get("/blog/hello");
        h.background.drain();
        h.clock.advanceSeconds(60);
        assertEquals("STALE", state(h, "/blog/hello"));
        assertEquals("STALE", state(h, "/blog/hello"));
        assertEquals(1, h.background.pending());
        h.background.drain();
        var hit = h.get("/blog/hello");
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertEquals("<h1>hello</h1><p>render 2 props 2</p>", hit.text());
    }

    // ----- not found ------------------------------------------------------------------------------------------

    @Test
    void notFoundIsA404CachedLikeAPage() {
        var h = new IsrHarness(app());
        var miss = h.get("/blog/missing-1");
        assertEquals(404, miss.status());
        assertEquals("MISS", miss.header("x-isr-cache"));
        assertEquals("s-maxage=60, stale-while-revalidate=31535940", miss.header("cache-control"));
        assertTrue(miss.text().contains("404"), miss.text());
        assertTrue(miss.header("content-type").startsWith("text/html"));
        assertNull(miss.header("x-isr-props"));
        assertEquals(0, renders.get(), "not-found does not call the renderer");
        h.background.drain();
        var hit = h.get("/blog/missing-1");
        assertEquals(404, hit.status());
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertEquals(miss.text(), hit.text());
        assertNull(hit.header("x-isr-props"));
        assertEquals(1, propsCalls.get(), "the cached 404 is served without calling props again");
    }

    @Test
    void notFoundWithItsOwnRevalidateTurnsStaleOnItsOwnSchedule() {
        var h = new IsrHarness(app());
        var miss = h.get("/blog/gone-soon");
        assertEquals(404, miss.status());
        assertEquals("s-maxage=10, stale-while-revalidate=31535990", miss.header("cache-control"));
        h.background.drain();
        h.clock.advanceSeconds(9);
        assertEquals("HIT", state(h, "/blog/gone-soon"));
        h.clock.advanceSeconds(1);
        assertEquals("STALE", state(h, "/blog/gone-soon"));
    }

    // ----- redirects ------------------------------------------------------------------------------------------

    @Test
    void permanentRedirectIs308WithLocationAndCached() {
        var h = new IsrHarness(app());
        var miss = h.get("/blog/old-post");
        assertEquals(308, miss.status());
        assertEquals("/blog/hello-world", miss.header("location"));
        assertEquals("MISS", miss.header("x-isr-cache"));
        assertEquals("", miss.text());
        assertNull(miss.header("x-isr-props"));
        h.background.drain();
        var hit = h.get("/blog/old-post");
        assertEquals(308, hit.status());
        assertEquals("/blog/hello-world", hit.header("location"));
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertNull(hit.header("x-isr-props"));
        assertEquals(1, propsCalls.get());
        assertEquals(0, renders.get());
    }

    @Test
    void temporaryRedirectIs307WithLocationAndCached() {
        var h = new IsrHarness(app());
        var miss = h.get("/blog/draft");
        assertEquals(307, miss.status());
        assertEquals("/login?next=/blog/draft", miss.header("location"));
        h.background.drain();
        var hit = h.get("/blog/draft");
        assertEquals(307, hit.status());
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertEquals("/login?next=/blog/draft", hit.header("location"));
    }

    @Test
    void redirectNeedsADestination() {
        assertThrows(IllegalArgumentException.class, () -> Props.redirect("", true));
        assertThrows(IllegalArgumentException.class, () -> Props.redirect(null, false));
    }

    @Test
    void propsJsonMustBeAnObject() {
        var e = assertThrows(IllegalArgumentException.class, () -> Props.ofJson("[1,2]"));
        assertTrue(e.getMessage().contains("JSON object"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Props.ofJson(null));
    }

    // ----- per-result revalidate and tags ---------------------------------------------------------------------

    @Test
    void perResultRevalidateOverridesThePagesRevalidate() {
        var h = new IsrHarness(app());
        var miss = h.get("/blog/breaking");
        assertEquals("MISS", miss.header("x-isr-cache"));
        assertEquals("s-maxage=5, stale-while-revalidate=31535995", miss.header("cache-control"));
        h.background.drain();
        var hit = h.get("/blog/breaking");
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertEquals("s-maxage=5, stale-while-revalidate=31535995", hit.header("cache-control"));
        h.clock.advanceMillis(4999);
        assertEquals("HIT", state(h, "/blog/breaking"));
        h.clock.advanceMillis(1);
        var stale = h.get("/blog/breaking");
        assertEquals("STALE", stale.header("x-isr-cache"), "stale after 5 s, not the page's 60");
        assertEquals("s-maxage=0, stale-while-revalidate=31536000", stale.header("cache-control"));
    }

    @Test
    void perResultRevalidateIsKeptAcrossRegenerations() {
        var h = new IsrHarness(app());
        h.get("/blog/breaking");
        h.background.drain();
        h.clock.advanceSeconds(5);
        assertEquals("STALE", state(h, "/blog/breaking"));
        h.background.drain();
        var entry = h.cacheHandler.get("pages:/blog/breaking").entry();
        assertEquals(5000, entry.revalidateAt() - entry.lastModified());
    }

    @Test
    void otherResultsOfTheSamePageKeepThePagesRevalidate() {
        var h = new IsrHarness(app());
        h.get("/blog/breaking");
        var other = h.get("/blog/hello");
        assertEquals("s-maxage=60, stale-while-revalidate=31535940", other.header("cache-control"));
    }

    @Test
    void perResultTagsAreAddedToThePageTags() {
        var h = new IsrHarness(app());
        h.get("/blog/by-author");
        h.background.drain();
        assertEquals(List.of("blog", "path:/blog/by-author", "layout:/", "layout:/blog", "layout:/blog/by-author", "author-7", "featured"),
                h.cacheHandler.get("pages:/blog/by-author").entry().tags());
    }

    @Test
    void revalidatingAResultTagInvalidatesOnlyThatPage() {
        var h = new IsrHarness(app());
        h.get("/blog/by-author");
        h.get("/blog/hello");
        h.background.drain();
        assertEquals("HIT", state(h, "/blog/by-author"));
        assertEquals(204, h.request("POST", "/api/revalidate/author-7").status());
        assertEquals("MISS", state(h, "/blog/by-author"));
        assertEquals("HIT", state(h, "/blog/hello"));
    }

    @Test
    void revalidatingThePageTagInvalidatesEveryPathOfThePage() {
        var h = new IsrHarness(app());
        h.get("/blog/a");
        h.get("/blog/missing-b");
        h.get("/blog/old-post");
        h.background.drain();
        h.request("POST", "/api/revalidate/blog");
        assertEquals("MISS", state(h, "/blog/a"));
        assertEquals("MISS", state(h, "/blog/missing-b"));
        assertEquals("MISS", state(h, "/blog/old-post"));
    }

    @Test
    void revalidatePathReachesAPage() {
        var h = new IsrHarness(app());
        h.get("/blog/a");
        h.get("/blog/b");
        h.background.drain();
        assertEquals(204, h.request("POST", "/api/revalidate-path?path=/blog/a/").status());
        assertEquals("MISS", state(h, "/blog/a"));
        assertEquals("HIT", state(h, "/blog/b"));
    }

    @Test
    void parameterisedPageTagsAreResolved() {
        App app = App.create();
        app.page("/posts/{id}").revalidate(60).tags("post-{id}", "posts")
                .props(req -> Props.of(Json.object().put("id", req.param("id"))))
                .render(p -> "post " + p.get("id"));
        var h = new IsrHarness(app);
        h.get("/posts/3");
        h.background.drain();
        assertEquals(List.of("post-3", "posts", "path:/posts/3", "layout:/", "layout:/posts", "layout:/posts/3"), h.cacheHandler.get("pages:/posts/3").entry().tags());
    }

    @Test
    void anInvalidResultTagIsRefusedWhenTheResultIsBuilt() {
        assertThrows(IllegalArgumentException.class, () -> Props.notFound().tags("bad tag:with colon"));
    }

    // ----- failures -------------------------------------------------------------------------------------------

    @Test
    void propsReturningNullIsA500WithAnExplanationInTheLog() {
        var h = new IsrHarness(app());
        var r = h.get("/blog/null");
        assertEquals(500, r.status());
        assertNull(r.header("x-isr-cache"));
        assertTrue(h.log.has(RecordingLog.Level.ERROR, "/blog/{slug}", "returned null"), h.log.toString());
        assertTrue(h.log.hasError("Props.notFound()"), h.log.toString());
        assertEquals(0, h.background.submitted(), "nothing stored");
        assertTrue(h.cacheHandler.get("pages:/blog/null").absent());
    }

    @Test
    void propsThrowingIsA500AndTheNextRequestTriesAgain() {
        var h = new IsrHarness(app());
        assertEquals(500, h.get("/blog/throws").status());
        assertTrue(h.log.hasError("database unavailable"), h.log.toString());
        assertEquals(500, h.get("/blog/throws").status());
        assertEquals(2, propsCalls.get());
    }

    @Test
    void aRendererThrowingIsA500() {
        App app = App.create();
        app.page("/p/{id}").revalidate(60).props(req -> Props.of(Json.object()))
                .render(p -> {
                    throw new IllegalStateException("template broken");
                });
        var h = new IsrHarness(app);
        assertEquals(500, h.get("/p/1").status());
        assertTrue(h.log.hasError("template broken"), h.log.toString());
    }

    @Test
    void aRendererReturningNullServesAnEmptyPage() {
        App app = App.create();
        app.page("/p/{id}").revalidate(60).props(req -> Props.of(Json.object())).render(p -> null);
        var h = new IsrHarness(app);
        var r = h.get("/p/1");
        assertEquals(200, r.status());
        assertEquals("", r.text());
    }

    // ----- start-up checks --------------------------------------------------------------------------------------

    @Test
    void aPageWithoutPropsFailsAtStartUp() {
        App app = App.create();
        app.page("/p/{id}").render(p -> "x");
        var e = assertThrows(IllegalArgumentException.class, () -> new IsrHarness(app));
        assertTrue(e.getMessage().contains("/p/{id}"), e.getMessage());
        assertTrue(e.getMessage().contains(".props(...)"), e.getMessage());
    }

    @Test
    void aPageWithoutRenderFailsAtStartUp() {
        App app = App.create();
        app.page("/p/{id}").props(req -> Props.notFound());
        var e = assertThrows(IllegalArgumentException.class, () -> new IsrHarness(app));
        assertTrue(e.getMessage().contains(".render(...)"), e.getMessage());
    }

    @Test
    void aStaticPathThatDoesNotMatchThePatternFailsAtStartUpNamingThePath() {
        App app = App.create();
        app.page("/blog/{slug}").staticPaths("/blog/ok", "/news/wrong").revalidate(60)
                .props(req -> Props.notFound()).render(p -> "x");
        var e = assertThrows(IllegalArgumentException.class, () -> new IsrHarness(app));
        assertTrue(e.getMessage().contains("/news/wrong"), e.getMessage());
        assertTrue(e.getMessage().contains("/blog/{slug}"), e.getMessage());
    }

    @Test
    void aStaticPathWithTooManySegmentsFailsAtStartUp() {
        App app = App.create();
        app.page("/blog/{slug}").staticPaths("/blog/a/b").revalidate(60)
                .props(req -> Props.notFound()).render(p -> "x");
        var e = assertThrows(IllegalArgumentException.class, () -> new IsrHarness(app));
        assertTrue(e.getMessage().contains("/blog/a/b"), e.getMessage());
    }

    @Test
    void aStaticPathWithoutLeadingSlashFailsWhenDeclared() {
        App app = App.create();
        var page = app.page("/blog/{slug}");
        var e = assertThrows(IllegalArgumentException.class, () -> page.staticPaths("blog/a"));
        assertTrue(e.getMessage().contains("blog/a"), e.getMessage());
    }

    @Test
    void fallbackNullFailsWhenDeclared() {
        App app = App.create();
        var page = app.page("/blog/{slug}");
        assertThrows(IllegalArgumentException.class, () -> page.fallback(null));
    }

    @Test
    void aPageAndARouteWithTheSamePatternCannotBothBeDeclared() {
        App app = App.create();
        app.page("/blog/{slug}");
        assertThrows(IllegalArgumentException.class, () -> app.route("/blog/{slug}"));
    }

    @Test
    void aPageWithoutRevalidateIsNotCached() {
        App app = App.create();
        app.page("/p/{id}").props(req -> {
            propsCalls.incrementAndGet();
            return Props.of(Json.object().put("id", req.param("id")));
        }).render(p -> "p " + p.get("id"));
        var h = new IsrHarness(app);
        var r = h.get("/p/1");
        assertEquals(200, r.status());
        assertNull(r.header("x-isr-cache"));
        assertNull(r.header("x-isr-props"));
        h.get("/p/1");
        assertEquals(2, propsCalls.get());
        assertEquals(CacheLookup.MISS.state(), h.cacheHandler.get("pages:/p/1").state());
    }
}
