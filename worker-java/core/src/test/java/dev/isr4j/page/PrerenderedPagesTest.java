package dev.isr4j.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.api.KvCacheOptions;
import dev.isr4j.json.JsonReader;
import dev.isr4j.routing.Dispatcher;
import dev.isr4j.runtime.IsrRuntime;
import dev.isr4j.App;
import dev.isr4j.Dynamic;
import dev.isr4j.Fallback;
import dev.isr4j.Json;
import dev.isr4j.Props;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.api.CacheHandler;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.cache.InMemoryCacheHandler;
import dev.isr4j.cache.InMemoryKvStore;
import dev.isr4j.cache.KvCacheHandler;
import dev.isr4j.runtime.Prerenderer;
import dev.isr4j.testing.IsrHarness;
import dev.isr4j.testing.ManualClock;
import dev.isr4j.testing.QueuedBackgroundWork;
import dev.isr4j.testing.RecordingLog;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Build-time prerendering ({@link Prerenderer}) and the bundle's use at run time ({@link Prerendered}, served
 * by {@link RouteCache} as HITs and installed into the cache).
 */
class PrerenderedPagesTest {
    private static final long BUILD_TIME = IsrHarness.T0;
    /** The deployment goes live an hour after the build. */
    private static final long DEPLOY_TIME = BUILD_TIME + 3_600_000L;
    /** What the bundled /blog/hello-world says: it is the build's first props call. */
    private static final String BUNDLED = "<p>n=1</p>";

    private final AtomicInteger blogProps = new AtomicInteger();
    private final AtomicInteger aboutProps = new AtomicInteger();
    private final AtomicInteger configRenders = new AtomicInteger();

    private App app() {
        App app = App.create();
        app.page("/blog/{slug}").staticPaths("/blog/hello-world", "/blog/second-post", "/blog/missing-draft")
                .fallback(Fallback.BLOCKING).revalidate(60).tags("blog")
                .props(req -> {
                    blogProps.incrementAndGet();
                    String slug = req.param("slug");
                    if (slug.startsWith("missing")) {
                        return Props.notFound();
                    }
                    return Props.of(Json.object().put("slug", slug).put("renderedAt", req.env().clock().millis())
                            .put("n", blogProps.get()));
                })
                .render(p -> "<article data-slug=\"" + p.get("slug") + "\"><p class=\"rendered-at\">"
                        + p.get("renderedAt") + "</p><p>n=" + p.get("n") + "</p></article>");
        app.page("/docs/{slug}").staticPaths("/docs/intro").fallback(Fallback.NONE).revalidate(300).tags("docs")
                .props(req -> Props.of(Json.object().put("slug", req.param("slug"))))
                .render(p -> "<h1>" + p.get("slug") + "</h1>");
        app.page("/products/{id}").staticPaths("/products/1").fallback(Fallback.SHOW_FALLBACK)
                .fallbackHtml("<p class=\"fallback\">Loading</p>").revalidate(60).tags("products")
                .props(req -> Props.of(Json.object().put("id", req.param("id"))))
                .render(p -> "<h1>product " + p.get("id") + "</h1>");
        app.page("/about").dynamic(Dynamic.FORCE_STATIC)
                .props(req -> Props.of(Json.object().put("n", aboutProps.incrementAndGet())))
                .render(p -> "<h1>About</h1><p>n=" + p.get("n") + "</p>");
        app.route("/api/static-config").dynamic(Dynamic.FORCE_STATIC)
                .get(req -> Response.json(Json.object().put("n", configRenders.incrementAndGet())));
        app.route("/api/static-item/{id}").dynamic(Dynamic.FORCE_STATIC)
                .get(req -> Response.json(Json.object().put("id", req.param("id"))));
        app.route("/api/posts/{id}").revalidate(60).get(req -> Response.json("{}"));
        app.route("/api/plain").revalidate(60).get(req -> Response.json("{}"));
        app.page("/live/{slug}").dynamic(Dynamic.FORCE_DYNAMIC)
                .props(req -> Props.of(Json.object().put("slug", req.param("slug"))))
                .render(p -> "live");
        app.route("/api/revalidate/{tag}").post(req -> {
            req.revalidator().tag(req.param("tag"));
            return Response.status(204);
        });
        app.route("/api/revalidate-path").post(req -> {
            req.revalidator().path(req.queryParam("path"));
            return Response.status(204);
        });
        app.route("/api/revalidate-layout").post(req -> {
            req.revalidator().path(req.queryParam("path"), dev.isr4j.PathType.LAYOUT);
            return Response.status(204);
        });
        return app;
    }

