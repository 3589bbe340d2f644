package dev.isr4j.example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.testkit.IsrTestKit;
import dev.isr4j.testkit.TestResponse;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The example app's routes, tested on the JVM through the test kit (milliseconds, no JS toolchain). */
class ExampleAppTest {
    static final String SECRET = "example-test-secret";
    static final String BEARER = "Bearer " + SECRET;

    private final IsrTestKit kit = IsrTestKit.builder(new ExampleApp().create())
            .var("ISR_REVALIDATE_SECRET", SECRET).build();

    @Test
    void postIsServedStaleAfterRevalidateAndFreshAfterRegeneration() {
        var first = kit.get("/api/posts/1");
        assertEquals("MISS", first.cacheState());
        kit.drain();
        assertEquals("HIT", kit.get("/api/posts/1").cacheState());
        kit.clock().advanceSeconds(61);
        var stale = kit.get("/api/posts/1");
        assertEquals("STALE", stale.cacheState());
        assertEquals(first.text(), stale.text());
        kit.drain();
        var fresh = kit.get("/api/posts/1");
        assertEquals("HIT", fresh.cacheState());
        assertNotEquals(first.json().get("timestamp"), fresh.json().get("timestamp"));
    }

    @Test
    void updatingAPostRevalidatesItsTag() {
        kit.get("/api/posts/7");
        kit.drain();
        assertEquals(200, kit.request("POST", "/api/posts/7").header("authorization", BEARER).send().status());
        assertEquals("MISS", kit.get("/api/posts/7").cacheState());
    }

    @Test
    void mutationAndKvRoutesRefuseAnonymousCallersAndChangeNothing() {
        kit.kv("CACHE_KV").put("greeting", "hello");
        kit.get("/api/posts/7");
        kit.get("/api/cached-data");
        kit.drain();
        int writes = kit.kvStore("CACHE_KV").writes();
        for (String auth : new String[] {null, "Bearer wrong", "Bearer " + SECRET + "x", SECRET}) {
            for (String[] call : new String[][] {{"POST", "/api/posts/7"}, {"POST", "/api/revalidate-path?path=/"},
                    {"POST", "/api/cached-data"}, {"GET", "/api/kv/greeting"}}) {
                var req = kit.request(call[0], call[1]).body("poisoned");
                if (auth != null) {
                    req.header("authorization", auth);
                }
                var r = req.send();
                assertEquals(401, r.status(), auth + " " + call[1]);
                assertEquals("Bearer", r.header("www-authenticate"));
                assertTrue(!r.text().contains("hello") && !r.text().contains(SECRET), r.text());
            }
        }
        kit.drain();
        assertEquals(writes, kit.kvStore("CACHE_KV").writes(), "nothing was written or revalidated");
        assertEquals("HIT", kit.get("/api/posts/7").cacheState());
        assertTrue(kit.get("/api/cached-data").text().contains("\"value\":\"initial\""));
    }

    @Test
    void withoutAConfiguredSecretTheGuardedRoutesFailClosedNamingTheSecret() {
        var open = IsrTestKit.start(new ExampleApp());
        for (String[] call : new String[][] {{"POST", "/api/posts/7"}, {"GET", "/api/kv/greeting"}}) {
            var r = open.request(call[0], call[1]).header("authorization", "Bearer ").send();
            assertEquals(403, r.status(), call[1]);
            assertTrue(r.text().contains("ISR_REVALIDATE_SECRET") && r.text().contains(".dev.vars"), r.text());
        }
    }

    @Test
    void largeBinaryBodyRoundTripsThroughTheKvCache() {
        kit.get("/api/large");
        kit.drain();
        var hit = kit.get("/api/large");
        assertEquals("HIT", hit.cacheState());
        assertArrayEquals(ExampleApp.large(), hit.bytes());
        assertTrue(kit.kvStore("CACHE_KV").contains("cache:app:/api/large:route"));
    }

    @Test
    void handlerReadsKvInBlockingStyle() {
        kit.kv("CACHE_KV").put("greeting", "hello");
        assertEquals("hello", kit.request("GET", "/api/kv/greeting").header("authorization", BEARER).send()
                .json().get("value"));
        assertEquals(404, kit.request("GET", "/api/kv/absent").header("authorization", BEARER).send().status());
    }

    @Test
    void dynamicRouteIsNeverCached() {
        var r = kit.request("GET", "/api/dynamic-data").header("user-agent", "junit").send();
        assertEquals("junit", r.json().get("userAgent"));
        assertNull(r.cacheState());
        assertEquals(0, kit.pendingBackgroundWork());
    }

    // ----- a first run that explains itself -----------------------------------------------------------------

    static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

    private static List<String> links(String html) {
        var m = Pattern.compile("href=\"([^\"]+)\"").matcher(html);
        var links = new ArrayList<String>();
        while (m.find()) {
            links.add(m.group(1).replace("&amp;", "&"));
        }
        return links;
    }

    @Test
    void theIndexIsStaticAndEveryLinkOnItAnswersWithOnlyTheAdvertised404s() {
        var index = kit.request("GET", "/").header("accept", BROWSER_ACCEPT).header("cookie", "session=x").send();
        assertEquals(200, index.status());
        assertEquals("STATIC", index.cacheState());
        kit.drain(); // the prerendered index is installed in the cache
        assertTrue(index.text().contains("x-isr-cache") && index.text().contains("Age")
                && index.text().contains("ETag") && index.text().contains("Authorization: Bearer"), index.text());
        var notFound = new ArrayList<String>();
        for (String link : links(index.text())) {
            var r = kit.request("GET", link).header("accept", BROWSER_ACCEPT).send();
            if (link.equals("/api/boom")) {
                assertEquals(500, r.status(), link);
                continue;
            }
            assertTrue(r.status() < 500, link + " answered " + r.status());
            if (r.status() == 404) {
                notFound.add(link);
            }
        }
        assertEquals(List.of("/blog/missing-post", "/docs/other", "/no/such/page"), notFound);
        kit.drain();
        assertEquals(index.text(), kit.get("/").text(), "one index for everyone, kept");
    }

