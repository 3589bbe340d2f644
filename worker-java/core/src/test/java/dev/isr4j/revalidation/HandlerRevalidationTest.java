package dev.isr4j.revalidation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.PathType;
import dev.isr4j.Response;
import dev.isr4j.testing.KvHarness;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code req.revalidator()} with values a request can make invalid: logged and left out, never a 500. */
class HandlerRevalidationTest {
    private final AtomicInteger renders = new AtomicInteger();

    private App app() {
        App app = App.create();
        app.route("/api/posts/{id}").revalidate(60).tags("post-{id}", "posts")
                .get(req -> Response.text(req.param("id") + " " + renders.incrementAndGet()))
                // The tag is built from the path parameter, as users write it.
                .post(req -> {
                    req.revalidator().tag("post-" + req.param("id"));
                    return Response.status(204);
                });
        app.route("/tags").post(req -> {
            req.revalidator().tags(Arrays.asList(req.text().split(",", -1)), req.queryParam("profile"));
            return Response.status(204);
        });
        app.route("/mixed").post(req -> {
            req.revalidator().tags(List.of("post-1", "bad\u0085tag", "", "lone\ud800"), null);
            return Response.status(204);
        });
        app.route("/path").post(req -> {
            req.revalidator().path(req.queryParam("p"), PathType.LAYOUT);
            return Response.status(204);
        });
        return app;
    }

    private final KvHarness h = new KvHarness(app());

    private void warm(String... paths) {
        for (String p : paths) {
            h.get(p);
        }
        h.background.drain();
        h.clock.advanceMillis(1);
    }

    private void post(String path, String body) {
        var r = h.send(dev.isr4j.Request.builder("POST", "http://localhost" + path)
                .body(dev.isr4j.Body.of(body)).build());
        assertEquals(204, r.status(), () -> path + " -> " + r.text());
    }

    @Test
    void aTagTooLongOrWithATabFromAPathParameterIsLoggedAndTheRequestSucceeds() {
        int writes = h.memory.writes();
        post("/api/posts/" + "x".repeat(300), "");
        post("/api/posts/a%09b", "");
        assertEquals(writes, h.memory.writes(), "nothing was revalidated");
        assertTrue(h.log.hasWarning("revalidateTag", "305 characters", "limit is 256"), h.log::toString);
        assertTrue(h.log.hasWarning("revalidateTag", "'post-a\\u0009b'", "U+0009"), h.log::toString);
        assertTrue(h.log.errors().isEmpty(), h.log::toString);
    }

    @Test
    void validTagsInTheSameCallAreStillRevalidated() {
        warm("/api/posts/1", "/api/posts/2");
        post("/mixed", "");
        assertEquals("MISS", h.get("/api/posts/1").header("x-isr-cache"));
        assertEquals("HIT", h.get("/api/posts/2").header("x-isr-cache"));
        assertTrue(h.log.hasWarning("'bad\\u0085tag'", "U+0085"), h.log::toString);
        assertTrue(h.log.hasWarning("'lone\\ud800'", "lone surrogate"), h.log::toString);
        assertTrue(h.log.hasWarning("''", "1 to 256"), h.log::toString);
    }

    @Test
    void aBlankProfileIsLoggedAndNothingIsRevalidated() {
        warm("/api/posts/1");
        post("/tags?profile=%20", "post-1");
        assertEquals("HIT", h.get("/api/posts/1").header("x-isr-cache"));
        assertTrue(h.log.hasWarning("profile"), h.log::toString);
    }

    @Test
    void anInvalidLayoutPathIsLoggedAndTheRequestSucceeds() {
        warm("/api/posts/1");
        for (String p : List.of("", "relative", "/a%2Fb", "/%zz")) {
            post("/path?p=" + p.replace("%", "%25"), "");
        }
        post("/path", ""); // no path at all: null
        assertEquals("HIT", h.get("/api/posts/1").header("x-isr-cache"));
        assertTrue(h.log.hasWarning("revalidatePath", "null"), h.log::toString);
        assertTrue(h.log.errors().isEmpty(), h.log::toString);
        post("/path?p=/api//posts/", "");
        assertEquals("MISS", h.get("/api/posts/1").header("x-isr-cache"), "any spelling of a layout path works");
    }
}