    /** A worker "deployed" with a bundle: a fresh KV namespace, the bundle parsed as at start-up. */
    private static final class Deployed {
        final ManualClock clock = new ManualClock(DEPLOY_TIME);
        final QueuedBackgroundWork background = new QueuedBackgroundWork();
        final RecordingLog log = new RecordingLog();
        final InMemoryKvStore kvStore = new InMemoryKvStore(clock);
        final CacheHandler cache;
        final Dispatcher dispatcher;

        Deployed(App app, String bundle, boolean kv) {
            cache = kv ? new KvCacheHandler(kvStore, clock, log, KvCacheOptions.defaults())
                    : new InMemoryCacheHandler(clock);
            dispatcher = new Dispatcher(app, cache, log, Prerendered.parse(bundle, log), clock);
        }

        dev.isr4j.Response get(String path) {
            return request("GET", path);
        }

        dev.isr4j.Response request(String method, String path) {
            return dispatcher.handle(Request.builder(method, IsrHarness.ORIGIN + path).build(), background);
        }
    }

    private String build(App app) {
        var log = new RecordingLog();
        String bundle = Prerenderer.render(app, dev.isr4j.Env.NONE, new ManualClock(BUILD_TIME), log);
        assertTrue(log.errors().isEmpty(), log.toString());
        return bundle;
    }

    @SuppressWarnings("unchecked")
    private static List<List<Object>> entries(String bundle) {
        var root = (Map<String, Object>) JsonReader.parse(bundle);
        return (List<List<Object>>) root.get("entries");
    }

    private static Set<String> keys(String bundle) {
        var out = new TreeSet<String>();
        for (var e : entries(bundle)) {
            out.add((String) e.get(0));
        }
        return out;
    }

    private static String metadataOf(String bundle, String key) {
        for (var e : entries(bundle)) {
            if (e.get(0).equals(key)) {
                return (String) e.get(1);
            }
        }
        throw new AssertionError("no entry " + key + " in " + keys(bundle));
    }

    // ----- the bundle -------------------------------------------------------------------------------------------

    @Test
    void theBundleHoldsEveryStaticPathAndEveryParameterlessForceStaticRouteAndNothingElse() {
        String bundle = build(app());
        assertEquals(new TreeSet<>(List.of(
                "pages:/blog/hello-world", "pages:/blog/second-post", "pages:/blog/missing-draft",
                "pages:/docs/intro", "pages:/products/1", "pages:/about",
                "app:/api/static-config:route")), keys(bundle));
    }

    @Test
    void theBundleHasAVersionAndItsBuildTime() {
        @SuppressWarnings("unchecked")
        var root = (Map<String, Object>) JsonReader.parse(build(app()));
        assertEquals((long) Prerendered.VERSION, root.get("version"));
        assertEquals(BUILD_TIME, root.get("builtAt"));
    }

    @Test
    void bundledEntriesAreInTheKvFormatWithKindPageAndTheirTags() {
        String bundle = build(app());
        String meta = metadataOf(bundle, "pages:/blog/hello-world");
        assertTrue(meta.contains("\"k\":\"page\""), meta);
        assertTrue(meta.contains("\"t\":[\"blog\",\"path:/blog/hello-world\",\"layout:/\",\"layout:/blog\",\"layout:/blog/hello-world\"]"), meta);
        assertTrue(meta.contains("\"lm\":" + BUILD_TIME), meta);
        assertTrue(metadataOf(bundle, "app:/api/static-config:route").contains("\"k\":\"route\""));
        for (var e : entries(bundle)) {
            if (e.get(0).equals("pages:/blog/hello-world")) {
                assertEquals(Prerendered.TEXT, e.get(3), "an HTML page is bundled as text");
                String body = (String) e.get(2);
                assertTrue(body.contains("data-slug=\"hello-world\""), body);
                assertTrue(body.contains("n=1"), body);
            }
        }
    }

