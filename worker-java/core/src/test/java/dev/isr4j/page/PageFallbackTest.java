package dev.isr4j.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.Fallback;
import dev.isr4j.Json;
import dev.isr4j.Props;
import dev.isr4j.Request;
import dev.isr4j.route.PageSpec;
import dev.isr4j.testing.IsrHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Pages: what happens for a path the page lists and for one it does not, under each {@link Fallback} mode,
 * seen through the real Dispatcher over the in-memory cache handler.
 */
class PageFallbackTest {
    private static final String NO_STORE = "private, no-cache, no-store, max-age=0, must-revalidate";
    private static final String FALLBACK_HTML = "<p class=\"fallback\">Loading product...</p>";

    private final AtomicInteger propsCalls = new AtomicInteger();
    private final List<String> propsPaths = new ArrayList<>();

    private Props props(Request req, String slug) {
        propsCalls.incrementAndGet();
        synchronized (propsPaths) {
            propsPaths.add(req.path());
        }
        return Props.of(Json.object().put("slug", slug).put("n", propsCalls.get()));
    }

    private static String article(Map<String, Object> p) {
        return "<article data-slug=\"" + p.get("slug") + "\">render " + p.get("n") + "</article>";
    }

    private App app() {
        App app = App.create();
        app.page("/docs/{slug}").staticPaths("/docs/intro").fallback(Fallback.NONE).revalidate(300).tags("docs")
                .props(req -> props(req, req.param("slug"))).render(PageFallbackTest::article);
        app.page("/blog/{slug}").staticPaths("/blog/hello-world/", "/blog/second-post").fallback(Fallback.BLOCKING)
                .revalidate(60).tags("blog")
                .props(req -> props(req, req.param("slug"))).render(PageFallbackTest::article);
        app.page("/products/{id}").staticPaths("/products/1").fallback(Fallback.SHOW_FALLBACK)
                .fallbackHtml(FALLBACK_HTML).revalidate(60).tags("products")
                .props(req -> props(req, req.param("id"))).render(PageFallbackTest::article);
        app.page("/plain/{id}").fallback(Fallback.SHOW_FALLBACK).revalidate(60)
                .props(req -> props(req, req.param("id"))).render(PageFallbackTest::article);
        app.page("/about").fallback(Fallback.NONE).revalidate(60)
                .props(req -> props(req, "about")).render(PageFallbackTest::article);
        return app;
    }

    // ----- Fallback.NONE ------------------------------------------------------------------------------------

    @Test
    void noneServesAListedPathWithIsr() {
        var h = new IsrHarness(app());
        var miss = h.get("/docs/intro");
        assertEquals(200, miss.status());
        assertEquals("MISS", miss.header("x-isr-cache"));
        assertTrue(miss.text().contains("data-slug=\"intro\""), miss.text());
        h.background.drain();
        var hit = h.get("/docs/intro");
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertEquals(miss.text(), hit.text());
        assertEquals(1, propsCalls.get());
    }

    @Test
    void noneAnswersAnUnlistedPathWithAPlain404WithoutCallingPropsOrCaching() {
        var h = new IsrHarness(app());
        for (int i = 0; i < 3; i++) {
            var r = h.get("/docs/unlisted");
            assertEquals(404, r.status());
            assertNull(r.header("x-isr-cache"), "a NONE 404 is not an ISR response");
            assertNull(r.header("x-isr-props"));
            assertTrue(r.header("content-type").startsWith("text/plain"), r.header("content-type"));
        }
        assertEquals(0, propsCalls.get());
        assertEquals(0, h.background.submitted(), "nothing is written for an unlisted NONE path");
    }

    @Test
    void noneTreatsATrailingSlashAsTheListedPath() {
        var h = new IsrHarness(app());
        var r = h.get("/docs/intro/");
        assertEquals(200, r.status());
        assertEquals("MISS", r.header("x-isr-cache"));
        h.background.drain();
        assertEquals("HIT", h.get("/docs/intro").header("x-isr-cache"), "same entry with or without the slash");
    }

    @Test
    void aStaticPathDeclaredWithATrailingSlashIsListedWithoutIt() {
        App app = App.create();
        app.page("/docs/{slug}").staticPaths("/docs/intro/").fallback(Fallback.NONE).revalidate(60)
                .props(req -> props(req, req.param("slug"))).render(PageFallbackTest::article);
        var h = new IsrHarness(app);
        assertEquals(200, h.get("/docs/intro").status());
        assertEquals(200, h.get("/docs/intro/").status());
        assertEquals(404, h.get("/docs/other").status());
    }

