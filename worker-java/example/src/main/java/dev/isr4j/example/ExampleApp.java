package dev.isr4j.example;

import dev.isr4j.App;
import dev.isr4j.AppProvider;
import dev.isr4j.CachedFunction;
import dev.isr4j.Dynamic;
import dev.isr4j.Fallback;
import dev.isr4j.Handler;
import dev.isr4j.Props;
import dev.isr4j.Json;
import dev.isr4j.Kv;
import dev.isr4j.PathType;
import dev.isr4j.Response;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The example application: what a user of isr4j writes. Registered in
 * META-INF/services/dev.isr4j.AppProvider; compiled to WebAssembly by `mvn package`.
 */
public final class ExampleApp implements AppProvider {
    public static final int LARGE_SIZE = 1 << 20;

    private final AtomicInteger staticRenders = new AtomicInteger();
    private final AtomicInteger slowRenders = new AtomicInteger();
    private final AtomicInteger slowDynamicRenders = new AtomicInteger();
    private final AtomicInteger slowFailingRenders = new AtomicInteger();
    private final AtomicInteger hotRenders = new AtomicInteger();
    /** Tells this isolate's renders from another's in /api/hot's `render`. */
    private final String isolateId = Long.toString((long) (Math.random() * 0x1p40), 36);
    private final AtomicInteger dataComputations = new AtomicInteger();
    private final AtomicInteger briefComputations = new AtomicInteger();
    private final AtomicInteger priceComputations = new AtomicInteger();

    /** Where the example's "database" lives: a plain KV key next to the cache. */
    static final String DATA_SOURCE_KEY = "example:cached-data-source";