    @Test
    void theIndexDescribesEveryRouteOfTheApp() {
        String index = kit.get("/").text();
        for (String pattern : kit.routePatterns()) {
            // {name} is one segment, {...name} one or more: some path the index mentions must match the pattern
            // (quoteReplacement: in a replacement, "\\s" would lose its backslash and exclude the letter s)
            String regex = pattern.replaceAll("\\{\\.\\.\\.[^}]+}", Matcher.quoteReplacement("[^\\s\"<]+"))
                    .replaceAll("\\{[^}]+}", Matcher.quoteReplacement("[^/\\s\"<]+"));
            var mentioned = Pattern.compile("[\\s\">]" + regex + "[\\s\"<?:]").matcher(index);
            assertTrue(mentioned.find(), "the index at / says nothing about " + pattern);
        }
    }

    @Test
    void everyNotFoundLooksTheSameToABrowser() {
        var bodies = new ArrayList<String>();
        for (String path : new String[] {"/no/such/page", "/docs/other", "/blog/missing-post"}) {
            var r = kit.request("GET", path).header("accept", BROWSER_ACCEPT).send();
            assertEquals(404, r.status(), path);
            assertTrue(r.header("content-type").startsWith("text/html"), path);
            bodies.add(r.text());
        }
        assertEquals(List.of(ExampleHtml.NOT_FOUND, ExampleHtml.NOT_FOUND, ExampleHtml.NOT_FOUND), bodies);
        var api = kit.get("/api/no-such-route");
        assertEquals(404, api.status());
        assertEquals("Not Found", api.text(), "a client that does not ask for HTML gets no page");
    }

    @Test
    void thePriceRouteIsBoundedByItsDataAndCarriesItsTags() {
        var miss = kit.get("/api/price/CUP-1");
        assertEquals("MISS", miss.cacheState());
        assertTrue(miss.cacheControl().startsWith("s-maxage=60,"), "min(route 600, data 60): " + miss.cacheControl());
        assertTrue(miss.header("cache-tag").contains("sku-CUP-1") && miss.header("cache-tag").contains("prices"),
                miss.header("cache-tag"));
        kit.drain();
        assertEquals("HIT", kit.get("/api/price/CUP-1").cacheState());
        kit.clock().advanceSeconds(61);
        assertEquals("STALE", kit.get("/api/price/CUP-1").cacheState(), "stale after the data's 60 s, not 600");
    }

    @Test
    void revalidatingThePricesDataTagMakesThePriceRouteAMissWithANewComputation() {
        var first = kit.get("/api/price/CUP-1");
        kit.drain();
        var r = kit.request("POST", "/__isr/revalidate").header("authorization", BEARER)
                .body("{\"tags\":[\"sku-CUP-1\"]}").send();
        assertEquals(200, r.status(), r.text());
        var after = kit.get("/api/price/CUP-1");
        assertEquals("MISS", after.cacheState());
        assertNotEquals(first.json().get("computations"), after.json().get("computations"));
    }

    @Test
    void pagesShowWhenTheyWereRenderedInAFormAPersonCanRead() {
        var formatter = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
        var time = Pattern.compile("<time datetime=\"([^\"]+)\" data-ms=\"(\\d+)\">([^<]+)</time>");
        for (String path : new String[] {"/", "/blog/hello-world", "/blog/new-post", "/products/1", "/about",
                "/live/now"}) {
            var m = time.matcher(kit.get(path).text());
            assertTrue(m.find(), path + " shows no time");
            var at = Instant.ofEpochMilli(Long.parseLong(m.group(2)));
            assertEquals(formatter.format(at), m.group(3), path);
            assertEquals(Instant.ofEpochSecond(at.getEpochSecond()).toString(), m.group(1), path);
        }
        long now = kit.clock().millis();
        assertTrue(kit.get("/blog/another-post").text().contains("data-ms=\"" + now + "\">"
                + formatter.format(Instant.ofEpochMilli(now)) + "</time>"));
    }

    @Test
    void readableDatesAgreeWithJavaTime() {
        var formatter = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
        var random = new Random(16);
        List<Long> samples = new ArrayList<>(List.of(0L, 999L, 951_782_400_000L, 951_868_799_999L,
                4_107_542_400_000L, 1_795_307_898_597L, 253_402_300_799_999L));
        for (int i = 0; i < 10_000; i++) {
            samples.add((long) (random.nextDouble() * 253_402_300_799_999L));
        }
        for (long ms : samples) {
            assertEquals(formatter.format(Instant.ofEpochMilli(ms)), ReadableDates.utc(ms), "at " + ms);
            assertEquals(Instant.ofEpochSecond(Math.floorDiv(ms, 1000)).toString(), ReadableDates.iso(ms), "at " + ms);
        }
    }

    @Test
    void theProductFallbackWatchesItsOwnUrlAndCrawlersGetTheProduct() {
        var fallback = kit.get("/products/42");
        assertEquals("FALLBACK", fallback.cacheState());
        assertTrue(fallback.text().contains("location.pathname") && fallback.text().contains("x-isr-cache")
                && fallback.text().contains("location.reload()"), fallback.text());
        var bot = kit.request("GET", "/products/43").header("user-agent", GOOGLEBOT).send();
        assertEquals("MISS", bot.cacheState());
        assertTrue(bot.text().contains("class=\"product\" data-id=\"43\"") && bot.text().contains("14.50 EUR"),
                bot.text());
    }
}
