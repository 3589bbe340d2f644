package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.testkit.IsrTestKit;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Runs the app on the JVM exactly as the worker runs it, with a clock you move and background work you drain. D1 is
 * SQLite in memory, fresh for every kit, with the site's migrations applied as wrangler applies them.
 */
class SiteAppTest {
    private static final String SECRET = "test-secret";
    /** migrations/ beside wrangler.jsonc: Maven runs the tests in worker-java/app, an IDE maybe at the root. */
    private static final Path MIGRATIONS = siteRoot().resolve("migrations");

    private static IsrTestKit kit() {
        return IsrTestKit.builder(new SiteApp().create())
                .d1("DB", MIGRATIONS)
                .var("ISR_REVALIDATE_SECRET", SECRET)
                .build();
    }

    @Test
    void theIndexIsPrerenderedServedFromTheCacheAndRegeneratedWhenStale() {
        IsrTestKit kit = kit();
        var first = kit.get("/");
        assertEquals("HIT", first.cacheState()); // rendered from D1 when the kit was built, as `mvn package` does
        assertTrue(first.text().contains("<a href=\"/posts/hello-world\">Hello, world</a>"), first.text());
        kit.drain(); // the first use stores the build's copy in KV (in the background), live from now on

        kit.d1("DB").prepare("INSERT INTO posts (slug, title, body) VALUES (?, ?, ?)")
                .bind("third-post", "A third post", "Added behind the cache's back.").run();
        assertEquals(first.text(), kit.get("/").text()); // the cache does not know yet
        kit.clock().advanceSeconds(61); // past the index's revalidate(60)
        var stale = kit.get("/");
        assertEquals("STALE", stale.cacheState()); // served at once, regenerated in the background
        assertEquals(first.text(), stale.text());
        kit.drain(); // the regeneration
        var fresh = kit.get("/");
        assertEquals("HIT", fresh.cacheState());
        assertTrue(fresh.text().contains("A third post"), fresh.text());
    }

    @Test
    void postPagesAreReadFromD1AndTheListedOnesPrerendered() {
        IsrTestKit kit = kit();
        var page = kit.get("/posts/hello-world");
        assertEquals(200, page.status());
        assertEquals("HIT", page.cacheState()); // listed from D1 by staticPaths when the kit was built
        assertTrue(page.text().contains("<h1>Hello, world</h1>"), page.text());

        assertEquals(404, kit.get("/posts/no-such-post").status());

        kit.d1("DB").prepare("INSERT INTO posts (slug, title, body) VALUES (?, ?, ?)")
                .bind("later", "Written after the build", "Rendered on its first request.").run();
        var later = kit.get("/posts/later"); // Fallback.BLOCKING: rendered now, then cached
        assertEquals(200, later.status());
        assertEquals("MISS", later.cacheState());
        assertTrue(later.text().contains("<h1>Written after the build</h1>"), later.text());
        kit.drain(); // the cache write runs in the background
        assertEquals("HIT", kit.get("/posts/later").cacheState());
    }

    @Test
    void anEditNeedsTheSecretAndRevalidatesThatPostAndTheIndexOnly() {
        IsrTestKit kit = kit();
        String edit = "{\"title\": \"Hello again\"}";

        var refused = kit.request("PUT", "/api/posts/hello-world").body(edit).send();
        assertEquals(401, refused.status());
        assertEquals("Hello, world",
                kit.d1("DB").prepare("SELECT title FROM posts WHERE slug = ?").bind("hello-world")
                        .first("title", String.class));

        var edited = kit.request("PUT", "/api/posts/hello-world")
                .header("Authorization", "Bearer " + SECRET).body(edit).send();
        assertEquals(200, edited.status(), edited.text());
        assertTrue(edited.text().contains("\"title\":\"Hello again\""), edited.text());

        var post = kit.get("/posts/hello-world");
        assertEquals("MISS", post.cacheState());
        assertTrue(post.text().contains("<h1>Hello again</h1>"), post.text());
        var index = kit.get("/");
        assertEquals("MISS", index.cacheState());
        assertTrue(index.text().contains("Hello again"), index.text());
        assertEquals("HIT", kit.get("/posts/second-post").cacheState()); // another post's page is untouched

        var missing = kit.request("PUT", "/api/posts/no-such-post")
                .header("Authorization", "Bearer " + SECRET).body(edit).send();
        assertEquals(404, missing.status());
        var malformed = kit.request("PUT", "/api/posts/hello-world")
                .header("Authorization", "Bearer " + SECRET).body("{\"title\": 42}").send();
        assertEquals(400, malformed.status());
    }

    @Test
    void revalidationNeedsTheSecretAndMakesTheNextRequestAMiss() {
        IsrTestKit kit = kit();
        assertEquals("HIT", kit.get("/").cacheState());

        assertEquals(401, kit.post("/api/revalidate?tag=posts", "").status());
        assertEquals("HIT", kit.get("/").cacheState());

        var revalidated = kit.request("POST", "/api/revalidate?tag=posts")
                .header("Authorization", "Bearer " + SECRET).send();
        assertEquals(200, revalidated.status());
        assertEquals("MISS", kit.get("/").cacheState());
    }

    /** The folder of wrangler.jsonc: the working directory or the nearest one above it. */
    private static Path siteRoot() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("wrangler.jsonc"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no wrangler.jsonc in " + start + " or above it");
    }
}
