package dev.isr4j.example;

import java.util.Map;

/** The example's HTML: one layout, the index at {@code /}, articles, products, the fallback and the 404 page. */
final class ExampleHtml {
    private static final String STYLE = "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;"
            + "margin:2rem auto;padding:0 1rem;color:#222}code{background:#f3f3f3;padding:0 .2em}"
            + "li{margin:.4rem 0}.muted{color:#666}nav{margin-bottom:1rem}</style>";

    private ExampleHtml() {
    }

    static String layout(String title, String body) {
        return "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                + "content=\"width=device-width,initial-scale=1\"><title>" + escape(title) + "</title>" + STYLE
                + "</head><body><nav><a href=\"/\">isr4j example</a></nav>" + body + "</body></html>";
    }

    /** When something was rendered, readable, with the epoch ms kept in {@code data-ms} for scripts and tests. */
    static String time(Object epochMillis) {
        long ms = ((Number) epochMillis).longValue();
        return "<time datetime=\"" + ReadableDates.iso(ms) + "\" data-ms=\"" + ms + "\">" + ReadableDates.utc(ms)
                + "</time>";
    }

    static String article(Map<String, Object> props) {
        String title = String.valueOf(props.get("title"));
        return layout(title, "<article data-slug=\"" + escape(String.valueOf(props.get("slug"))) + "\">"
                + "<h1>" + escape(title) + "</h1>"
                + "<p class=\"rendered-at\">Rendered " + time(props.get("renderedAt")) + "</p></article>");
    }

    @SuppressWarnings("unchecked")
    static String product(Map<String, Object> props) {
        var price = (Map<String, Object>) props.get("price");
        long cents = ((Number) price.get("amount")).longValue();
        return layout(String.valueOf(props.get("name")), "<article class=\"product\" data-id=\""
                + escape(String.valueOf(props.get("id"))) + "\"><h1>" + escape(String.valueOf(props.get("name")))
                + "</h1><p class=\"price\">" + cents / 100 + "." + (cents % 100 < 10 ? "0" : "") + cents % 100 + " "
                + escape(String.valueOf(price.get("currency"))) + " &middot; " + props.get("stock")
                + " in stock</p><p class=\"updated-at\">Rendered " + time(props.get("updatedAt"))
                + "</p></article>");
    }

    /**
     * What SHOW_FALLBACK answers while a product renders in the background. One HTML for every unlisted path,
     * so the script asks about its own URL: it polls the page with HEAD (cheap, and it starts no second render)
     * until {@code x-isr-cache} says the real page is there, then reloads, so a person watching sees the product
     * appear. It backs off, and gives up after a minute (a render that keeps failing) with a note to reload.
     */
    static final String PRODUCT_FALLBACK = layout("Loading product...",
            "<p class=\"fallback\">Loading product...</p><p class=\"muted\">This is the page's fallback "
            + "(<code>x-isr-cache: FALLBACK</code>): the product is rendering in the background, and this page "
            + "replaces itself once it is ready.</p>"
            + "<script>(function () {\n"
            + "  var delay = 200, waited = 0;\n"
            + "  function check() {\n"
            + "    fetch(location.pathname, { method: \"HEAD\", cache: \"no-store\" }).then(function (r) {\n"
            + "      var state = r.headers.get(\"x-isr-cache\");\n"
            + "      if (state && state !== \"FALLBACK\") location.reload(); else later();\n"
            + "    }, later);\n"
            + "  }\n"
            + "  function later() {\n"
            + "    waited += delay;\n"
            + "    if (waited > 60000) {\n"
            + "      document.querySelector(\".fallback\").textContent = \"Still not ready: reload to try again.\";\n"
            + "      return;\n"
            + "    }\n"
            + "    setTimeout(check, delay);\n"
            + "    delay = Math.min(delay * 2, 3000);\n"
            + "  }\n"
            + "  setTimeout(check, delay);\n"
            + "})();</script>");

    static final String NOT_FOUND = layout("404: not found", "<h1>404 - This page could not be found.</h1>"
            + "<p class=\"not-found\">Nothing lives here. The <a href=\"/\">index</a> lists what does.</p>");

