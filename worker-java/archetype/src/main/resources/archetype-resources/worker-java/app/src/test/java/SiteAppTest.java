package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.testkit.IsrTestKit;
import org.junit.jupiter.api.Test;

/** Runs the app on the JVM exactly as the worker runs it, with a clock you move and background work you drain. */
class SiteAppTest {
    private static final String SECRET = "test-secret";

    @Test
    void timeIsRenderedOnceServedFromTheCacheAndRegeneratedWhenStale() {
        IsrTestKit kit = IsrTestKit.start(new SiteApp());
        var first = kit.get("/api/time");
        assertEquals("MISS", first.cacheState());
        kit.drain(); // the cache write runs in the background
        var second = kit.get("/api/time");
        assertEquals("HIT", second.cacheState());
        assertEquals(first.text(), second.text());

        kit.clock().advanceSeconds(61);
        assertEquals("STALE", kit.get("/api/time").cacheState());
        kit.drain(); // the regeneration
        var fresh = kit.get("/api/time");
        assertEquals("HIT", fresh.cacheState());
        assertTrue(!fresh.text().equals(first.text()), "regenerated: " + fresh.text());
    }

    @Test
    void aPostPageShowsItsSlug() {
        IsrTestKit kit = IsrTestKit.start(new SiteApp());
        var page = kit.get("/posts/hello-world");
        assertEquals(200, page.status());
        assertTrue(page.text().contains("<h1>hello-world</h1>"), page.text());
    }

    @Test
    void revalidationNeedsTheSecretAndMakesTheNextRequestAMiss() {
        IsrTestKit kit = IsrTestKit.builder(new SiteApp().create()).var("ISR_REVALIDATE_SECRET", SECRET).build();
        kit.get("/api/time");
        kit.drain();
        assertEquals("HIT", kit.get("/api/time").cacheState());

        assertEquals(401, kit.post("/api/revalidate?tag=time", "").status());
        assertEquals("HIT", kit.get("/api/time").cacheState());

        var revalidated = kit.request("POST", "/api/revalidate?tag=time")
                .header("Authorization", "Bearer " + SECRET).send();
        assertEquals(200, revalidated.status());
        assertEquals("MISS", kit.get("/api/time").cacheState());
    }
}
