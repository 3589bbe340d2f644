package dev.isr4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.Response;
import dev.isr4j.coord.CoordinatorOptions;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * What one machine cannot show: 1,000 isolates in 100 locations, each sent 100 requests for one stale key,
 * then a soft revalidateTag made through one of them - once per mode, on a manual clock, over a KV that takes
 * 0-60 s to reach a location and takes one write per second per key. Prints the table the README shows.
 */
class ClusterSimulationTest {
    private static final int ISOLATES = 1000;
    private static final int LOCATIONS = 100;
    private static final int REQUESTS_PER_ISOLATE = 100;
    private static final long ROUND_MILLIS = 100; // the storm: every isolate gets a request every 100 ms for 10 s
    private static final int SECONDS_AFTER_REVALIDATION = 90;
    private static final String PATH = "/api/posts/1";
    /** Longer than the whole run after the storm: every regeneration counted is the storm's or the tag's. */
    private static final int REVALIDATE_SECONDS = 300;

    record Result(long regenerations, long writesAttempted, long writesRejected, long coordinatorCalls,
                  long tagRegenerations, long tagWritesRejected, long longestInvalidatedServedMillis) {
    }

    private static Result run(IsrCluster.Mode mode) {
        var renders = new AtomicLong();
        var clock = new TestClock();
        var cluster = IsrCluster.builder(() -> app(renders, clock)).isolates(ISOLATES).locations(LOCATIONS)
                .maxPropagationMillis(60_000).mode(mode).clock(clock).build();
        // The entry is written once and has reached every location; then it turns stale.
        assertEquals("MISS", cluster.isolate(0).get(PATH).cacheState());
        cluster.drain();
        clock.advanceSeconds(REVALIDATE_SECONDS + 1);
        renders.set(0);
        long attempted0 = cluster.kv().writesAttempted();
        long rejected0 = cluster.kv().writesRejected();

        for (int round = 0; round < REQUESTS_PER_ISOLATE; round++) {
            for (var isolate : cluster.isolates()) {
                var r = isolate.get(PATH);
                assertEquals(200, r.status());
            }
            cluster.drain();
            clock.advanceMillis(ROUND_MILLIS);
        }
        long regenerations = renders.get();
        long attempted = cluster.kv().writesAttempted() - attempted0;
        long rejected = cluster.kv().writesRejected() - rejected0;

        // Let the storm's writes reach everywhere; every isolate serves a HIT (and so trusts the tag's state it
        // just read); then the tag is revalidated (soft) through isolate 0.
        clock.advanceSeconds(61);
        for (var isolate : cluster.isolates()) {
            assertEquals("HIT", isolate.get(PATH).cacheState());
        }
        cluster.drain();
        clock.advanceSeconds(1);
        renders.set(0);
        long tagRejected0 = cluster.kv().writesRejected();
        long revalidatedAt = clock.millis();
        assertEquals(204, cluster.isolate(0).post("/api/edit", "", Map.of()).status());
        cluster.drain();
        clock.advanceMillis(1); // a render in the revalidation's own millisecond would count as revalidated
        long longest = 0;
        for (int second = 0; second < SECONDS_AFTER_REVALIDATION; second++) {
            for (var isolate : cluster.isolates()) {
                var r = isolate.get(PATH);
                assertEquals(200, r.status());
                if ("HIT".equals(r.cacheState()) && renderedAt(r) < revalidatedAt) {
                    longest = Math.max(longest, clock.millis() - revalidatedAt);
                }
            }
            cluster.drain();
            clock.advanceSeconds(1);
        }
        long calls = cluster.coordinator() == null ? 0 : cluster.coordinator().calls();
        return new Result(regenerations, attempted, rejected, calls, renders.get(),
                cluster.kv().writesRejected() - tagRejected0, longest);
    }

    private static App app(AtomicLong renders, TestClock clock) {
        App app = App.create();
        app.route("/api/posts/{id}").revalidate(REVALIDATE_SECONDS).tags("posts")
                .get(req -> Response.text("rendered at " + clock.millis() + " #" + renders.incrementAndGet()));
        app.route("/api/edit").post(req -> {
            req.revalidator().tag("posts", "max");
            return Response.status(204);
        });
        return app;
    }

    private static long renderedAt(TestResponse r) {
        String text = r.text();
        return Long.parseLong(text.substring("rendered at ".length(), text.indexOf(' ', "rendered at ".length())));
    }

    @Test
    void aThousandIsolatesRegenerateAStaleKeyOnceAndSeeARevalidatedTagWithinTheTagCacheTime() {
        var results = new EnumMap<IsrCluster.Mode, Result>(IsrCluster.Mode.class);
        for (var mode : IsrCluster.Mode.values()) {
            results.put(mode, run(mode));
        }
        var table = new StringBuilder()
                .append(ISOLATES).append(" isolates in ").append(LOCATIONS).append(" locations x ")
                .append(REQUESTS_PER_ISOLATE).append(" requests for one stale key; then revalidateTag(\"posts\", \"max\")")
                .append(" through one isolate (KV: 0-60 s to reach a location, 1 write/s/key)\n\n")
                .append("| mode | regenerations | KV writes attempted | KV writes rejected (429) | coordinator calls"
                        + " | after revalidateTag: regenerations | rejected writes | longest served as fresh |\n")
                .append("|---|---|---|---|---|---|---|---|\n");
        results.forEach((mode, r) -> table.append("| ").append(mode.name().toLowerCase().replace('_', '-'))
                .append(" | ").append(r.regenerations()).append(" | ").append(r.writesAttempted())
                .append(" | ").append(r.writesRejected()).append(" | ").append(r.coordinatorCalls())
                .append(" | ").append(r.tagRegenerations()).append(" | ").append(r.tagWritesRejected())
                .append(" | ").append(r.longestInvalidatedServedMillis() / 1000.0).append(" s |\n"));
        System.out.println(table);

        var coordinated = results.get(IsrCluster.Mode.COORDINATOR);
        assertEquals(1, coordinated.regenerations(), table.toString());
        assertEquals(1, coordinated.writesAttempted(), table.toString());
        assertEquals(0, coordinated.writesRejected(), table.toString());
        assertEquals(1, coordinated.tagRegenerations(), table.toString());
        assertEquals(0, coordinated.tagWritesRejected(), table.toString());
        assertTrue(coordinated.longestInvalidatedServedMillis() <= CoordinatorOptions.DEFAULT_TAG_CACHE_MILLIS,
                table.toString());
        var alone = results.get(IsrCluster.Mode.PER_ISOLATE);
        assertTrue(alone.regenerations() > 100 && alone.writesRejected() > 100, table.toString());
        assertTrue(alone.longestInvalidatedServedMillis() > 55_000, table.toString());
    }
}