    @Test
    void theBundleDecodesBackIntoEntriesWithTheirProps() {
        var parsed = Prerendered.parse(build(app()), new RecordingLog());
        var entry = parsed.get("pages:/blog/hello-world");
        assertNotNull(entry);
        assertEquals(200, entry.value().status());
        assertTrue(entry.value().props().contains("\"slug\":\"hello-world\""));
        assertEquals(404, parsed.get("pages:/blog/missing-draft").value().status());
    }

    @Test
    void aBuildIdScopesTheBundledKeys() {
        App app = app().buildId("b42");
        String bundle = build(app);
        assertTrue(keys(bundle).contains("pages:b42:/blog/hello-world"), keys(bundle).toString());
        assertTrue(keys(bundle).contains("app:b42:/api/static-config:route"), keys(bundle).toString());
        var d = new Deployed(app, bundle, true);
        assertEquals("HIT", d.get("/blog/hello-world").header("x-isr-cache"));
    }

    @Test
    void aStaticPathThatFailsToRenderFailsTheBuildNamingIt() {
        App app = App.create();
        app.page("/blog/{slug}").staticPaths("/blog/ok", "/blog/broken").revalidate(60)
                .props(req -> {
                    if (req.param("slug").equals("broken")) {
                        throw new IllegalStateException("cms unreachable");
                    }
                    return Props.of(Json.object());
                })
                .render(p -> "x");
        var e = assertThrows(IllegalStateException.class,
                () -> Prerenderer.render(app, dev.isr4j.Env.NONE, new ManualClock(BUILD_TIME), new RecordingLog()));
        assertTrue(e.getMessage().contains("/blog/broken"), e.getMessage());
        assertTrue(e.getMessage().contains("500"), e.getMessage());
    }

    @Test
    void theBuildRendersEachStaticPathOnce() {
        build(app());
        assertEquals(3, blogProps.get());
        assertEquals(1, aboutProps.get());
        assertEquals(1, configRenders.get());
    }

    // ----- serving the bundle ---------------------------------------------------------------------------------

    @Test
    void aPrerenderedPageIsAHitOnTheFirstRequestAndIsInstalled() {
        App app = app();
        String bundle = build(app);
        int builtRenders = blogProps.get();
        var d = new Deployed(app, bundle, true);
        var first = d.get("/blog/hello-world");
        assertEquals(200, first.status());
        assertEquals("HIT", first.header("x-isr-cache"));
        assertEquals("s-maxage=60, stale-while-revalidate=31535940", first.header("cache-control"));
        assertTrue(first.text().contains(BUNDLED), first.text());
        assertNull(first.header("x-isr-props"));
        assertEquals(builtRenders, blogProps.get(), "served from the bundle, props not called");
        assertEquals(1, d.background.pending(), "the install write is queued");
        assertFalse(d.kvStore.contains("cache:pages:/blog/hello-world"), "not written before the background runs");
        d.background.drain();
        var stored = d.kvStore.getWithMetadata("cache:pages:/blog/hello-world");
        assertNotNull(stored, "installed in KV");
        assertTrue(stored.metadata().contains("\"k\":\"page\""), stored.metadata());
        assertTrue(stored.metadata().contains("\"lm\":" + DEPLOY_TIME), "installed as written now: "
                + stored.metadata());
        var second = d.get("/blog/hello-world");
        assertEquals("HIT", second.header("x-isr-cache"));
        assertEquals(first.text(), second.text());
        assertEquals(0, d.background.pending(), "served from the cache: no second install");
        assertEquals(builtRenders, blogProps.get());
        assertTrue(d.log.isEmpty(), d.log.toString());
    }

    @Test
    void everyBundledPathIsServedWithoutRendering() {
        App app = app();
        String bundle = build(app);
        int blog = blogProps.get();
        var d = new Deployed(app, bundle, true);
        assertEquals("HIT", d.get("/blog/second-post").header("x-isr-cache"));
        assertEquals("HIT", d.get("/docs/intro").header("x-isr-cache"));
        var product = d.get("/products/1");
        assertEquals("HIT", product.header("x-isr-cache"), "a listed SHOW_FALLBACK path is never a fallback");
        assertEquals("<h1>product 1</h1>", product.text());
        var missing = d.get("/blog/missing-draft");
        assertEquals(404, missing.status());
        assertEquals("HIT", missing.header("x-isr-cache"));
        assertEquals(blog, blogProps.get());
    }