    @Override
    public App create() {
        App app = App.create();
        // One 404 page for a page's Props.notFound(), an unknown path and an unlisted Fallback.NONE path.
        app.notFoundPage(ExampleHtml.NOT_FOUND);

        // The index: what each route shows. The same for everyone (it reads nothing from the request), so
        // FORCE_STATIC: prerendered by `mvn package` and kept.
        app.page("/").dynamic(Dynamic.FORCE_STATIC)
                .props(req -> Props.of(Json.object().put("renderedAt", req.env().clock().millis())))
                .render(ExampleHtml::index);

        // A typed page: its props are a Product (stored as the record's JSON, which /_isr/data/catalogue/<id>.json
        // returns), rendered by the jte template src/main/jte/product.jte through the generated Templates facade.
        app.page("/catalogue/{id}").revalidate(60).tags("catalogue", "catalogue-{id}").staticPaths("/catalogue/saw-1")
                .props(req -> {
                    Product product = Catalogue.find(req.param("id"));
                    return product == null ? Props.notFound() : Props.of(product);
                })
                .render(Product.class, templates.Templates::product);

        // JSON in and out as a record: a body that is not a Product is a 400 saying what is wrong and where.
        app.route("/api/products/echo").post(req -> Response.json(req.body().json(Product.class)));

        app.route("/api/hello").get(req -> Response.json(
                Json.object().put("message", "Hello from Java").put("runtime", "teavm-wasm")));

        app.route("/api/static-data").revalidate(1).get(req -> Response.json(Json.object()
                .put("timestamp", req.env().clock().millis())
                .put("renders", staticRenders.incrementAndGet())));

        app.route("/api/posts/{id}").revalidate(60).tags("post-{id}", "posts")
                .get(req -> Response.json(Json.object()
                        .put("id", req.param("id"))
                        .put("timestamp", req.env().clock().millis())))
                // An update: revalidate the post's tag from Java. ?profile=max makes it soft (served stale once).
                // Mutations need the revalidation secret (Authorization: Bearer <ISR_REVALIDATE_SECRET>).
                .post(Handler.withRevalidationSecret(req -> {
                    String tag = "post-" + req.param("id");
                    String profile = req.queryParam("profile");
                    req.revalidator().tag(tag, profile);
                    return Response.json(Json.object().put("revalidated", tag)
                            .put("mode", profile == null ? "hard" : "soft"));
                }));

        // revalidatePath from Java: ?path=/api/long/blog&type=layout[&profile=max]
        app.route("/api/revalidate-path").post(Handler.withRevalidationSecret(req -> {
            String path = req.queryParam("path");
            PathType type = "layout".equals(req.queryParam("type")) ? PathType.LAYOUT : PathType.PAGE;
            req.revalidator().path(path, type, req.queryParam("profile"));
            return Response.json(Json.object().put("revalidated", path).put("type", type == PathType.LAYOUT ? "layout" : "page"));
        }));

        app.route("/api/dynamic-data").revalidate(60).get(req -> Response.json(Json.object()
                .put("userAgent", String.valueOf(req.header("user-agent")))
                .put("timestamp", req.env().clock().millis())));

        // What downstream caches may keep: revalidate(0) is never cached; answers built from a cookie or the
        // query belong to one caller and are never stored anywhere.
        app.route("/api/revalidate-zero").revalidate(0).get(req -> Response.json(Json.object()
                .put("timestamp", req.env().clock().millis())));
        app.route("/api/cookie-data").revalidate(60).get(req -> Response.json(Json.object()
                .put("session", req.cookie("session"))
                .put("timestamp", req.env().clock().millis())));
        app.route("/api/query-data").revalidate(60).get(req -> Response.json(Json.object()
                .put("q", req.queryParam("q"))
                .put("timestamp", req.env().clock().millis())));

        app.route("/api/own-cache-control").revalidate(60).get(req -> Response.json(Json.object()
                .put("timestamp", req.env().clock().millis()))
                .withHeader("Cache-Control", "public, max-age=5"));

        app.route("/api/force-dynamic-revalidate").revalidate(60).dynamic(Dynamic.FORCE_DYNAMIC)
                .get(req -> Response.json(Json.object().put("timestamp", req.env().clock().millis())));

        app.route("/api/binary").revalidate(60).get(req -> Response.bytes(binary(), "application/octet-stream"));

        app.route("/api/large").revalidate(60).get(req -> Response.bytes(large(), "application/octet-stream"));

        // Storage tiers (issue 15): 30 MiB, past KV's value limit, so it is cached in R2 when CACHE_R2 is bound.
        app.route("/api/huge").revalidate(60).get(req -> {
            byte[] b = new byte[HUGE_SIZE];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) ((i >>> 10) * 131 + i * 7 + 3);
            }
            return Response.bytes(b, "application/octet-stream");
        });

        app.route("/api/with-cookie").revalidate(60).get(req -> Response.json(Json.object()
                .put("timestamp", req.env().clock().millis()))
                .plusHeader("Set-Cookie", "session=" + Long.toHexString(Double.doubleToLongBits(Math.random()))
                        + "; Path=/; HttpOnly"));

        app.route("/api/slow").revalidate(1).get(req -> {
            Thread.sleep(200); // real async work: suspends this request only, the isolate keeps serving
            return Response.json(Json.object()
                    .put("timestamp", req.env().clock().millis())
                    .put("renders", slowRenders.incrementAndGet()));
        });

        // Request collapsing: a slow route whose render reads a header (dynamic: every request renders its own),
        // and one whose first render in an isolate fails (its waiters go on to the next render).
        app.route("/api/slow-dynamic").revalidate(1).get(req -> {
            Thread.sleep(200);
            return Response.json(Json.object()
                    .put("user", String.valueOf(req.header("x-user")))
                    .put("renders", slowDynamicRenders.incrementAndGet()));
        });
        app.route("/api/slow-fails-once").revalidate(60).get(req -> {
            int n = slowFailingRenders.incrementAndGet();
            Thread.sleep(200);
            if (n == 1) {
                throw new IllegalStateException("the first render of /api/slow-fails-once fails, by design");
            }
            return Response.json(Json.object().put("renders", n));
        });

        // A slow render per key, tagged: the benchmark's stampede scenario (npm run bench -- --scenario stampede)
        // hammers a few keys and hard-revalidates "hot". `render` names this render (isolate, sequence), so
        // the benchmark counts renders per key from the answers.
        app.route("/api/hot/{key}").revalidate(3600).tags("hot", "hot-{key}").get(req -> {
            Thread.sleep(150);
            return Response.json(Json.object()
                    .put("key", req.param("key"))
                    .put("render", isolateId + "-" + hotRenders.incrementAndGet())
                    .put("renderedAt", req.env().clock().millis()));
        });

        app.route("/api/echo").post(req -> Response.bytes(req.body().bytes(),
                req.header("content-type") == null ? "application/octet-stream" : req.header("content-type")));

        app.route("/api/long/{...rest}").revalidate(60).get(req -> Response.json(Json.object()
                .put("path", req.param("rest"))
                .put("timestamp", req.env().clock().millis())));

        // A typical small JSON API response (~200 bytes), cached for an hour; used by the benchmark.
        app.route("/api/products/{id}").revalidate(3600).tags("products")
                .get(req -> Response.json(product(req.param("id"), req.env().clock().millis())));

        // The same, stale after one second: the benchmark's STALE scenario.
        app.route("/api/prices/{id}").revalidate(1).tags("prices")
                .get(req -> Response.json(product(req.param("id"), req.env().clock().millis())));

        // Data cache: a cached function over a slow source, revalidated by tag when the source changes.
        CachedFunction<String> sourceData = app.cachedText("cached-data", (scope, args) -> {
            Kv kv = scope.env().kv("CACHE_KV");
            String value = kv == null ? null : kv.getText(DATA_SOURCE_KEY);
            return Json.object()
                    .put("value", value == null ? "initial" : value)
                    .put("computedAt", scope.env().clock().millis())
                    .put("computations", dataComputations.incrementAndGet())
                    .toJson();
        }).cacheLife("minutes").tags("data");
        app.route("/api/cached-data")
                .get(req -> Response.json(sourceData.get(req)))
                .post(Handler.withRevalidationSecret(req -> {
                    Kv kv = req.env().kv("CACHE_KV");
                    kv.put(DATA_SOURCE_KEY, req.text());
                    req.revalidator().tag("data"); // the next GET recomputes and shows the new value
                    return Response.json(Json.object().put("updated", req.text()).put("revalidated", "data"));
                }));

        // A route bounded by its data: the cached function revalidates after 60 s (profile minutes) and tags
        // its entries, so the route's entry revalidates after min(600, 60) s and carries sku-<sku> and prices.
        CachedFunction<String> price = app.cachedText("price", (scope, args) -> {
            String sku = args.get(0);
            scope.cacheTag("sku-" + sku);
            long now = scope.env().clock().millis();
            return Json.object()
                    .put("sku", sku)
                    .put("price", Json.object().put("amount", 900 + Math.floorMod(sku.hashCode(), 1000))
                            .put("currency", "EUR"))
                    .put("computedAt", now)
                    .put("computedAtUtc", ReadableDates.utc(now))
                    .put("computations", priceComputations.incrementAndGet())
                    .toJson();
        }).cacheLife("minutes").tags("prices");
        app.route("/api/price/{sku}").revalidate(600)
                .get(req -> Response.json(price.get(req, req.param("sku"))));

        // A custom profile: stale after a second, so the e2e tests can watch one recomputation under load.
        app.cacheProfile("example-brief", 0, 1, 3600);
        CachedFunction<String> briefData = app.cachedText("brief-data", (scope, args) -> {
            Thread.sleep(200);
            return Json.object()
                    .put("computedAt", scope.env().clock().millis())
                    .put("computations", briefComputations.incrementAndGet())
                    .toJson();
        }).cacheLife("example-brief").tags("brief");
        app.route("/api/cached-brief").get(req -> Response.json(briefData.get(req)));

        // Pages: static props -> HTML, listed paths prerendered at build time (mvn package).
        app.page("/blog/{slug}")
                .staticPaths("/blog/hello-world", "/blog/second-post")
                .fallback(Fallback.BLOCKING)
                .revalidate(60).tags("blog")
                .props(req -> {
                    String slug = req.param("slug");
                    if (slug.equals("old-post")) {
                        return Props.redirect("/blog/hello-world", true);
                    }
                    if (slug.startsWith("missing")) {
                        return Props.notFound();
                    }
                    return Props.of(Json.object().put("slug", slug).put("title", title(slug))
                            .put("renderedAt", req.env().clock().millis()));
                })
                .render(ExampleHtml::article);

        app.page("/docs/{slug}")
                .staticPaths("/docs/intro")
                .fallback(Fallback.NONE)
                .revalidate(300).tags("docs")
                .props(req -> Props.of(Json.object().put("slug", req.param("slug")).put("title", title(req.param("slug")))
                        .put("renderedAt", req.env().clock().millis())))
                .render(ExampleHtml::article);

        app.page("/products/{id}")
                .staticPaths("/products/1")
                .fallback(Fallback.SHOW_FALLBACK)
                .fallbackHtml(ExampleHtml.PRODUCT_FALLBACK) // replaces itself with the product once it is ready
                .revalidate(60).tags("products")
                .props(req -> {
                    Thread.sleep(100); // a slow upstream: why SHOW_FALLBACK exists
                    return Props.of(product(req.param("id"), req.env().clock().millis()));
                })
                .render(ExampleHtml::product);

        // Segment modes: rendered once and kept (FORCE_STATIC), or never cached (FORCE_DYNAMIC).
        app.page("/about").dynamic(Dynamic.FORCE_STATIC)
                .props(req -> Props.of(Json.object().put("slug", "about").put("title", "About isr4j")
                        .put("renderedAt", req.env().clock().millis())))
                .render(ExampleHtml::article);
        app.route("/api/static-config").dynamic(Dynamic.FORCE_STATIC).get(req -> Response.json(Json.object()
                .put("region", "edge").put("renderedAt", req.env().clock().millis())));
        app.page("/live/{slug}").dynamic(Dynamic.FORCE_DYNAMIC)
                .props(req -> Props.of(Json.object().put("slug", req.param("slug")).put("title", "Live")
                        .put("renderedAt", req.env().clock().millis())))
                .render(ExampleHtml::article);

        app.route("/api/boom").get(req -> {
            throw new IllegalStateException("boom: this handler always fails");
        });

        // Reads any KV key, cache entries and tag records included: for operators only.
        app.route("/api/kv/{key}").get(Handler.withRevalidationSecret(req -> {
            Kv kv = req.env().kv("CACHE_KV");
            if (kv == null) {
                return Response.text("no CACHE_KV binding").withStatus(503);
            }
            String value = kv.getText(req.param("key")); // awaits the KV promise inside Java
            return value == null
                    ? Response.json(Json.object().put("error", "not found").put("key", req.param("key"))).withStatus(404)
                    : Response.json(Json.object().put("key", req.param("key")).put("value", value));
        }));

        FailureRoutes.register(app);
        D1Routes.register(app);
        return app;
    }

    static Json.Obj product(String id, long now) {
        return Json.object()
                .put("id", id)
                .put("sku", "CUP-ESP-090-SW")
                .put("name", "Espresso cup, stoneware, 90 ml")
                .put("price", Json.object().put("amount", 1450).put("currency", "EUR"))
                .put("stock", 42)
                .put("tags", Json.array().add("kitchen").add("ceramics").add("coffee"))
                .put("updatedAt", now);
    }

    static String title(String slug) {
        var sb = new StringBuilder();
        boolean wordStart = true;
        for (char c : slug.toCharArray()) {
            if (c == '-') {
                sb.append(' ');
                wordStart = true;
            } else {
                sb.append(wordStart ? Character.toUpperCase(c) : c);
                wordStart = false;
            }
        }
        return sb.toString();
    }

    static byte[] binary() {
        byte[] b = new byte[4096];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    /** /api/huge's size: 30 MiB; byte i is ((i >>> 10) * 131 + i * 7 + 3) mod 256. */
    static final int HUGE_SIZE = 30 << 20;

    static byte[] large() {
        byte[] b = new byte[LARGE_SIZE];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }
}
