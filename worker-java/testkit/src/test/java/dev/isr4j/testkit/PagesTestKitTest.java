package dev.isr4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.Dynamic;
import dev.isr4j.Fallback;
import dev.isr4j.Json;
import dev.isr4j.Props;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Pages through the test kit: the kit prerenders static paths as the build does, then serves them. */
class PagesTestKitTest {
    private static final String NO_STORE = "private, no-cache, no-store, max-age=0, must-revalidate";

    private final AtomicInteger blogProps = new AtomicInteger();
    private final AtomicInteger productProps = new AtomicInteger();

    private App app() {
        App app = App.create();
        app.page("/blog/{slug}").staticPaths("/blog/hello-world", "/blog/second-post")
                .fallback(Fallback.BLOCKING).revalidate(60).tags("blog")
                .props(req -> {
                    blogProps.incrementAndGet();
                    String slug = req.param("slug");
                    if (slug.equals("old-post")) {
                        return Props.redirect("/blog/hello-world", true);
                    }
                    if (slug.startsWith("missing")) {
                        return Props.notFound();
                    }
                    return Props.of(Json.object().put("slug", slug).put("n", blogProps.get()));
                })
                .render(p -> "<article data-slug=\"" + p.get("slug") + "\"><p>n=" + p.get("n") + "</p></article>");
        app.page("/docs/{slug}").staticPaths("/docs/intro").fallback(Fallback.NONE).revalidate(300)
                .props(req -> Props.of(Json.object().put("slug", req.param("slug"))))
                .render(p -> "<h1>" + p.get("slug") + "</h1>");
        app.page("/products/{id}").staticPaths("/products/1").fallback(Fallback.SHOW_FALLBACK)
                .fallbackHtml("<p class=\"fallback\">Loading product...</p>").revalidate(60).tags("products")
                .props(req -> Props.of(Json.object().put("id", req.param("id"))
                        .put("n", productProps.incrementAndGet())))
                .render(p -> "<p class=\"product\" data-id=\"" + p.get("id") + "\">n=" + p.get("n") + "</p>");
        app.page("/about").dynamic(Dynamic.FORCE_STATIC)
                .props(req -> Props.of(Json.object().put("title", "About")))
                .render(p -> "<h1>" + p.get("title") + "</h1>");
        app.page("/live/{slug}").dynamic(Dynamic.FORCE_DYNAMIC)
                .props(req -> Props.of(Json.object().put("slug", req.param("slug"))))
                .render(p -> "live " + p.get("slug"));
        return app;
    }

    @Test
    void staticPathsArePrerenderedFromTheKitsVarsAndBindings() {
        App app = App.create();
        app.page("/products/{id}").fallback(Fallback.BLOCKING).revalidate(60)
                .staticPaths(env -> java.util.List.of("/products/" + env.kv("PRODUCTS").getText("featured")))
                .props(req -> Props.of(Json.object().put("name", req.env().kv("PRODUCTS").getText(req.param("id")))
                        .put("shop", req.env().var("SHOP"))))
                .render(p -> "<h1>" + p.get("name") + "</h1><p>" + p.get("shop") + "</p>");
        var kit = IsrTestKit.builder(app).var("SHOP", "Corner shop").kv("PRODUCTS")
                .seed(env -> {
                    env.kv("PRODUCTS").put("featured", "7");
                    env.kv("PRODUCTS").put("7", "Kettle");
                })
                .build();
        kit.kv("PRODUCTS").put("7", "Changed after the build");
        var r = kit.get("/products/7");
        assertEquals("HIT", r.cacheState(), "listed from the seeded KV and prerendered before the first request");
        assertEquals("<h1>Kettle</h1><p>Corner shop</p>", r.text());
    }

    @Test
    void aPrerenderedPageIsAHitOnTheFirstRequest() {
        var kit = IsrTestKit.start(app());
        int built = blogProps.get();
        assertEquals(2, built, "the kit rendered both static paths before the first request");
        var r = kit.get("/blog/hello-world");
        assertEquals(200, r.status());
        assertEquals("HIT", r.cacheState());
        assertEquals("s-maxage=60, stale-while-revalidate=31535940", r.cacheControl());
        assertTrue(r.text().contains("data-slug=\"hello-world\""), r.text());
        assertNull(r.header("x-isr-props"));
        assertEquals(built, blogProps.get());
    }

    @Test
    void theFirstRequestInstallsThePrerenderedPageInKvAsAPageEntry() {
        var kit = IsrTestKit.start(app());
        assertFalse(kit.kvStore("CACHE_KV").contains("cache:pages:/blog/hello-world"),
                "the bundle is not seeded into KV ahead of the first request");
        kit.get("/blog/hello-world");
        assertEquals(1, kit.drain());
        var stored = kit.kvStore("CACHE_KV").getWithMetadata("cache:pages:/blog/hello-world");
        assertNotNull(stored);
        assertTrue(stored.metadata().contains("\"k\":\"page\""), stored.metadata());
        assertTrue(stored.metadata().contains("\"t\":[\"blog\",\"path:/blog/hello-world\",\"layout:/\",\"layout:/blog\",\"layout:/blog/hello-world\"]"), stored.metadata());
        assertEquals("HIT", kit.get("/blog/hello-world").cacheState());
    }

