package dev.isr4j.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.isr4j.App;
import dev.isr4j.Env;
import dev.isr4j.Kv;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.cache.InMemoryCacheHandler;
import dev.isr4j.testing.RecordingLog;
import org.junit.jupiter.api.Test;

/** A client-chosen Host never reaches a cached body: url() is the canonical origin, or the answer is dynamic. */
class HostReflectionTest {
    private final Dispatcher dispatcher;

    HostReflectionTest() {
        App app = App.create();
        app.route("/self").revalidate(60).get(req -> Response.text(req.url()));
        app.route("/static-self").dynamic(dev.isr4j.Dynamic.FORCE_STATIC).get(req -> Response.text(req.url()));
        dev.isr4j.api.Clock clock = () -> 0L; // the handler's and the dispatcher's: one time for every decision
        dispatcher = new Dispatcher(app, new InMemoryCacheHandler(clock), new RecordingLog(), java.util.Map.of(), clock);
    }

    private Response get(String url, String origin) {
        Env env = new Env() {
            @Override
            public String var(String name) {
                return Request.ORIGIN_VAR.equals(name) ? origin : null;
            }

            @Override
            public Kv kv(String binding) {
                return null;
            }
        };
        return dispatcher.handle(Request.builder("GET", url).env(env).build(), Runnable::run);
    }

    @Test
    void withoutACanonicalOriginReadingTheUrlMakesTheAnswerDynamic() {
        assertEquals("http://evil.example/self", get("http://evil.example/self", null).text());
        var honest = get("http://www.example.com/self", null);
        assertEquals("http://www.example.com/self", honest.text());
        assertEquals(null, honest.header("x-isr-cache"), "never cached, so never served to another Host");
    }

    @Test
    void withACanonicalOriginEveryHostSeesItAndTheAnswerIsCached() {
        assertEquals("https://www.example.com/self", get("http://evil.example/self", "https://www.example.com").text());
        var second = get("http://other.example/self", "https://www.example.com");
        assertEquals("https://www.example.com/self", second.text());
        assertEquals("HIT", second.header("x-isr-cache"));
    }

    @Test
    void aForceStaticRouteThatReadsTheUrlNeverCachesTheClientsHost() {
        var first = get("http://evil.example/static-self", null);
        assertEquals("STATIC", first.header("x-isr-cache"));
        assertEquals("http://localhost/static-self", first.text(), "rendered from a clean request, not the client's Host");
        assertEquals("http://localhost/static-self", get("http://www.example.com/static-self", null).text());
    }

    @Test
    void aCanonicalOriginWithAPathIsAConfigurationError() {
        var request = Request.builder("GET", "http://a/self").env(new Env() {
            @Override
            public String var(String name) {
                return "https://www.example.com/blog";
            }

            @Override
            public Kv kv(String binding) {
                return null;
            }
        }).build();
        var e = assertThrows(IllegalArgumentException.class, request::url);
        assertEquals(true, e.getMessage().startsWith("ISR_ORIGIN must be an origin"), e.getMessage());
    }
}
