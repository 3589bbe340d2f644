package dev.isr4j.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.Json;
import dev.isr4j.PathType;
import dev.isr4j.Response;
import dev.isr4j.testing.IsrHarness;
import dev.isr4j.testing.KvHarness;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Every spelling of a path the router answers alike reads, writes and invalidates one entry. */
class PathSpellingsTest {
    private static final List<String> SPELLINGS = List.of("/api/posts/1", "/api/posts/%31", "/api/posts//1",
            "/api/posts/1//", "//api/posts/1/", "/api/./posts/1", "/api/x/../posts/1", "/%61pi/posts/1");

    private final AtomicInteger renders = new AtomicInteger();

    private App app() {
        App app = App.create();
        app.route("/api/posts/{id}").revalidate(60).tags("post-{id}")
                .get(req -> Response.json(Json.object().put("id", req.param("id")).put("path", req.path())
                        .put("render", renders.incrementAndGet())));
        app.route("/revalidate").post(req -> {
            req.revalidator().path(req.queryParam("path"),
                    "layout".equals(req.queryParam("type")) ? PathType.LAYOUT : PathType.PAGE);
            return Response.status(204);
        });
        return app;
    }

    @Test
    void spellingsOfOnePathShareOneEntryAndTheHandlerSeesTheCanonicalPath() {
        var h = new IsrHarness(app());
        var first = h.get("/api/posts/%31");
        assertEquals("MISS", first.header("x-isr-cache"));
        assertEquals("{\"id\":\"1\",\"path\":\"/api/posts/1\",\"render\":1}", first.text());
        h.background.drain();
        for (String spelling : SPELLINGS) {
            var r = h.get(spelling);
            assertEquals("HIT", r.header("x-isr-cache"), spelling);
            assertEquals(first.text(), r.text(), spelling);
        }
        assertEquals(1, h.memory().size());
        assertEquals(1, renders.get());
    }

    @Test
    void revalidatePathOfAnySpellingInvalidatesEverySpelling() {
        var h = new IsrHarness(app());
        for (String revalidated : List.of("/api/posts/1", "/api/posts/%31/", "/api//posts/1")) {
            h.get("/api/posts//1");
            h.background.drain();
            h.clock.advanceMillis(1);
            assertEquals(204, h.request("POST", "/revalidate?path=" + revalidated.replace("%", "%25")).status());
            h.clock.advanceMillis(1);
            int before = renders.get();
            assertEquals("MISS", h.get("/api/posts/1//").header("x-isr-cache"), revalidated);
            h.background.drain();
            for (String spelling : SPELLINGS) {
                var r = h.get(spelling);
                assertEquals("HIT", r.header("x-isr-cache"), revalidated + " then " + spelling);
            }
            assertEquals(before + 1, renders.get(), "one regeneration serves every spelling");
        }
    }

    @Test
    void overKvEverySpellingUsesOneKvKey() {
        var h = new KvHarness(app());
        for (String spelling : SPELLINGS) {
            h.get(spelling);
            h.background.drain();
        }
        assertEquals(List.of("cache:app:/api/posts/1:route"),
                h.memory.keys().stream().filter(k -> k.startsWith("cache:")).toList());
        assertEquals(1, renders.get());
        h.clock.advanceMillis(1);
        assertEquals(204, h.request("POST", "/revalidate?path=/api/posts/%2531").status());
        h.clock.advanceMillis(1);
        assertEquals("MISS", h.get("/api/posts//1/").header("x-isr-cache"));
    }

    @Test
    void aPathWithoutCanonicalFormIs400NamingTheProblemAndRunsNothing() {
        var h = new IsrHarness(app());
        for (String[] c : new String[][] {{"/api/posts/%zz", "two hex digits"}, {"/api/posts/%00", "NUL"},
                {"/api/posts/a%2Fb", "%2F"}, {"/api/posts/%FF", "UTF-8"}, {"/api/posts/1%", "two hex digits"}}) {
            var r = h.get(c[0]);
            assertEquals(400, r.status(), c[0]);
            assertTrue(r.text().contains(c[1]), c[0] + " -> " + r.text());
            assertEquals(null, r.header("x-isr-cache"));
        }
        h.background.drain();
        assertEquals(0, renders.get());
        assertEquals(0, h.memory().size());
    }

    @Test
    void encodedCharactersTheRouterDecodesShareOneEntryToo() {
        var h = new IsrHarness(app());
        var first = h.get("/api/posts/caf%C3%A9%20x");
        h.background.drain();
        for (String spelling : List.of("/api/posts/caf%c3%a9%20x", "/api/posts/caf\u00e9 x", "/api/posts/%63af%C3%A9%20x")) {
            var r = h.get(spelling);
            assertEquals("HIT", r.header("x-isr-cache"), spelling);
            assertEquals(first.text(), r.text(), spelling);
        }
        assertTrue(first.text().contains("\"id\":\"caf\u00e9 x\""), first.text());
    }

    @Test
    void revalidatePathWithAnInvalidPathFromAHandlerIsLoggedAndTheRequestSucceeds() {
        var h = new IsrHarness(app());
        h.get("/api/posts/1");
        h.background.drain();
        for (String bad : List.of("no-slash", "/a%252Fb", "/x?y=1")) {
            assertEquals(204, h.request("POST", "/revalidate?path=" + bad.replace("?", "%3F")).status(), bad);
        }
        assertTrue(h.log.hasWarning("revalidatePath", "no-slash"), h.log::toString);
        assertTrue(h.log.hasWarning("revalidatePath", "%2F"), h.log::toString);
        assertTrue(h.log.hasWarning("revalidatePath", "query"), h.log::toString);
        assertTrue(h.log.errors().isEmpty(), h.log::toString);
        assertEquals("HIT", h.get("/api/posts/1").header("x-isr-cache"));
    }
}
