package dev.isr4j.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.Headers;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.cache.InMemoryCacheHandler;
import dev.isr4j.testing.RecordingLog;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A handler's answer with a header HTTP cannot carry is a 500 naming route and header, and is never cached. */
class InvalidResponseHeaderTest {
    private final RecordingLog log = new RecordingLog();
    private final AtomicInteger renders = new AtomicInteger();

    private Dispatcher dispatcher(String name, String value) {
        App app = App.create();
        app.route("/cached/{x}").revalidate(60).get(req -> {
            renders.incrementAndGet();
            return Response.text("ok").withHeaders(Headers.of(name, value));
        });
        return new Dispatcher(app, new InMemoryCacheHandler(() -> 0L), log);
    }

    private static Response get(Dispatcher d, String path) {
        return d.handle(Request.builder("GET", "http://localhost" + path).build(), Runnable::run);
    }

    @Test
    void aValueWithALineBreakIsA500LoggedWithRouteAndHeaderNameAndIsNotCached() {
        var d = dispatcher("location", "/a\r\nset-cookie: planted=1");
        assertEquals(500, get(d, "/cached/1").status());
        assertEquals(500, get(d, "/cached/1").status());
        assertEquals(2, renders.get(), "the refused answer was not stored");
        assertTrue(log.hasError("handler for GET /cached/{x} (/cached/1) failed", "\"location\"", "CR, LF, NUL"),
                () -> log.lines().toString());
    }

    @Test
    void aNulInAValueIsRefusedToo() {
        assertEquals(500, get(dispatcher("x-note", "a\u0000b"), "/cached/2").status());
        assertTrue(log.hasError("\"x-note\"", "CR, LF, NUL"));
    }

    @Test
    void aNameThatIsNoTokenIsA500NamingIt() {
        assertEquals(500, get(dispatcher("x bad:name", "v"), "/cached/3").status());
        assertTrue(log.hasError("handler for GET /cached/{x}", "\"x bad:name\"", "RFC 9110 token"),
                () -> log.lines().toString());
    }

    @Test
    void validFieldsPassUnchanged() {
        var r = get(dispatcher("x-trace", "3:ab5:hello \u00e9"), "/cached/4");
        assertEquals(200, r.status());
        assertEquals("3:ab5:hello \u00e9", r.header("x-trace"));
    }

    @Test
    void responseJsonOfNullSaysWhatWasNull() {
        var e = assertThrows(IllegalArgumentException.class, () -> Response.json((String) null));
        assertTrue(e.getMessage().startsWith("Response.json(null)"), e.getMessage());
    }
}