    @Test
    void noneAnswersHeadOfAnUnlistedPathWith404AndTheDataRouteToo() {
        var h = new IsrHarness(app());
        assertEquals(404, h.head("/docs/unlisted").status());
        assertEquals(404, h.get("/_isr/data/docs/unlisted.json").status());
        assertEquals(200, h.get("/_isr/data/docs/intro.json").status());
        assertEquals(1, propsCalls.get(), "only the listed path rendered");
    }

    @Test
    void aPageWithoutParametersListsItselfSoNoneServesIt() {
        var h = new IsrHarness(app());
        var r = h.get("/about");
        assertEquals(200, r.status(), r.text());
        assertEquals("MISS", r.header("x-isr-cache"));
        assertEquals(200, h.get("/about/").status());
    }

    @Test
    void aPageWithoutParametersIsAmongItsStaticPathsAfterStartUp() {
        App app = app();
        var h = new IsrHarness(app); // start-up checks run in the Dispatcher's constructor
        var about = h.dispatcher.routes().stream().filter(r -> r.pattern().equals("/about")).findFirst().orElseThrow();
        assertEquals(List.of("/about"), about.page().staticPaths());
        assertTrue(about.page().isListed("/about/"));
        var blog = h.dispatcher.routes().stream().filter(r -> r.pattern().equals("/blog/{slug}")).findFirst().orElseThrow();
        assertEquals(List.of("/blog/hello-world", "/blog/second-post"), blog.page().staticPaths(),
                "static paths are normalised and a parameterised page does not list its pattern");
    }

    // ----- Fallback.BLOCKING ---------------------------------------------------------------------------------

    @Test
    void blockingRendersAnUnlistedPathOnDemandCachesItThenServesHits() {
        var h = new IsrHarness(app());
        var miss = h.get("/blog/brand-new");
        assertEquals(200, miss.status());
        assertEquals("MISS", miss.header("x-isr-cache"));
        assertEquals("s-maxage=60, stale-while-revalidate=31535940", miss.header("cache-control"));
        assertTrue(miss.text().contains("data-slug=\"brand-new\""), miss.text());
        assertEquals(1, h.background.drain(), "one write");
        var hit = h.get("/blog/brand-new");
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertEquals(miss.text(), hit.text());
        assertEquals(1, propsCalls.get());
    }

    @Test
    void blockingServesAListedPathTheSameWay() {
        var h = new IsrHarness(app());
        assertEquals("MISS", h.get("/blog/hello-world").header("x-isr-cache"));
        h.background.drain();
        assertEquals("HIT", h.get("/blog/hello-world/").header("x-isr-cache"));
    }

    @Test
    void blockingEntryIsStoredUnderThePageKeyWithTheRouteTagsAndThePathTag() {
        var h = new IsrHarness(app());
        h.get("/blog/brand-new/");
        h.background.drain();
        var lookup = h.cacheHandler.get("pages:/blog/brand-new");
        assertEquals(dev.isr4j.api.CacheLookup.State.FRESH, lookup.state());
        assertEquals(List.of("blog", "path:/blog/brand-new", "layout:/", "layout:/blog", "layout:/blog/brand-new"), lookup.entry().tags());
        assertTrue(h.cacheHandler.get("app:/blog/brand-new:route").absent(), "pages do not use route keys");
    }

    // ----- Fallback.SHOW_FALLBACK ------------------------------------------------------------------------------

    @Test
    void showFallbackRendersAListedPathInTheForeground() {
        var h = new IsrHarness(app());
        var r = h.get("/products/1");
        assertEquals("MISS", r.header("x-isr-cache"));
        assertTrue(r.text().contains("data-slug=\"1\""), r.text());
        assertEquals(1, propsCalls.get());
    }

    @Test
    void showFallbackAnswersTheFirstMissWithTheFallbackAndNeverCachesIt() {
        var h = new IsrHarness(app());
        var r = h.get("/products/9");
        assertEquals(200, r.status());
        assertEquals("FALLBACK", r.header("x-isr-cache"));
        assertEquals(NO_STORE, r.header("cache-control"));
        assertEquals(FALLBACK_HTML, r.text());
        assertTrue(r.header("content-type").startsWith("text/html"), r.header("content-type"));
        assertNull(r.header("x-isr-props"));
        assertEquals(0, propsCalls.get(), "the page renders in the background, not in the request");
        assertTrue(h.cacheHandler.get("pages:/products/9").absent(), "the fallback itself is never stored");
    }

