package dev.isr4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestResponseTest {
    /** A host's one-field lookup answers header() without converting all fields, and still marks the request dynamic. */
    @Test
    void aHeaderLookupAnswersOneFieldAndMarksTheRequestDynamic() {
        var asked = new java.util.ArrayList<String>();
        var all = Headers.of("if-none-match", "\"a\"", "accept", "text/html");
        var request = Request.builder("GET", "https://example.com/x")
                .headers(() -> {
                    throw new AssertionError("all fields converted for one");
                })
                .headerLookup(name -> {
                    asked.add(name);
                    return all.get(name);
                })
                .build();
        assertFalse(request.isDynamic());
        assertEquals("\"a\"", request.header("if-none-match"));
        assertNull(request.header("if-modified-since"));
        assertEquals(List.of("if-none-match", "if-modified-since"), asked);
        assertTrue(request.isDynamic());
        var routed = request.withRoute("GET", java.util.Map.of());
        assertFalse(routed.isDynamic());
        assertEquals("text/html", routed.header("accept"), "copies keep the lookup");
    }

    /** Once all fields are converted, header() reads them (the lookup is for a request whose fields stayed in the host). */
    @Test
    void convertedFieldsWinOverTheLookup() {
        var request = Request.builder("GET", "https://example.com/x")
                .headers(Headers.of("accept", "text/html"))
                .headerLookup(name -> "from the lookup")
                .build();
        assertEquals("text/html", request.headers().get("accept"));
        assertEquals("text/html", request.header("accept"));
    }

    @Test
    void requestSplitsPathAndQueryWithoutMarkingItDynamic() {
        var req = Request.builder("get", "https://example.com/api/posts/7?x=1&y=a%20b#frag").build();
        assertEquals("GET", req.method());
        assertEquals("/api/posts/7", req.path());
        assertFalse(req.isDynamic());
        assertEquals("a b", req.queryParam("y"));
        assertTrue(req.isDynamic(), "reading the query marks the request dynamic");
    }

    @Test
    void readingHeadersOrCookiesMarksTheRequestDynamic() {
        var req = Request.builder("GET", "http://h/").headers(Headers.of("Cookie", "a=1; session=xyz", "User-Agent", "ua"))
                .build();
        assertFalse(req.isDynamic());
        assertEquals("xyz", req.cookie("session"));
        assertTrue(req.isDynamic());
        var other = Request.builder("GET", "http://h/").headers(Headers.of("user-agent", "ua")).build();
        assertEquals("ua", other.header("USER-AGENT"));
        assertTrue(other.isDynamic());
    }

    /** withAll gives what a chain of with() gives for distinct names, and keeps a replacement's repetitions. */
    @Test
    void withAllReplacesEachNamedFieldInOneStep() {
        var stored = Headers.of("Content-Type", "text/html", "Age", "9", "set-cookie", "a=1", "set-cookie", "b=2",
                "x-isr-cache", "MISS", "etag", "\"e\"");
        var replacements = Headers.of("X-ISR-Cache", "HIT", "cache-control", "s-maxage=60", "age", "3");
        var chained = stored.with("X-ISR-Cache", "HIT").with("cache-control", "s-maxage=60").with("age", "3");
        assertEquals(chained.entries(), stored.withAll(replacements).entries());
        assertEquals(List.of("content-type", "set-cookie", "set-cookie", "etag", "x-isr-cache", "cache-control", "age"),
                stored.withAll(replacements).entries().stream().map(java.util.Map.Entry::getKey).toList());
        assertEquals(List.of("a=1", "b=2"), stored.withAll(replacements).getAll("set-cookie"));
        assertEquals(List.of("c=3", "d=4"),
                stored.withAll(Headers.of("Set-Cookie", "c=3", "set-cookie", "d=4")).getAll("set-cookie"));
        assertEquals(stored.entries(), stored.withAll(Headers.empty()).entries());
    }

    @Test
    void headersAreCaseInsensitiveOrderedAndRepeatable() {
        var h = Headers.of("Set-Cookie", "a=1", "Content-Type", "text/plain").plus("set-cookie", "b=2");
        assertEquals(List.of("a=1", "b=2"), h.getAll("SET-COOKIE"));
        assertEquals("text/plain", h.get("content-type"));
        var without = h.without("set-cookie");
        assertNull(without.get("set-cookie"));
        assertEquals(1, without.size());
        assertEquals("x", h.with("Content-Type", "x").get("content-type"));
        assertThrows(IllegalArgumentException.class, () -> Headers.of("only-a-name"));
    }

    @Test
    void responseFactoriesSetContentTypeAndBody() {
        var json = Response.json(Json.object().put("id", "7").put("n", 3).put("q", "say \"hi\"\n"));
        assertEquals(200, json.status());
        assertEquals("application/json", json.header("content-type"));
        assertEquals("{\"id\":\"7\",\"n\":3,\"q\":\"say \\\"hi\\\"\\n\"}", json.text());
        byte[] bytes = {0, (byte) 0xff, 7};
        var bin = Response.bytes(bytes, "application/octet-stream").withStatus(201).withHeader("x-a", "b");
        assertArrayEquals(bytes, bin.body().bytes());
        assertEquals(201, bin.status());
        assertEquals("b", bin.header("X-A"));
        assertEquals("héllo", Response.text("héllo").text());
        assertArrayEquals("héllo".getBytes(StandardCharsets.UTF_8), Response.text("héllo").body().bytes());
        assertThrows(IllegalArgumentException.class, () -> Response.status(99));
    }
}
