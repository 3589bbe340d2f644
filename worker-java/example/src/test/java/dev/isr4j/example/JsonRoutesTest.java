package dev.isr4j.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.CachedFunction;
import dev.isr4j.Kv;
import dev.isr4j.Response;
import dev.isr4j.testkit.IsrTestKit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A record in and out through a route, in the JVM test kit. test-e2e/json-binding.test.mjs sends the same
 * fixture to the Wasm build in workerd and expects the same bytes back.
 */
class JsonRoutesTest {
    static final Path PRODUCT = Path.of("../../test-e2e/fixtures/product.json");

    private final IsrTestKit kit = IsrTestKit.builder(new ExampleApp().create()).build();

    @Test
    void aRecordRoundTripsThroughARouteByteForByte() throws IOException {
        String json = Files.readString(PRODUCT).strip();
        var r = kit.request("POST", "/api/products/echo").header("content-type", "application/json").body(json).send();
        assertEquals(200, r.status(), r.text());
        assertEquals("application/json", r.header("content-type"));
        assertEquals(json, r.text()); // 15.90 keeps its scale, 2^60 every digit, null stays
    }

    @Test
    void aTypedPageRendersItsRecordThroughTheTemplateEscapedAndIsCached() {
        var first = kit.get("/catalogue/xss-1");
        assertEquals(200, first.status(), first.text());
        String html = first.text();
        assertTrue(html.contains("<h1>&lt;script&gt;alert(\"owned\")&lt;/script&gt; mug</h1>"), html);
        assertFalse(html.contains("<script>"), html);
        assertTrue(html.contains("Dishwasher safe &lt;b&gt;if&lt;/b&gt; you trust it"), html);
        assertTrue(html.contains("7.50 EUR, 3 in stock, FOOD"), html);
        assertTrue(html.contains("<time datetime=\"2026-12-02T12:00:00Z\">2026-12-02 12:00:00 UTC</time>"), html);
        assertEquals("MISS", first.header("x-isr-cache"));
        kit.drain();
        var second = kit.get("/catalogue/xss-1");
        assertEquals("HIT", second.header("x-isr-cache"));
        assertEquals(html, second.text());

        var data = kit.get("/_isr/data/catalogue/xss-1.json");
        assertEquals(200, data.status());
        assertEquals("{\"id\":\"xss-1\",\"name\":\"<script>alert(\\\"owned\\\")</script> mug\",\"price\":7.50,"
                + "\"stockUnits\":3,\"listedAt\":\"2026-12-02T12:00:00Z\",\"category\":\"FOOD\",\"suppliers\":[],"
                + "\"note\":\"Dishwasher safe <b>if</b> you trust it\"}", data.text());
        assertEquals(404, kit.get("/catalogue/none").status());
    }

    /** Records through a typed cached function, KV and an upstream fetch: each read back as the record. */
    @Test
    void recordsComeBackFromCachedFunctionsKvAndFetchAsRecords() throws Exception {
        App app = App.create();
        var computations = new java.util.concurrent.atomic.AtomicInteger();
        CachedFunction<Product> product = app.cached("product", Product.class, (scope, args) -> {
            computations.incrementAndGet();
            return Catalogue.find(args.get(0));
        }).revalidate(60);
        app.route("/cached/{id}").get(req -> Response.json(product.get(req, req.param("id"))));
        app.route("/kv/{id}").get(req -> {
            Kv kv = req.env().kv("DATA");
            kv.putJson("product:" + req.param("id"), Catalogue.find(req.param("id")));
            return Response.json(kv.getJson("product:" + req.param("id"), Product.class));
        });
        app.route("/upstream").get(req ->
                Response.json(req.env().fetcher().getJson("https://api.example.com/p", Product.class)));
        var typed = IsrTestKit.builder(app).kv("DATA").build();
        String saw = dev.isr4j.bind.JsonBinding.toJson(Catalogue.find("saw-1"));

        assertEquals(saw, typed.get("/cached/saw-1").text());
        assertEquals(saw, typed.get("/cached/saw-1").text());
        assertEquals(1, computations.get(), "the second call is the cached record");
        assertEquals(saw, typed.get("/kv/saw-1").text());
        typed.fetcher().stub("https://api.example.com/p", Response.json(saw));
        assertEquals(saw, typed.get("/upstream").text());
        typed.fetcher().stub("https://api.example.com/p", Response.json("{\"price\":\"cheap\"}"));
        assertEquals(500, typed.get("/upstream").status(), "an upstream's bad JSON is the handler's failure");
        assertTrue(typed.logs().stream().anyMatch(l -> l.contains("answered JSON that is not a Product")),
                typed.logs()::toString);
    }

    @Test
    void aBodyThatIsNotAProductIsA400SayingWhy() {
        var r = kit.request("POST", "/api/products/echo").body("{\"id\":\"x\",\"price\":\"cheap\"}").send();
        assertEquals(400, r.status());
        assertTrue(r.text().contains("$.price: expected a number, found a string"), r.text());
        assertEquals("private, no-store", r.header("cache-control"));

        r = kit.request("POST", "/api/products/echo").body("{\"id\":\"x\",\"suppliers\":[{\"name\":").send();
        assertEquals(400, r.status());
        assertTrue(r.text().contains("$.suppliers[0].name: expected a string, found the end of the text"), r.text());

        r = kit.request("POST", "/api/products/echo").body("").send();
        assertEquals(400, r.status());
    }
}