    @Test
    void requestsArrivingWhileTheInstallWriteIsInFlightAreServedFromTheBundleNotRendered() {
        App app = app();
        String bundle = build(app);
        var d = new Deployed(app, bundle, true);
        int before = aboutProps.get();
        for (int i = 0; i < 3; i++) {
            var about = d.get("/about"); // the install write of the first is still queued
            assertEquals("STATIC", about.header("x-isr-cache"));
            assertEquals("<h1>About</h1><p>n=1</p>", about.text());
        }
        assertEquals(1, d.background.pending(), "one install write, not one per request");
        d.background.drain();
        assertEquals("STATIC", d.get("/about").header("x-isr-cache"));
        assertEquals(before, aboutProps.get(), "never rendered at run time");
    }

    @Test
    void prerenderedForceStaticPageAndRouteAreStaticOnTheFirstRequest() {
        App app = app();
        String bundle = build(app);
        var d = new Deployed(app, bundle, true);
        var about = d.get("/about");
        assertEquals("STATIC", about.header("x-isr-cache"));
        assertEquals("s-maxage=31536000", about.header("cache-control"));
        assertEquals("<h1>About</h1><p>n=1</p>", about.text());
        var config = d.get("/api/static-config");
        assertEquals("STATIC", config.header("x-isr-cache"));
        assertEquals("s-maxage=31536000", config.header("cache-control"));
        assertEquals("{\"n\":1}", config.text());
        d.background.drain();
        d.clock.advanceSeconds(2L * 365 * 24 * 3600);
        assertEquals("STATIC", d.get("/about").header("x-isr-cache"));
        assertEquals("{\"n\":1}", d.get("/api/static-config").text());
        assertEquals(1, aboutProps.get());
        assertEquals(1, configRenders.get());
    }

    @Test
    void theDataRouteOfAPrerenderedPageIsAHitOnTheFirstRequest() {
        App app = app();
        String bundle = build(app);
        int blog = blogProps.get();
        var d = new Deployed(app, bundle, true);
        var data = d.get("/_isr/data/blog/hello-world.json");
        assertEquals(200, data.status());
        assertEquals("HIT", data.header("x-isr-cache"));
        assertEquals("application/json", data.header("content-type"));
        assertTrue(data.text().contains("\"n\":1"), data.text());
        assertEquals(blog, blogProps.get());
    }

    @Test
    void aPathOutsideTheBundleRendersOnDemand() {
        App app = app();
        String bundle = build(app);
        var d = new Deployed(app, bundle, true);
        assertEquals("MISS", d.get("/blog/new-post").header("x-isr-cache"));
        assertEquals(404, d.get("/docs/unlisted").status());
        assertEquals("FALLBACK", d.get("/products/2").header("x-isr-cache"));
    }

    @Test
    void isrProceedsFromTheInstallNotFromTheBuild() {
        App app = app();
        String bundle = build(app);
        var d = new Deployed(app, bundle, true);
        d.clock.advanceSeconds(24 * 3600); // first visitor a day after the build
        assertEquals("HIT", d.get("/blog/hello-world").header("x-isr-cache"));
        d.background.drain();
        d.clock.advanceSeconds(59);
        assertEquals("HIT", d.get("/blog/hello-world").header("x-isr-cache"));
        d.clock.advanceSeconds(1);
        var stale = d.get("/blog/hello-world");
        assertEquals("STALE", stale.header("x-isr-cache"));
        assertTrue(stale.text().contains(BUNDLED), stale.text());
        d.background.drain();
        var fresh = d.get("/blog/hello-world");
        assertEquals("HIT", fresh.header("x-isr-cache"));
        assertFalse(fresh.text().contains(BUNDLED), "regenerated: " + fresh.text());
    }

    @Test
    void aPrerenderedPageIsAlsoServedWithTheInMemoryCache() {
        App app = app();
        String bundle = build(app);
        var d = new Deployed(app, bundle, false);
        assertEquals("HIT", d.get("/blog/hello-world").header("x-isr-cache"));
        assertEquals(1, d.background.drain());
        assertEquals(CacheLookup.State.FRESH, d.cache.get("pages:/blog/hello-world").state());
    }