    /** The index page at {@code /}: what each route and page shows, and what to watch in its answer. */
    static String index(Map<String, Object> props) {
        return layout("isr4j example", "<h1>isr4j example</h1>"
                + "<p>Every answer says how it was served. Open the browser's network panel, or use "
                + "<code>curl -i <span class=\"origin\">http://localhost:8787</span>/api/posts/1</code>, and watch "
                + "these headers:</p><ul>"
                + "<li><code>x-isr-cache</code>: <b>MISS</b> rendered now and stored in the background; "
                + "<b>HIT</b> from the cache, the handler did not run; <b>STALE</b> older than its revalidate, "
                + "served at once while one background regeneration runs (the next answer is new); <b>STATIC</b> "
                + "rendered once and kept; <b>FALLBACK</b> a placeholder. No <code>x-isr-cache</code> at all: not "
                + "cached (dynamic), <code>Cache-Control: private, no-cache, no-store...</code>.</li>"
                + "<li><code>Age</code>: seconds since the entry was written; it grows on HITs. "
                + "<code>Cache-Control: s-maxage=N</code> is the revalidate.</li>"
                + "<li><code>ETag</code> and <code>Last-Modified</code>: the same on every HIT of one entry; send "
                + "<code>If-None-Match</code> with the ETag to get <code>304 Not Modified</code>.</li>"
                + "<li><code>Cache-Tag</code>: the tags that invalidate the entry.</li></ul>"
                + "<p class=\"muted\">This page is <code>FORCE_STATIC</code>, prerendered by "
                + "<code>mvn package</code> (<code>x-isr-cache: STATIC</code>), rendered "
                + time(props.get("renderedAt")) + ".</p>"

                + "<h2>Cached routes</h2><ul>"
                + link("/api/posts/1", "revalidate(60), tags post-1 and posts: MISS, then HITs with a growing "
                + "Age; after 60 s one STALE answer, then a new timestamp.")
                + link("/api/static-data", "revalidate(1): wait a second for a STALE answer, then renders + 1.")
                + link("/api/price/CUP-ESP-090", "uses the cached function price (profile minutes, revalidate "
                + "60): the route says revalidate(600), but it is bounded by its data, so s-maxage=60, and its "
                + "Cache-Tag carries the data's tags sku-CUP-ESP-090 and prices.")
                + link("/api/cached-data", "a cached function as a route: the value and when it was computed.")
                + link("/api/static-config", "FORCE_STATIC route: STATIC, rendered once at build time.")
                + "</ul>"

                + "<h2>Never cached</h2><p>A handler that reads request headers, cookies or the query string "
                + "is dynamic: it runs every time and its answer has no <code>x-isr-cache</code>. The path does "
                + "not count, and a query a handler never reads is ignored (<a href=\"/api/posts/1?utm=x\">"
                + "/api/posts/1?utm=x</a> is /api/posts/1's entry).</p><ul>"
                + link("/api/dynamic-data", "reads the User-Agent header.")
                + link("/api/cookie-data", "reads the session cookie.")
                + link("/api/query-data?q=hello", "reads the query parameter q.")
                + link("/api/revalidate-zero", "revalidate(0): not ISR.")
                + link("/api/force-dynamic-revalidate", "dynamic(FORCE_DYNAMIC), whatever its revalidate.")
                + link("/api/own-cache-control", "sets its own Cache-Control (public, max-age=5): kept as set.")
                + link("/api/with-cookie", "sets a cookie: that MISS is private, no-store; the HITs after it are "
                + "shareable and carry no Set-Cookie.")
                + "</ul>"

                + "<h2>Pages</h2><ul>"
                + link("/blog/hello-world", "prerendered by mvn package: a HIT on the first request. Its props: "
                + "/_isr/data/blog/hello-world.json.")
                + link("/blog/any-new-slug", "fallback BLOCKING: an unlisted path renders on its first request "
                + "(MISS), then HITs.")
                + link("/blog/old-post", "Props.redirect: a cached 308 to /blog/hello-world.")
                + link("/blog/missing-post", "Props.notFound(): the 404 page, cached like a page (MISS, then "
                + "HIT).")
                + link("/docs/other", "fallback NONE: only /docs/intro exists; this is the same 404 page, never "
                + "cached.")
                + link("/products/42", "fallback SHOW_FALLBACK: a loading page (FALLBACK) that replaces itself "
                + "once the product is rendered; try another number for another first visit. Crawlers get the "
                + "product at once: curl -A Googlebot.")
                + link("/about", "FORCE_STATIC page: STATIC, rendered at build time.")
                + link("/live/now", "FORCE_DYNAMIC page: rendered on every request.")
                + link("/no/such/page", "no route: the same 404 page.")
                + link("/catalogue/saw-1", "a typed page: a Product record as props, rendered by the jte template "
                + "product.jte (prerendered); /catalogue/xss-1 shows a name holding a script tag, escaped, and "
                + "/_isr/data/catalogue/saw-1.json the record's JSON.")
                + "</ul>"

                + "<h2>Used by the tests and the benchmark</h2><ul>"
                + link("/api/hello", "not ISR: no revalidate, so never cached.")
                + "<li><code>POST /api/products/echo</code>: a Product record in as JSON, the same record out "
                + "(req.body().json(Product.class), Response.json(product)); a body that is not a Product is a 400 "
                + "naming the member and the place.</li>"
                + link("/api/slow", "revalidate(1), a 200 ms handler: other requests are served while it waits.")
                + link("/api/slow-dynamic", "the same, reading a header: dynamic, so a burst of first requests "
                + "renders once per request (nothing is handed from one to another).")
                + "<li><code>GET /api/slow-fails-once</code>: its first render in an isolate fails (a 500 for that "
                + "request): the requests that waited for it are answered from the next render.</li>"
                + link("/api/hot/a", "a 150 ms render per key, tagged hot: the benchmark's stampede; its "
                + "render field tells one render from another.")
                + link("/api/cached-brief", "a cached function stale after a second: one recomputation under "
                + "load.")
                + link("/api/long/a/b/c", "a catch-all parameter {...rest}.")
                + link("/api/products/1", "a typical 200-byte JSON answer cached for an hour (benchmark HIT).")
                + link("/api/prices/1", "the same, revalidate(1) (benchmark STALE).")
                + link("/api/binary", "4 KiB of bytes through the cache, unchanged.")
                + link("/api/large", "1 MiB through the cache.")
                + "<li><code>GET /api/huge</code>: 30 MiB, past what KV holds: the body lives in R2 "
                + "(<code>CACHE_R2</code>), KV keeps the entry pointing at it.</li>"
                + link("/api/boom", "a handler that throws: a 500 with a short body; the isolate keeps serving.")
                + "<li><code>POST /api/echo</code>: answers the body it was sent; never cached.</li>"
                + "<li><code>GET /api/kv/{key}</code> (secret): any KV key, cache entries included.</li>"
                + "<li><code>POST /api/cached-data</code> (secret): changes /api/cached-data's source and "
                + "revalidates its tag.</li>"
                + "<li><code>GET /api/fail/{kind}</code>: a handler failing on purpose (null, index, cast, stack, "
                + "json-null, throw, ...): the same short 500 and log line as on the JVM; the isolate keeps "
                + "serving.</li>"
                + "<li><code>GET /api/go/{target}</code>, <code>GET /api/redirect-to?to=</code>: redirects that "
                + "reflect request input into Location; a line break in it is a 500, never a planted header.</li>"
                + "<li><code>GET /api/self-link</code>: an absolute link built from <code>url()</code>: the "
                + "canonical origin (ISR_ORIGIN) when set, else never cached.</li>"
                + "<li><code>GET /api/d1/notes/{slug}</code>, <code>POST /api/d1/notes</code>, <code>POST "
                + "/api/d1/batch</code>, <code>GET /api/d1/cached/{slug}</code>, <code>GET /api/d1/fail/{kind}</code>: "
                + "D1 from Java (a D1 binding DB with a notes table, as the e2e suite makes it).</li>"
                + "</ul>"

                + "<h2>Revalidate</h2><p>These need the revalidation secret (locally in <code>.dev.vars</code>, "
                + "see the README); without one configured they answer 403 naming it.</p><ul>"
                + "<li><code>curl -X POST <span class=\"origin\">http://localhost:8787</span>/api/posts/1 -H "
                + "\"Authorization: Bearer $SECRET\"</code>: the next GET /api/posts/1 is a MISS "
                + "(<code>?profile=max</code>: STALE once instead).</li>"
                + "<li><code>curl -X POST <span class=\"origin\">http://localhost:8787</span>/__isr/revalidate -H "
                + "\"Authorization: Bearer $SECRET\" -d '{\"tags\":[\"prices\"]}'</code>: /api/price/CUP-ESP-090 "
                + "and its data are computed anew.</li>"
                + "<li><code>curl -X POST \"<span class=\"origin\">http://localhost:8787</span>/api/revalidate-path"
                + "?path=/blog&amp;type=layout\" -H \"Authorization: Bearer $SECRET\"</code>: every page under "
                + "/blog.</li></ul>"
                // The page is the same for every visitor (cached); the commands are fixed up to this origin here.
                + "<script>document.querySelectorAll(\".origin\").forEach(function (e) { "
                + "e.textContent = location.origin; });</script>");
    }

    private static String link(String href, String what) {
        return "<li><a href=\"" + escape(href) + "\">" + escape(href) + "</a>: " + escape(what) + "</li>";
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
