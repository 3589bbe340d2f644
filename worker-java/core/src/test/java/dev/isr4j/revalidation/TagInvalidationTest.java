package dev.isr4j.revalidation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.isr4j.App;
import dev.isr4j.Response;
import dev.isr4j.testing.IsrHarness;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** revalidateTag on the InMemoryCacheHandler, seen through the Dispatcher. */
class TagInvalidationTest {
    private final AtomicInteger renders = new AtomicInteger();

    private IsrHarness harness() {
        App app = App.create();
        app.route("/api/posts/{id}").revalidate(60).tags("post-{id}", "posts")
                .get(req -> Response.text(req.param("id") + " render " + renders.incrementAndGet()));
        return new IsrHarness(app);
    }

    private static String state(IsrHarness h, String path) {
        return h.get(path).header("x-isr-cache");
    }

    private static void warm(IsrHarness h, String... paths) {
        for (String p : paths) {
            h.get(p);
        }
        h.background.drain();
        for (String p : paths) {
            assertEquals("HIT", state(h, p), p);
        }
    }

    @Test
    void entryCarriesItsResolvedRouteTagsAndItsPathTag() {
        var h = harness();
        h.get("/api/posts/42/");
        h.background.drain();
        var entry = h.cacheHandler.get(h.key("/api/posts/42")).entry();
        assertEquals(List.of("post-42", "posts", "path:/api/posts/42", "layout:/", "layout:/api", "layout:/api/posts", "layout:/api/posts/42"), entry.tags());
    }

    @Test
    void routeTagThatResolvesToAnInvalidTagIsDropped() {
        var h = harness();
        h.get("/api/posts/a%3Ab"); // id "a:b": "post-a:b" would contain the reserved ':'
        h.background.drain();
        var entry = h.cacheHandler.get(h.key("/api/posts/a%3Ab")).entry();
        assertEquals(List.of("posts", "path:/api/posts/a:b", "layout:/", "layout:/api", "layout:/api/posts",
                "layout:/api/posts/a:b"), entry.tags(), "':' is written raw in a canonical path");
    }

    @Test
    void revalidatingAParamTagMakesOnlyThatPostAMissInTheSameMillisecond() {
        var h = harness();
        warm(h, "/api/posts/1", "/api/posts/2");
        h.cacheHandler.revalidateTag(List.of("post-1")).await(); // same ms as the write: counts
        assertEquals("MISS", state(h, "/api/posts/1"));
        assertEquals("HIT", state(h, "/api/posts/2"));
    }

    @Test
    void entryWrittenAfterTheRevalidationIsFreshAgain() {
        var h = harness();
        warm(h, "/api/posts/1");
        h.clock.advanceSeconds(5);
        h.cacheHandler.revalidateTag(List.of("post-1")).await();
        var miss = h.get("/api/posts/1");
        assertEquals("MISS", miss.header("x-isr-cache"));
        assertEquals("1 render 2", miss.text());
        h.clock.advanceMillis(1);
        h.background.drain();
        var hit = h.get("/api/posts/1");
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertEquals("1 render 2", hit.text());
    }

    @Test
    void revalidatingASharedTagInvalidatesEveryEntryCarryingIt() {
        var h = harness();
        warm(h, "/api/posts/1", "/api/posts/2");
        h.clock.advanceSeconds(1);
        h.cacheHandler.revalidateTag(List.of("posts")).await();
        assertEquals("MISS", state(h, "/api/posts/1"));
        assertEquals("MISS", state(h, "/api/posts/2"));
    }

    @Test
    void revalidatingThePathTagInvalidatesThatPathWhateverItsTrailingSlash() {
        var h = harness();
        warm(h, "/api/posts/1/", "/api/posts/2");
        h.clock.advanceSeconds(1);
        h.cacheHandler.revalidateTag(List.of("path:/api/posts/1")).await();
        assertEquals("MISS", state(h, "/api/posts/1"));
        assertEquals("HIT", state(h, "/api/posts/2"));
    }

    @Test
    void tagInvalidationBeatsStaleness() {
        var h = harness();
        warm(h, "/api/posts/1");
        h.clock.advanceSeconds(61);
        assertEquals("STALE", state(h, "/api/posts/1"));
        h.cacheHandler.revalidateTag(List.of("post-1")).await();
        assertEquals("MISS", state(h, "/api/posts/1"), "an invalidated entry is not servable even stale");
    }

    @Test
    void unknownTagChangesNothing() {
        var h = harness();
        warm(h, "/api/posts/1");
        h.cacheHandler.revalidateTag(List.of("post-2", "comments")).await();
        assertEquals("HIT", state(h, "/api/posts/1"));
    }
}