    @Test
    void theRuntimeServesTheBundle() {
        App app = app();
        String bundle = build(app);
        var clock = new ManualClock(DEPLOY_TIME);
        var log = new RecordingLog();
        var store = new InMemoryKvStore(clock);
        var runtime = IsrRuntime.start(app, store, KvCacheHandler.Tiers.NONE, clock, log, bundle);
        var background = new QueuedBackgroundWork();
        var r = runtime.begin(Request.builder("GET", IsrHarness.ORIGIN + "/blog/hello-world").build(), background)
                .run();
        assertEquals("HIT", r.header("x-isr-cache"));
        background.drain();
        assertTrue(store.contains("cache:pages:/blog/hello-world"));
    }

    @Test
    void theRuntimeReadsTheBundleOnlyWhenARequestFirstNeedsItAndThenOnce() {
        App app = app();
        String bundle = build(app);
        var clock = new ManualClock(DEPLOY_TIME);
        var store = new InMemoryKvStore(clock);
        var background = new QueuedBackgroundWork();
        // a first isolate installs the bundled page into KV
        var first = IsrRuntime.start(app, store, KvCacheHandler.Tiers.NONE, clock, new RecordingLog(), bundle);
        assertEquals("HIT", first.begin(Request.builder("GET", IsrHarness.ORIGIN + "/blog/hello-world").build(),
                background).run().header("x-isr-cache"));
        background.drain();

        var reads = new AtomicInteger();
        var second = IsrRuntime.startWithBundle(app, store, KvCacheHandler.Tiers.NONE, clock, new RecordingLog(),
                () -> {
                    reads.incrementAndGet();
                    return bundle;
                });
        var hit = second.begin(Request.builder("GET", IsrHarness.ORIGIN + "/blog/hello-world").build(), background)
                .run();
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertEquals(0, reads.get(), "an answer from the cache neither reads nor parses the bundle");

        var bundled = second.begin(Request.builder("GET", IsrHarness.ORIGIN + "/docs/intro").build(), background)
                .run();
        assertEquals("HIT", bundled.header("x-isr-cache"), "a page not in the cache yet comes from the bundle");
        assertEquals(1, reads.get());
        assertEquals("MISS", second.begin(Request.builder("GET", IsrHarness.ORIGIN + "/api/plain").build(),
                background).run().header("x-isr-cache"));
        assertEquals(1, reads.get(), "the bundle is read once per isolate");
    }

    @Test
    void aBundleThatCannotBeReadIsLoggedAndPagesRenderOnDemand() {
        App app = app();
        var clock = new ManualClock(DEPLOY_TIME);
        var log = new RecordingLog();
        var runtime = IsrRuntime.startWithBundle(app, new InMemoryKvStore(clock), KvCacheHandler.Tiers.NONE, clock,
                log, () -> {
                    throw new IllegalStateException("gone");
                });
        var r = runtime.begin(Request.builder("GET", IsrHarness.ORIGIN + "/blog/hello-world").build(),
                new QueuedBackgroundWork()).run();
        assertEquals(200, r.status());
        assertEquals("MISS", r.header("x-isr-cache"));
        assertTrue(log.hasError("prerendered bundle could not be read"), log.toString());
    }

    // ----- invalidating a bundled page --------------------------------------------------------------------------

    /** A bundled page nobody requested since deploy is reached by its ancestor's layout tag, never listed. */
    private void layoutRevalidationReachesABundledPageNeverRequested(boolean kv) {
        App app = app();
        String bundle = build(app);
        var d = new Deployed(app, bundle, kv);
        d.clock.advanceSeconds(1);
        assertEquals(204, d.request("POST", "/api/revalidate-layout?path=/blog").status());
        d.clock.advanceSeconds(1);
        var after = d.get("/blog/second-post");
        assertEquals("MISS", after.header("x-isr-cache"), "not the build's copy");
        assertFalse(after.text().contains(BUNDLED), after.text());
        assertEquals("HIT", d.get("/docs/intro").header("x-isr-cache"), "outside /blog: still the bundle");
    }

    @Test
    void layoutRevalidationReachesABundledPageNeverRequestedInKv() {
        layoutRevalidationReachesABundledPageNeverRequested(true);
    }

    @Test
    void layoutRevalidationReachesABundledPageNeverRequestedInMemory() {
        layoutRevalidationReachesABundledPageNeverRequested(false);
    }