    @Test
    void thePrerenderedPropsAreServedByTheDataRoute() {
        var kit = IsrTestKit.start(app());
        var data = kit.get("/_isr/data/blog/second-post.json");
        assertEquals(200, data.status());
        assertEquals("HIT", data.cacheState());
        assertEquals("application/json", data.header("content-type"));
        assertEquals("second-post", data.json().get("slug"));
    }

    @Test
    void prerenderedForceStaticPageIsStatic() {
        var kit = IsrTestKit.start(app());
        var r = kit.get("/about");
        assertEquals("STATIC", r.cacheState());
        assertEquals("s-maxage=31536000", r.cacheControl());
        assertEquals("<h1>About</h1>", r.text());
    }

    @Test
    void blockingPageLifecycleWithTheKitClock() {
        var kit = IsrTestKit.start(app());
        assertEquals("MISS", kit.get("/blog/new").cacheState());
        kit.drain();
        assertEquals("HIT", kit.get("/blog/new").cacheState());
        kit.clock().advanceSeconds(60);
        assertEquals("STALE", kit.get("/blog/new").cacheState());
        kit.drain();
        assertEquals("HIT", kit.get("/blog/new").cacheState());
    }

    @Test
    void noneFallbackUnlistedIs404() {
        var kit = IsrTestKit.start(app());
        var r = kit.get("/docs/unlisted");
        assertEquals(404, r.status());
        assertNull(r.cacheState());
        assertEquals("HIT", kit.get("/docs/intro").cacheState());
    }

    @Test
    void showFallbackServesTheFallbackThenTheRealPage() {
        var kit = IsrTestKit.start(app());
        int built = productProps.get();
        for (int i = 0; i < 5; i++) {
            var r = kit.get("/products/7");
            assertEquals("FALLBACK", r.cacheState());
            assertEquals(NO_STORE, r.cacheControl());
            assertTrue(r.text().contains("class=\"fallback\""), r.text());
        }
        assertEquals(1, kit.pendingBackgroundWork(), "one background render");
        kit.drain();
        assertEquals(built + 1, productProps.get());
        var real = kit.get("/products/7");
        assertEquals("HIT", real.cacheState());
        assertTrue(real.text().contains("data-id=\"7\""), real.text());
    }

    @Test
    void notFoundAndRedirectAreCached() {
        var kit = IsrTestKit.start(app());
        assertEquals(404, kit.get("/blog/missing-1").status());
        var redirect = kit.get("/blog/old-post");
        assertEquals(308, redirect.status());
        assertEquals("/blog/hello-world", redirect.header("location"));
        kit.drain();
        var notFound = kit.get("/blog/missing-1");
        assertEquals(404, notFound.status());
        assertEquals("HIT", notFound.cacheState());
        var cachedRedirect = kit.get("/blog/old-post");
        assertEquals(308, cachedRedirect.status());
        assertEquals("HIT", cachedRedirect.cacheState());
        assertEquals("/blog/hello-world", cachedRedirect.header("location"));
    }

    @Test
    void forceDynamicPageIsNeverCached() {
        var kit = IsrTestKit.start(app());
        var r = kit.get("/live/now");
        assertEquals(200, r.status());
        assertNull(r.cacheState());
        assertEquals(NO_STORE, r.cacheControl());
        assertEquals(0, kit.pendingBackgroundWork());
    }

    @Test
    void revalidatingThePageTagThroughTheEndpointReRendersThePrerenderedPage() {
        var kit = IsrTestKit.builder(app()).var("ISR_REVALIDATE_SECRET", "s3cret").build();
        var first = kit.get("/blog/hello-world");
        assertEquals("HIT", first.cacheState());
        kit.drain();
        kit.clock().advanceSeconds(1);
        var ok = kit.request("POST", "/__isr/revalidate").header("authorization", "Bearer s3cret")
                .header("content-type", "application/json").body("{\"tags\":[\"blog\"]}").send();
        assertEquals(200, ok.status(), ok.text());
        kit.clock().advanceSeconds(1);
        var after = kit.get("/blog/hello-world");
        assertEquals("MISS", after.cacheState());
        assertFalse(after.text().equals(first.text()), after.text());
        kit.drain();
        assertEquals("HIT", kit.get("/blog/hello-world").cacheState());
    }

    @Test
    void nothingIsLoggedForAHealthyPageApp() {
        var kit = IsrTestKit.start(app());
        kit.get("/blog/hello-world");
        kit.get("/products/9");
        kit.drain();
        assertTrue(kit.logs().isEmpty(), kit.logs().toString());
    }
}
