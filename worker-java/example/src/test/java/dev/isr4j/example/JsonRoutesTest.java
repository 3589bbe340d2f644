package dev.isr4j.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