    private void bundledPageIsNotServedAgainAfterAHardTagRevalidation(boolean kv) {
        App app = app();
        String bundle = build(app);
        int blog = blogProps.get();
        var d = new Deployed(app, bundle, kv);
        var first = d.get("/blog/hello-world");
        assertEquals("HIT", first.header("x-isr-cache"));
        d.background.drain();
        d.clock.advanceSeconds(1);
        assertEquals(204, d.request("POST", "/api/revalidate/blog").status());
        assertNotEquals(true, d.cache.get("pages:/blog/hello-world").absent(),
                "an invalidated entry is not an absent one");
        assertSame(CacheLookup.INVALIDATED, d.cache.get("pages:/blog/hello-world"));
        d.clock.advanceSeconds(1);
        var after = d.get("/blog/hello-world");
        assertEquals("MISS", after.header("x-isr-cache"), "re-rendered, not the bundle again");
        assertEquals(blog + 1, blogProps.get());
        assertFalse(after.text().contains(BUNDLED), after.text());
        assertTrue(after.text().contains("n=" + (blog + 1)), after.text());
        d.background.drain();
        var hit = d.get("/blog/hello-world");
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertEquals(after.text(), hit.text());
    }

    @Test
    void aHardTagRevalidationReplacesTheBundledPageInKv() {
        bundledPageIsNotServedAgainAfterAHardTagRevalidation(true);
    }

    @Test
    void aHardTagRevalidationReplacesTheBundledPageInMemory() {
        bundledPageIsNotServedAgainAfterAHardTagRevalidation(false);
    }

    @Test
    void revalidatePathReplacesTheBundledPage() {
        App app = app();
        String bundle = build(app);
        var d = new Deployed(app, bundle, true);
        d.get("/blog/hello-world");
        d.get("/blog/second-post");
        d.background.drain();
        d.clock.advanceSeconds(1);
        assertEquals(204, d.request("POST", "/api/revalidate-path?path=/blog/hello-world").status());
        assertEquals("MISS", d.get("/blog/hello-world").header("x-isr-cache"));
        assertEquals("HIT", d.get("/blog/second-post").header("x-isr-cache"));
    }

    @Test
    void aSoftTagRevalidationServesTheInstalledPageStaleOnce() {
        App app = app();
        String bundle = build(app);
        var d = new Deployed(app, bundle, true);
        d.get("/blog/hello-world");
        d.background.drain();
        d.clock.advanceSeconds(1);
        d.cache.revalidateTag(List.of("blog"), true).await();
        var stale = d.get("/blog/hello-world");
        assertEquals("STALE", stale.header("x-isr-cache"));
        assertTrue(stale.text().contains(BUNDLED), stale.text());
        d.clock.advanceMillis(1); // a write in the revalidation's millisecond would still count as revalidated
        d.background.drain();
        var hit = d.get("/blog/hello-world");
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertFalse(hit.text().contains(BUNDLED), hit.text());
    }

    /**
     * A tag revalidated after the deployment went live but before anyone asked for the page: the bundle was
     * rendered before the revalidation, so it must not be served (as Next.js compares the tag's revalidation
     * time with the prerendered entry's).
     */
    @Test
    void aTagRevalidatedBeforeTheFirstRequestInvalidatesTheBundledPage() {
        App app = app();
        String bundle = build(app);
        var d = new Deployed(app, bundle, true);
        d.clock.advanceSeconds(10);
        assertEquals(204, d.request("POST", "/api/revalidate/blog").status());
        d.clock.advanceSeconds(1);
        var r = d.get("/blog/hello-world");
        assertEquals("MISS", r.header("x-isr-cache"),
                "the bundle predates revalidateTag(\"blog\"); got " + r.header("x-isr-cache") + " " + r.text());
        assertFalse(r.text().contains(BUNDLED), r.text());
    }

    @Test
    void anExpiredInstalledPageIsNotReplacedByTheBundleInKv() {
        bundleNotServedAfterExpiry(true);
    }

    @Test
    void anExpiredInstalledPageIsNotReplacedByTheBundleInMemory() {
        bundleNotServedAfterExpiry(false);
    }