    @Test
    void showFallbackQueuesExactlyOneBackgroundRenderForTwentyRequests() {
        var h = new IsrHarness(app());
        for (int i = 0; i < 20; i++) {
            var r = h.get("/products/9");
            assertEquals("FALLBACK", r.header("x-isr-cache"), "request " + i);
            assertEquals(FALLBACK_HTML, r.text());
        }
        assertEquals(1, h.background.pending(), "one render for every waiting visitor");
        assertEquals(0, propsCalls.get());
        h.background.drain();
        assertEquals(1, propsCalls.get());
        var hit = h.get("/products/9");
        assertEquals(200, hit.status());
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertEquals("s-maxage=60, stale-while-revalidate=31535940", hit.header("cache-control"));
        assertTrue(hit.text().contains("data-slug=\"9\""), hit.text());
        assertEquals(1, propsCalls.get());
    }

    @Test
    void showFallbackBackgroundRenderUsesACleanRequest() {
        var h = new IsrHarness(app());
        h.get("/products/9?utm=x");
        h.background.drain();
        assertEquals(List.of("/products/9"), propsPaths);
        var hit = h.get("/products/9");
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertEquals(List.of("products", "path:/products/9", "layout:/", "layout:/products", "layout:/products/9"), h.cacheHandler.get("pages:/products/9").entry().tags());
    }

    @Test
    void showFallbackWithoutFallbackHtmlServesTheDefaultLoadingPage() {
        var h = new IsrHarness(app());
        var r = h.get("/plain/x");
        assertEquals("FALLBACK", r.header("x-isr-cache"));
        assertEquals(PageSpec.DEFAULT_FALLBACK_HTML, r.text());
    }

    @Test
    void showFallbackForADataRouteRendersInTheForeground() {
        var h = new IsrHarness(app());
        var r = h.get("/_isr/data/products/9.json");
        assertEquals(200, r.status());
        assertEquals("MISS", r.header("x-isr-cache"));
        assertEquals("application/json", r.header("content-type"));
        assertTrue(r.text().contains("\"slug\":\"9\""), r.text());
        assertEquals(1, propsCalls.get());
    }

    @Test
    void showFallbackKeepsServingTheFallbackWhenTheBackgroundRenderFails() {
        AtomicInteger calls = new AtomicInteger();
        App app = App.create();
        app.page("/products/{id}").fallback(Fallback.SHOW_FALLBACK).fallbackHtml(FALLBACK_HTML).revalidate(60)
                .props(req -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("upstream down");
                    }
                    return Props.of(Json.object().put("slug", req.param("id")).put("n", calls.get()));
                })
                .render(PageFallbackTest::article);
        var h = new IsrHarness(app);
        assertEquals("FALLBACK", h.get("/products/5").header("x-isr-cache"));
        h.background.drain();
        assertTrue(h.log.hasError("upstream down"), h.log.toString());
        assertEquals("FALLBACK", h.get("/products/5").header("x-isr-cache"), "nothing stored: fallback again");
        h.background.drain();
        var hit = h.get("/products/5");
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertTrue(hit.text().contains("render 2"), hit.text());
    }

    @Test
    void showFallbackCachesANotFoundResultFromTheBackgroundRender() {
        App app = App.create();
        app.page("/products/{id}").fallback(Fallback.SHOW_FALLBACK).revalidate(60)
                .props(req -> {
                    propsCalls.incrementAndGet();
                    return Props.notFound();
                })
                .render(PageFallbackTest::article);
        var h = new IsrHarness(app);
        assertEquals("FALLBACK", h.get("/products/404").header("x-isr-cache"));
        h.background.drain();
        var r = h.get("/products/404");
        assertEquals(404, r.status());
        assertEquals("HIT", r.header("x-isr-cache"));
        assertEquals(1, propsCalls.get());
    }

    @Test
    void developmentModeNeverShowsTheFallback() {
        var h = new IsrHarness(app());
        var r = h.send(Request.builder("GET", IsrHarness.ORIGIN + "/products/9")
                .env(IsrHarness.env(Map.of("ISR_MODE", "development"))).build());
        assertEquals(200, r.status());
        assertNull(r.header("x-isr-cache"), "development renders every request, uncached");
        assertTrue(r.text().contains("data-slug=\"9\""), r.text());
        assertNull(r.header("x-isr-props"));
    }

    @Test
    void developmentModeStillAnswersNoneUnlistedPathsWith404() {
        var h = new IsrHarness(app());
        var r = h.send(Request.builder("GET", IsrHarness.ORIGIN + "/docs/unlisted")
                .env(IsrHarness.env(Map.of("ISR_MODE", "development"))).build());
        assertEquals(404, r.status());
    }

    @Test
    void aPostToAPageIs405WhateverTheFallback() {
        var h = new IsrHarness(app());
        for (String p : new String[] {"/docs/unlisted", "/blog/x", "/products/9"}) {
            var r = h.request("POST", p);
            assertEquals(405, r.status(), p);
            assertEquals("GET, HEAD, OPTIONS", r.header("allow"), p);
        }
        assertEquals(0, propsCalls.get());
    }
}
