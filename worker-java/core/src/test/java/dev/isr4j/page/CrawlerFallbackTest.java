package dev.isr4j.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.Fallback;
import dev.isr4j.Headers;
import dev.isr4j.Json;
import dev.isr4j.Props;
import dev.isr4j.testing.IsrHarness;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Crawlers never get a SHOW_FALLBACK page's placeholder: they get the page, rendered at once and cached. */
class CrawlerFallbackTest {
    private static final String FALLBACK_HTML = "<p class=\"fallback\">Loading...</p>";
    private static final String GOOGLEBOT = "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) "
            + "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.126 Mobile Safari/537.36 "
            + "(compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

    private final AtomicInteger renders = new AtomicInteger();

    private App app() {
        App app = App.create();
        app.page("/products/{id}").staticPaths("/products/1").fallback(Fallback.SHOW_FALLBACK)
                .fallbackHtml(FALLBACK_HTML).revalidate(60).tags("products")
                .props(req -> Props.of(Json.object().put("id", req.param("id")).put("n", renders.incrementAndGet())))
                .render(p -> "<article data-id=\"" + p.get("id") + "\">render " + p.get("n") + "</article>");
        return app;
    }

    private static dev.isr4j.Response as(IsrHarness h, String path, String userAgent) {
        return h.getWithHeaders(path, Headers.of("user-agent", userAgent));
    }

    @Test
    void aCrawlerGetsTheRealPageRenderedInTheForegroundWithItsIsrHeaders() {
        var h = new IsrHarness(app());
        var r = as(h, "/products/9", GOOGLEBOT);
        assertEquals(200, r.status());
        assertEquals("MISS", r.header("x-isr-cache"));
        assertEquals("<article data-id=\"9\">render 1</article>", r.text());
        assertTrue(r.header("cache-control").startsWith("s-maxage=60,"), r.header("cache-control"));
        assertTrue(r.header("cache-tag").contains("products"), r.header("cache-tag"));
    }

    @Test
    void readingTheUserAgentForThatDoesNotMakeThePageDynamic() {
        var h = new IsrHarness(app());
        as(h, "/products/9", GOOGLEBOT);
        h.background.drain();
        var browser = as(h, "/products/9", CHROME);
        assertEquals("HIT", browser.header("x-isr-cache"), "the crawler's render was stored for everyone");
        assertEquals("<article data-id=\"9\">render 1</article>", browser.text());
        assertEquals(1, renders.get());
    }

    @Test
    void browsersAndRequestsWithoutAUserAgentStillGetTheFallback() {
        for (String ua : new String[] {CHROME, null, "", "curl/8.5.0"}) {
            var h = new IsrHarness(app());
            var r = ua == null ? h.get("/products/9") : as(h, "/products/9", ua);
            assertEquals("FALLBACK", r.header("x-isr-cache"), String.valueOf(ua));
            assertEquals(FALLBACK_HTML, r.text());
        }
    }

    @Test
    void aCrawlerAfterTheBackgroundRenderStartedRendersItselfAndBothLand() {
        var h = new IsrHarness(app());
        assertEquals("FALLBACK", as(h, "/products/9", CHROME).header("x-isr-cache"));
        var bot = as(h, "/products/9", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)");
        assertEquals("MISS", bot.header("x-isr-cache"));
        assertTrue(bot.text().startsWith("<article data-id=\"9\">"), bot.text());
        h.background.drain();
        assertEquals("HIT", as(h, "/products/9", CHROME).header("x-isr-cache"));
    }

    @Test
    void aCrawlerOfAListedOrCachedPathIsServedLikeAnyone() {
        var h = new IsrHarness(app());
        assertEquals("MISS", as(h, "/products/1", GOOGLEBOT).header("x-isr-cache"));
        h.background.drain();
        assertEquals("HIT", as(h, "/products/1", GOOGLEBOT).header("x-isr-cache"));
    }

    @Test
    void recognisesTheBotsTheReadmeListsWhateverTheirCase() {
        String[] bots = {
            GOOGLEBOT,
            "Mozilla/5.0 (compatible; Google-InspectionTool/1.0;)",
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
            "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)",
            "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
            "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
            "Mozilla/5.0 (compatible; YandexImages/3.0; +http://yandex.com/bots)",
            "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "Twitterbot/1.0",
            "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
            "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
            "WhatsApp/2.23.20.0 A",
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
            "GOOGLEBOT/2.1",
        };
        for (String ua : bots) {
            assertTrue(Crawlers.isCrawler(ua), ua);
        }
    }

    @Test
    void peopleAreNotCrawlersEvenInsideTheAppsOfSitesThatRunBots() {
        String[] people = {
            CHROME,
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/470.0.0.38.109]",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [Pinterest/iOS]",
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36 YaBrowser/24.4",
            "curl/8.5.0",
            null,
        };
        for (String ua : people) {
            assertFalse(Crawlers.isCrawler(ua), String.valueOf(ua));
        }
    }

    @Test
    void anOverlongUserAgentIsJudgedByItsStart() {
        assertTrue(Crawlers.isCrawler("Googlebot/2.1 " + "x".repeat(100_000)));
        assertFalse(Crawlers.isCrawler("x".repeat(100_000) + " Googlebot/2.1"));
    }
}