    private void bundleNotServedAfterExpiry(boolean kv) {
        App app = app().expire(400);
        String bundle = build(app);
        var d = new Deployed(app, bundle, kv);
        d.get("/blog/hello-world");
        d.background.drain();
        d.clock.advanceSeconds(401); // past expire: the entry may no longer be served
        var r = d.get("/blog/hello-world");
        assertEquals("MISS", r.header("x-isr-cache"),
                "an expired page is re-rendered; got " + r.header("x-isr-cache") + " " + r.text());
        assertFalse(r.text().contains(BUNDLED), r.text());
    }

    // ----- unreadable bundles -----------------------------------------------------------------------------------

    @Test
    void aCorruptedBundleIsLoggedAndIgnored() {
        var log = new RecordingLog();
        var parsed = Prerendered.parse("{\"version\":1,\"entries\":[[\"pages:/x\"", log);
        assertTrue(parsed.isEmpty());
        assertTrue(log.hasError("prerendered bundle is unreadable"), log.toString());
    }

    @Test
    void aDispatcherWithACorruptedBundleRendersOnDemand() {
        App app = app();
        var d = new Deployed(app, "this is not json", true);
        assertTrue(d.log.hasError("prerendered bundle is unreadable"), d.log.toString());
        var r = d.get("/blog/hello-world");
        assertEquals(200, r.status());
        assertEquals("MISS", r.header("x-isr-cache"));
        assertEquals(1, blogProps.get());
    }

    @Test
    void aBundleOfAnotherVersionIsIgnoredWithAWarning() {
        var log = new RecordingLog();
        var parsed = Prerendered.parse("{\"version\":99,\"builtAt\":1,\"entries\":[]}", log);
        assertTrue(parsed.isEmpty());
        assertTrue(log.hasWarning("version 99"), log.toString());
    }

    @Test
    void anEmptyOrMissingBundleIsNoBundleAndNoComplaint() {
        var log = new RecordingLog();
        assertTrue(Prerendered.parse(null, log).isEmpty());
        assertTrue(Prerendered.parse("", log).isEmpty());
        assertTrue(log.isEmpty(), log.toString());
    }

    @Test
    void aBinaryBodyIsBundledAsOneCharacterPerByteAndReadBack() {
        App app = App.create();
        app.route("/bin").dynamic(Dynamic.FORCE_STATIC).get(req -> Response.bytes(new byte[] {(byte) 0xff, 0, 'a'},
                "application/octet-stream"));
        String bundle = build(app);
        var entry = entries(bundle).get(0);
        assertEquals(Prerendered.BYTES, entry.get(3), "marked as bytes: " + entry);
        assertEquals("\u00ff\u0000a", entry.get(2));
        var parsed = Prerendered.parse(bundle, new RecordingLog());
        var stored = parsed.values().iterator().next();
        assertEquals(java.util.List.of((byte) 0xff, (byte) 0, (byte) 'a'),
                java.util.List.of(stored.value().body().bytes()[0], stored.value().body().bytes()[1], stored.value().body().bytes()[2]));
    }

    @Test
    void anEntryWithABrokenBodyIsSkippedAndTheOthersKept() {
        String bundle = build(app());
        var entries = new ArrayList<>(entries(bundle));
        // put a broken entry first: its body has a character that is no byte
        var broken = Json.array().add("pages:/blog/broken").add("{\"v\":1,\"k\":\"page\"}").add("caf\u00e9 \u20ac")
                .add(Prerendered.BYTES);
        var rebuilt = new StringBuilder("{\"version\":1,\"builtAt\":" + BUILD_TIME + ",\"entries\":[");
        rebuilt.append(broken.toJson());
        for (var e : entries) {
            var copy = Json.array().add((String) e.get(0)).add((String) e.get(1)).add((String) e.get(2));
            if (e.size() > 3) {
                copy.add((String) e.get(3));
            }
            rebuilt.append(',').append(copy.toJson());
        }
        rebuilt.append("]}");
        var log = new RecordingLog();
        var parsed = Prerendered.parse(rebuilt.toString(), log);
        assertFalse(log.isEmpty(), "the broken entry is reported");
        assertFalse(parsed.containsKey("pages:/blog/broken"));
        assertTrue(parsed.containsKey("pages:/blog/hello-world"),
                "the entries after an unreadable one are still served from the bundle; parsed: " + parsed.keySet());
    }
}
