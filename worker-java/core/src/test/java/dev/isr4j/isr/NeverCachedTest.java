package dev.isr4j.isr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.routing.Dispatcher;
import dev.isr4j.App;
import dev.isr4j.Body;
import dev.isr4j.Dynamic;
import dev.isr4j.Handler;
import dev.isr4j.Headers;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.testing.IsrHarness;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Responses that must never be stored, and must carry no ISR headers. */
class NeverCachedTest {
    private static final String PATH = "/api/data";
    private final AtomicInteger renders = new AtomicInteger();

    private App route(double revalidate, Handler handler) {
        App app = App.create();
        app.route(PATH).revalidate(revalidate).get(handler);
        return app;
    }

    private Handler counting() {
        return req -> Response.text("render " + renders.incrementAndGet());
    }

    /** Two requests both run the handler, neither carries ISR headers, nothing is scheduled or stored. */
    private void assertNeverCached(IsrHarness h, java.util.function.Supplier<Response> request) {
        for (int i = 1; i <= 2; i++) {
            var r = request.get();
            assertNull(r.header("x-isr-cache"), () -> "x-isr-cache on an uncached response: " + r.headers());
            assertNull(r.header("cache-status"), () -> "cache-status on an uncached response: " + r.headers());
            h.background.drain();
        }
        assertEquals(2, renders.get(), "the handler answered every request");
        assertEquals(0, h.background.submitted(), "no cache write was scheduled");
        assertEquals(0, h.memory().size(), "nothing stored");
    }

    @Test
    void postOnAnIsrRouteIsNeverCached() {
        App app = App.create();
        app.route(PATH).revalidate(60).get(req -> Response.text("get"))
                .post(req -> Response.text("posted " + renders.incrementAndGet()));
        var h = new IsrHarness(app);
        assertNeverCached(h, () -> h.request("POST", PATH));
        assertEquals(Dispatcher.NO_STORE, h.request("POST", PATH).header("cache-control"));
    }

    @ParameterizedTest(name = "handler reading {0}")
    @ValueSource(strings = {"header", "headers", "cookie", "query", "queryParam"})
    void handlerThatReadsTheRequestIsNotCached(String what) {
        Handler handler = req -> {
            String read = switch (what) {
                case "header" -> req.header("accept-language");
                case "headers" -> String.valueOf(req.headers().size());
                case "cookie" -> req.cookie("session");
                case "query" -> req.query();
                case "queryParam" -> req.queryParam("lang");
                default -> throw new IllegalArgumentException(what);
            };
            return Response.text("render " + renders.incrementAndGet() + " for " + read);
        };
        var h = new IsrHarness(route(60, handler));
        var request = Request.builder("GET", IsrHarness.ORIGIN + PATH + "?lang=de")
                .headers(Headers.of("Accept-Language", "de", "Cookie", "session=alice"));
        assertNeverCached(h, () -> h.send(request.build()));
        assertEquals(Dispatcher.NO_STORE, h.send(request.build()).header("cache-control"),
                "a dynamic response may not be stored by anyone");
    }

    @Test
    void handlerThatReadsNothingDespiteHeadersAndQueryOnTheRequestIsCached() {
        var h = new IsrHarness(route(60, counting()));
        var r = h.send(Request.builder("GET", IsrHarness.ORIGIN + PATH + "?lang=de")
                .headers(Headers.of("Cookie", "session=alice")).build());
        assertEquals("MISS", r.header("x-isr-cache"));
        h.background.drain();
        assertEquals(1, h.memory().size());
    }

    @Test
    void handlerSettingItsOwnCacheControlKeepsItExactlyAndIsNotStored() {
        var h = new IsrHarness(route(60, req -> Response.text("render " + renders.incrementAndGet())
                .withHeader("Cache-Control", "private, max-age=5")));
        assertNeverCached(h, () -> h.get(PATH));
        var r = h.get(PATH);
        assertEquals(java.util.List.of("private, max-age=5"), r.headers().getAll("cache-control"));
    }

    @Test
    void forceDynamicRouteIsNeverCachedWhateverItsRevalidate() {
        App app = App.create();
        app.route(PATH).revalidate(60).dynamic(Dynamic.FORCE_DYNAMIC).get(counting());
        var h = new IsrHarness(app);
        assertNeverCached(h, () -> h.get(PATH));
    }

