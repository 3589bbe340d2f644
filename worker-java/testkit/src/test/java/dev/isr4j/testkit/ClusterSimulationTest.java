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
 * 0-60 s to reach a location and takes one write per second per key. Prints the tables docs/coordinator.md shows.
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
        app.route("/api/edit-hard").post(req -> {
            req.revalidator().tag("posts");
            return Response.status(204);
        });
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

    /** Renders of one key when every isolate is asked for it at once: cold, then after a hard revalidateTag. */
    record Burst(long coldRenders, long coldServed, long hardRenders, long hardServed, long servedInvalidated,
                 long coordinatorCalls) {
    }

    /**
     * Every isolate gets one request for a key no location holds (a deploy's first traffic), all in the same
     * instant; then, once the entry has reached every location, the key's tag is revalidated hard and every isolate
     * is asked again. A request that waits for another isolate's render lets simulated time pass (2 ms, doubling to
     * 200 ms) while the cluster's other work runs.
     */
    private static Burst burst(IsrCluster.Mode mode, long maxPropagationMillis) {
        var renders = new AtomicLong();
        var clock = new TestClock();
        var cluster = IsrCluster.builder(() -> app(renders, clock)).isolates(ISOLATES).locations(LOCATIONS)
                .maxPropagationMillis(maxPropagationMillis).mode(mode).clock(clock).build();
        long served = 0;
        for (var isolate : cluster.isolates()) {
            served += isolate.get(PATH).status() == 200 ? 1 : 0;
        }
        cluster.drain();
        long cold = renders.getAndSet(0);
        clock.advanceSeconds(61);
        cluster.drain();
        for (var isolate : cluster.isolates()) {
            isolate.get(PATH); // every isolate has read (and trusts for a while) the tag's state
        }
        cluster.drain();
        clock.advanceSeconds(6); // past the tag cache time: the revalidation is seen at once
        long revalidatedAt = clock.millis();
        assertEquals(204, cluster.isolate(0).post("/api/edit-hard", "", Map.of()).status());
        cluster.drain();
        clock.advanceMillis(1);
        renders.set(0);
        long servedAfter = 0;
        long invalidated = 0;
        for (var isolate : cluster.isolates()) {
            var r = isolate.get(PATH);
            servedAfter += r.status() == 200 ? 1 : 0;
            invalidated += renderedAt(r) < revalidatedAt ? 1 : 0;
        }
        cluster.drain();
        long calls = cluster.coordinator() == null ? 0 : cluster.coordinator().calls();
        return new Burst(cold, served, renders.get(), servedAfter, invalidated, calls);
    }

    @Test
    void aColdKeyAndAHardRevalidationRenderOnceWhereKvShowsTheRenderAndAtMostOncePerIsolateElsewhere() {
        var table = new StringBuilder()
                .append(ISOLATES).append(" isolates in ").append(LOCATIONS).append(" locations, one request each at")
                .append(" once for a cold key, then again after a hard revalidateTag\n\n")
                .append("| KV reaches other locations in | mode | cold key: renders | after a hard revalidateTag: renders"
                        + " | ... answered with invalidated content | answers 200 | coordinator calls |\n"
                        + "|---|---|---|---|---|---|---|\n");
        var results = new java.util.LinkedHashMap<String, Burst>();
        for (long propagation : new long[] {0, 60_000}) {
            for (var mode : IsrCluster.Mode.values()) {
                Burst r = burst(mode, propagation);
                results.put(mode + "@" + propagation, r);
                table.append("| ").append(propagation == 0 ? "at once (one location)" : "0-60 s")
                        .append(" | ").append(mode.name().toLowerCase().replace('_', '-'))
                        .append(" | ").append(r.coldRenders()).append(" | ").append(r.hardRenders())
                        .append(" | ").append(r.servedInvalidated())
                        .append(" | ").append(r.coldServed() + r.hardServed()).append(" of ").append(2 * ISOLATES)
                        .append(" | ").append(r.coordinatorCalls()).append(" |\n");
            }
        }
        System.out.println(table);
        for (var r : results.values()) {
            assertEquals(2 * ISOLATES, r.coldServed() + r.hardServed(), table.toString());
        }
        // Where KV shows one isolate's write to the others, the coordinator makes a burst render once.
        Burst local = results.get(IsrCluster.Mode.COORDINATOR + "@0");
        assertEquals(0, local.servedInvalidated(), table.toString());
        assertEquals(0, results.get(IsrCluster.Mode.COORDINATOR + "@60000").servedInvalidated(), table.toString());
        assertEquals(1, local.coldRenders(), table.toString());
        assertEquals(1, local.hardRenders(), table.toString());
        Burst localAlone = results.get(IsrCluster.Mode.PER_ISOLATE + "@0");
        assertEquals(ISOLATES, localAlone.coldRenders(), table.toString());
        assertEquals(ISOLATES, localAlone.hardRenders(), table.toString());
        // Elsewhere an isolate whose KV has not seen the other render renders its own: never more than one each.
        Burst spread = results.get(IsrCluster.Mode.COORDINATOR + "@60000");
        assertTrue(spread.coldRenders() >= 1 && spread.coldRenders() <= ISOLATES, table.toString());
        assertTrue(spread.hardRenders() <= ISOLATES, table.toString());
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
