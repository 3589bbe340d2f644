package dev.isr4j.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.testkit.IsrTestKit;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The blog on the JVM: D1 is SQLite built from the same migrations, static paths prerendered from it. */
class BlogAppTest {
    static final String SECRET = "test-secret";
    /** Maven runs the tests in worker-java/example; the migrations are the project's. */
    static final Path MIGRATIONS = Path.of("../../migrations");

    IsrTestKit kit() {
        return IsrTestKit.builder(new BlogApp().create()).var("ISR_REVALIDATE_SECRET", SECRET)
                .d1(Posts.DB, MIGRATIONS).build();
    }

    @Test
    void theNewestPostsArePrerenderedFromD1AndOlderOnesRenderOnDemand() {
        var kit = kit();
        assertEquals("HIT", kit.get("/posts/records-and-templates").cacheState());
        assertEquals("HIT", kit.get("/").cacheState());
        var older = kit.get("/posts/hello-isr");
        assertEquals("MISS", older.cacheState());
        assertTrue(older.text().contains("<h1>Hello, ISR</h1>"), older.text());
        kit.drain();
        assertEquals("HIT", kit.get("/posts/hello-isr").cacheState());
        assertEquals(404, kit.get("/posts/no-such-post").status());
        assertEquals(404, kit.get("/tags/no-such-tag").status());
    }

    @Test
    void anEditRevalidatesItsPageTheListsAndItsTagsButNoOtherPost() {
        var kit = kit();
        kit.get("/posts/hello-isr");
        kit.get("/tags/isr");
        kit.drain();
        var edit = kit.request("PUT", "/api/posts/hello-isr").header("authorization", "Bearer " + SECRET)
                .header("content-type", "application/json")
                .body("{\"title\":\"Hello again, ISR\",\"tags\":[\"isr\",\"news\"]}").send();
        assertEquals(200, edit.status(), edit.text());
        assertTrue(edit.cacheControl().contains("no-store"), "an edit's answer is never cached: " + edit.cacheControl());
        kit.drain();
        var page = kit.get("/posts/hello-isr");
        assertTrue(page.text().contains("<h1>Hello again, ISR</h1>"), page.text());
        assertTrue(kit.get("/").text().contains("Hello again, ISR"));
        assertTrue(kit.get("/tags/isr").text().contains("Hello again, ISR"));
        assertTrue(kit.get("/tags/news").text().contains("Hello again, ISR"));
        assertEquals("HIT", kit.get("/posts/d1-at-the-edge").cacheState());
    }

    @Test
    void editsNeedTheSecretAndAWellFormedBody() {
        var kit = kit();
        assertEquals(401, kit.request("PUT", "/api/posts/hello-isr").body("{\"title\":\"x\"}").send().status());
        var bad = kit.request("PUT", "/api/posts/hello-isr").header("authorization", "Bearer " + SECRET)
                .body("{\"title\": 42}").send();
        assertEquals(400, bad.status());
        assertTrue(bad.text().contains("title"), bad.text());
        assertEquals(400, kit.request("PUT", "/api/posts/hello-isr").header("authorization", "Bearer " + SECRET)
                .body("{\"tags\": [\"Not A Tag!\"]}").send().status());
        assertEquals(400, kit.request("PUT", "/api/posts/hello-isr").header("authorization", "Bearer " + SECRET)
                .body("{\"tags\": [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",\"k\"]}").send().status());
        assertEquals(404, kit.request("PUT", "/api/posts/nope").header("authorization", "Bearer " + SECRET)
                .body("{\"title\": \"x\"}").send().status());
    }

    @Test
    void paragraphsAreSplitOnBlankLines() {
        var post = new Post("s", "t", "x", "one\nstill one\n\n  two  \n\n\n", "a", "A", "d", "u", java.util.List.of());
        assertEquals(java.util.List.of("one\nstill one", "two"), post.paragraphs());
    }
}