    @ParameterizedTest(name = "revalidate({0})")
    @ValueSource(doubles = {0.0, -0.0, -1.0, -0.001, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void revalidateThatIsNotAPositiveFiniteNumberMeansNotIsr(double revalidate) {
        var h = new IsrHarness(route(revalidate, counting()));
        assertNeverCached(h, () -> h.get(PATH));
        assertEquals(Dispatcher.NO_STORE, h.get(PATH).header("cache-control"));
    }

    @Test
    void fractionalRevalidateIsRoundedUpToWholeSeconds() {
        var h = new IsrHarness(route(0.2, counting()));
        assertEquals("s-maxage=1, stale-while-revalidate=31535999", h.get(PATH).header("cache-control"));
        h.background.drain();
        h.clock.advanceMillis(999);
        assertEquals("HIT", h.get(PATH).header("x-isr-cache"));
        h.clock.advanceMillis(1);
        assertEquals("STALE", h.get(PATH).header("x-isr-cache"));
    }

    @Test
    void developmentModeRunsTheHandlerEveryTimeAndStoresNothing() {
        var h = new IsrHarness(route(60, counting()));
        var dev = IsrHarness.env(Map.of("ISR_MODE", "development"));
        assertNeverCached(h, () -> h.send(Request.builder("GET", IsrHarness.ORIGIN + PATH).env(dev).build()));
        assertEquals(Dispatcher.NO_STORE,
                h.send(Request.builder("GET", IsrHarness.ORIGIN + PATH).env(dev).build()).header("cache-control"));
    }

    @Test
    void developmentModeIgnoresAnEntryAlreadyInTheCache() {
        var h = new IsrHarness(route(60, counting()));
        h.get(PATH);
        h.background.drain();
        var dev = IsrHarness.env(Map.of("ISR_MODE", "development"));
        var r = h.send(Request.builder("GET", IsrHarness.ORIGIN + PATH).env(dev).build());
        assertEquals("render 2", r.text());
        assertNull(r.header("x-isr-cache"));
        var prod = IsrHarness.env(Map.of("ISR_MODE", "production"));
        assertEquals("HIT", h.send(Request.builder("GET", IsrHarness.ORIGIN + PATH).env(prod).build())
                .header("x-isr-cache"), "ISR_MODE=production caches as usual");
    }

    @ParameterizedTest(name = "status {0}")
    @ValueSource(ints = {500, 502, 503, 599})
    void serverErrorFromTheHandlerIsServedAsIsAndNeverStored(int status) {
        var h = new IsrHarness(route(60, req -> Response.text("failed " + renders.incrementAndGet()).withStatus(status)));
        assertNeverCached(h, () -> {
            var r = h.get(PATH);
            assertEquals(status, r.status());
            assertEquals(Dispatcher.NO_STORE, r.header("cache-control"));
            return r;
        });
    }

    @Test
    void clientErrorFromTheHandlerIsCachedLikeAnyOtherAnswer() {
        var h = new IsrHarness(route(60, req -> Response.text("gone " + renders.incrementAndGet()).withStatus(404)));
        assertEquals("MISS", h.get(PATH).header("x-isr-cache"));
        h.background.drain();
        var hit = h.get(PATH);
        assertEquals(404, hit.status());
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertEquals("gone 1", hit.text());
    }

    @Test
    void handlerThatThrowsOnAMissIs500AndNothingIsStored() {
        var h = new IsrHarness(route(60, req -> {
            renders.incrementAndGet();
            throw new IllegalStateException("kaput");
        }));
        assertNeverCached(h, () -> {
            var r = h.get(PATH);
            assertEquals(500, r.status());
            assertEquals("Internal Server Error", r.text());
            return r;
        });
        assertTrue(h.log.hasError("GET", PATH, "kaput"), h.log::toString);
    }

    @Test
    void handlerReturningNullOnAMissIs500AndNothingIsStored() {
        var h = new IsrHarness(route(60, req -> {
            renders.incrementAndGet();
            return null;
        }));
        assertNeverCached(h, () -> {
            var r = h.get(PATH);
            assertEquals(500, r.status());
            return r;
        });
    }

    /**
     * Request.url() carries the query string, yet reading it does not mark the request dynamic (only query()
     * and queryParam() do). A handler that takes the query from url() then has its per-query answer stored
     * under the query-less key and served to every other query.
     */
    @Test
    void queryReadThroughTheFullUrlIsNeverServedToADifferentQuery() {
        var h = new IsrHarness(route(60, req -> {
            String url = req.url();
            int q = url.indexOf('?');
            return Response.text("results for " + (q < 0 ? "" : url.substring(q + 1)));
        }));
        assertEquals("results for user=alice", h.get(PATH + "?user=alice").text());
        h.background.drain();
        var bob = h.get(PATH + "?user=bob");
        assertEquals("results for user=bob", bob.text(),
                "bob was served alice's query-specific answer from the cache (x-isr-cache="
                        + bob.header("x-isr-cache") + ")");
    }

    @Test
    void postBodyIsNotAffectedByAnIsrGetOnTheSameRoute() {
        App app = App.create();
        app.route(PATH).revalidate(60).get(counting()).post(req -> Response.text("echo " + req.text()));
        var h = new IsrHarness(app);
        h.get(PATH);
        h.background.drain();
        var r = h.send(Request.builder("POST", IsrHarness.ORIGIN + PATH).body(Body.of("x")).build());
        assertEquals("echo x", r.text());
        assertNull(r.header("x-isr-cache"));
        assertFalse(r.headers().has("cache-status"));
    }
}
