package dev.isr4j.coord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.api.KvCacheOptions;
import dev.isr4j.cache.InMemoryKvStore;
import dev.isr4j.cache.KvCacheHandler;
import dev.isr4j.api.KvStore;
import dev.isr4j.routing.Dispatcher;
import dev.isr4j.runtime.Coordination;
import dev.isr4j.testing.ForwardingKvStore;
import dev.isr4j.testing.IsrHarness;
import dev.isr4j.testing.ManualClock;
import dev.isr4j.testing.QueuedBackgroundWork;
import dev.isr4j.testing.RecordingKvStore;
import dev.isr4j.testing.RecordingLog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Several isolates (dispatchers with their own memory) over one KV namespace and one coordinator. */
class CoordinatedIsolatesTest {
    private static final String PATH = "/api/post";
    private final ManualClock clock = new ManualClock(IsrHarness.T0);
    private final InMemoryKvStore memory = new InMemoryKvStore(clock);
    /** While set, reads of the entries answer what they answered when it was set: a write not landed yet. */
    private Map<String, KvStore.Stored> readsFrom;
    private final RecordingKvStore kv = new RecordingKvStore(new ForwardingKvStore(memory) {
        @Override
        public Stored getWithMetadata(String key) {
            var snapshot = readsFrom;
            return snapshot != null && snapshot.containsKey(key) ? snapshot.get(key) : super.getWithMetadata(key);
        }
    });
    private final InProcessCoordinator coordinator = new InProcessCoordinator(4, clock);
    private final AtomicInteger renders = new AtomicInteger();
    private final RecordingLog log = new RecordingLog();
    private boolean failRenders;

    private final class Isolate {
        final QueuedBackgroundWork background = new QueuedBackgroundWork();
        final Dispatcher dispatcher;

        Isolate(CoordinatorOptions options) {
            App app = App.create();
            app.route(PATH).revalidate(60).tags("posts").get(req -> {
                if (failRenders) {
                    throw new IllegalStateException("render failed");
                }
                return Response.text("render " + renders.incrementAndGet());
            });
            app.route("/api/edit").post(req -> {
                req.revalidator().tag("posts", req.queryParam("profile"));
                return Response.status(204);
            });
            var handler = new KvCacheHandler(kv, clock, log, KvCacheOptions.defaults());
            dispatcher = new Dispatcher(app, handler, log, Map.of(), clock);
            Coordination.install(dispatcher, coordinator, options, clock, log);
        }

        Response get(String path) {
            return dispatcher.handle(Request.builder("GET", IsrHarness.ORIGIN + path).build(), background);
        }

        Response post(String path) {
            return dispatcher.handle(Request.builder("POST", IsrHarness.ORIGIN + path).build(), background);
        }
    }

    private List<Isolate> isolates(int n, CoordinatorOptions options) {
        var out = new ArrayList<Isolate>();
        for (int i = 0; i < n; i++) {
            out.add(new Isolate(options));
        }
        return out;
    }

    private int entryWrites() {
        return (int) kv.puts.stream().filter(p -> p.key().contains("cache:")).count();
    }

    /** Writes the entry through isolate 0 and lets it turn stale everywhere. */
    private void staleEntry(List<Isolate> isolates) {
        assertEquals("MISS", isolates.get(0).get(PATH).headers().get("x-isr-cache"));
        isolates.get(0).background.drain();
        clock.advanceSeconds(61);
    }

    @Test
    void aStaleKeyRequestedInFourIsolatesIsRegeneratedOnceAndWrittenOnce() {
        var isolates = isolates(4, CoordinatorOptions.defaults());
        staleEntry(isolates);
        int writesBefore = entryWrites();
        for (int round = 0; round < 50; round++) {
            for (Isolate isolate : isolates) {
                assertEquals("STALE", isolate.get(PATH).headers().get("x-isr-cache"));
            }
        }
        // every isolate has exactly one background task (its own dedup); all four claim, one is granted
        for (Isolate isolate : isolates) {
            assertEquals(1, isolate.background.drain());
        }
        assertEquals(2, renders.get(), "the MISS and one regeneration");
        assertEquals(1, entryWrites() - writesBefore);
        for (Isolate isolate : isolates) {
            assertEquals("HIT", isolate.get(PATH).headers().get("x-isr-cache"));
        }
        assertTrue(log.isEmpty(), log.toString());
    }

    @Test
    void whileAnotherIsolateHoldsTheLeaseEveryOtherServesStaleWithoutRendering() {
        var isolates = isolates(3, CoordinatorOptions.defaults());
        staleEntry(isolates);
        isolates.forEach(i -> i.get(PATH));
        // Someone else (still rendering) holds the lease when the three isolates' claims arrive.
        var holder = isolates.get(0);
        var client = new CoordinatorClient(coordinator, CoordinatorOptions.defaults(), "probe");
        var entryLm = IsrHarness.T0;
        assertEquals(CoordinatorObject.Verdict.GRANTED, client.claim(holder.dispatcher.cache().keyFor(PATH), entryLm)
                .verdict());
        isolates.forEach(i -> i.background.drain());
        assertEquals(1, renders.get(), "nobody but the probe (which never renders) held the lease");
        assertEquals("STALE", isolates.get(1).get(PATH).headers().get("x-isr-cache"));
    }

    @Test
    void anIsolateToldBusyAsksAgainOnlyAfterTheLeaseNotOnEveryStaleRequest() {
        var isolates = isolates(2, CoordinatorOptions.defaults().withTagsInCoordinator(false));
        staleEntry(isolates);
        var probe = new CoordinatorClient(coordinator, CoordinatorOptions.defaults(), "probe");
        probe.claim(isolates.get(0).dispatcher.cache().keyFor(PATH), IsrHarness.T0); // someone else renders
        var b = isolates.get(1);
        long before = coordinator.calls();
        for (int i = 0; i < 20; i++) {
            assertEquals("STALE", b.get(PATH).headers().get("x-isr-cache"));
            b.background.drain();
            clock.advanceMillis(100);
        }
        assertEquals(1, coordinator.calls() - before, "one claim for the whole lease");
        clock.advanceMillis(CoordinatorOptions.DEFAULT_LEASE_MILLIS); // the probe never finishes: its lease ends
        b.get(PATH);
        b.background.drain();
        assertEquals(2, renders.get(), "after the lease, the next stale request claims and regenerates");
    }

    @Test
    void aFailedRegenerationFreesTheKeySoTheNextStaleRequestAnywhereRetries() {
        var isolates = isolates(2, CoordinatorOptions.defaults());
        staleEntry(isolates);
        failRenders = true;
        isolates.get(0).get(PATH);
        isolates.get(0).background.drain();
        assertTrue(log.hasError("regeneration of"), log.toString());
        failRenders = false;
        isolates.get(1).get(PATH);
        isolates.get(1).background.drain();
        assertEquals(2, renders.get());
    }

    @Test
    void anUnreachableCoordinatorFallsBackToEachIsolatesOwnDedupAndSaysSo() {
        var isolates = isolates(4, CoordinatorOptions.defaults().withTagsInCoordinator(false));
        staleEntry(isolates);
        coordinator.unreachable(true);
        for (int round = 0; round < 50; round++) {
            for (Isolate isolate : isolates) {
                assertEquals("STALE", isolate.get(PATH).headers().get("x-isr-cache"));
            }
        }
        isolates.forEach(i -> i.background.drain());
        assertEquals(1 + 4, renders.get(), "one regeneration per isolate, as without a coordinator");
        assertEquals(4, log.warnings().stream()
                .filter(l -> l.message().contains("regenerating with this isolate's dedup only")).count(), log.toString());
        assertTrue(log.errors().isEmpty(), log.toString());
    }

    @Test
    void anIsolateWithoutALeaseDoesNotRegenerateAgainForAReadFromBeforeItsOwnWrite() {
        var isolates = isolates(2, CoordinatorOptions.defaults().withTagsInCoordinator(false));
        var a = isolates.get(0);
        staleEntry(isolates);
        coordinator.unreachable(true);
        var beforeTheWrite = new HashMap<String, KvStore.Stored>();
        for (var key : memory.keys()) {
            beforeTheWrite.put(key, memory.getWithMetadata(key));
        }
        assertEquals("STALE", a.get(PATH).headers().get("x-isr-cache"));
        int writesBefore = entryWrites();
        assertEquals(1, a.background.drain());
        assertEquals(1, entryWrites() - writesBefore, "the regeneration written");
        // A request that read the key before that write landed starts its regeneration only now: the isolate has
        // already written a newer entry, so it serves the stale one and does not render or write the key again.
        readsFrom = beforeTheWrite;
        clock.advanceMillis(100);
        assertEquals("STALE", a.get(PATH).headers().get("x-isr-cache"));
        assertEquals(0, a.background.drain(), "no second regeneration");
        assertEquals(1, entryWrites() - writesBefore);
        // Another isolate, which has written nothing, regenerates what it read as usual.
        assertEquals("STALE", isolates.get(1).get(PATH).headers().get("x-isr-cache"));
        assertEquals(1, isolates.get(1).background.drain());
        assertEquals(2, entryWrites() - writesBefore);
        // Once the write is old enough to have reached every location, an older read is believed again.
        clock.advanceMillis(60_000);
        a.get(PATH);
        assertEquals(1, a.background.drain(), "a read older than the write, a minute on, regenerates");
        assertEquals(3, log.warnings().stream()
                .filter(l -> l.message().contains("regenerating with this isolate's dedup only")).count(), log.toString());
    }

    @Test
    void aTagRevalidatedThroughOneIsolateReachesAnotherWithinTheTagCacheTime() {
        long cache = CoordinatorOptions.DEFAULT_TAG_CACHE_MILLIS;
        var isolates = isolates(2, CoordinatorOptions.defaults());
        var a = isolates.get(0);
        var b = isolates.get(1);
        a.get(PATH);
        a.background.drain();
        clock.advanceMillis(10);
        assertEquals("HIT", b.get(PATH).headers().get("x-isr-cache")); // b now trusts "posts" for the cache time
        clock.advanceMillis(10);
        assertEquals(204, a.post("/api/edit").status());
        assertEquals("MISS", a.get(PATH).headers().get("x-isr-cache"), "the revalidating isolate knows at once");
        clock.advanceMillis(cache - 11);
        assertEquals("HIT", b.get(PATH).headers().get("x-isr-cache"), "within the bound b may still trust its copy");
        clock.advanceMillis(1);
        assertEquals("MISS", b.get(PATH).headers().get("x-isr-cache"), "past the bound b must see the revalidation");
        // The coordinator holds the record; KV a copy of it, for isolates to read while the coordinator is down.
        assertEquals(1, kv.putsTo("__tag:posts").size(), "one KV copy of the record: " + kv.puts);
    }

    @Test
    void aSoftRevalidationInTheCoordinatorNeverLowersAHardOne() {
        var a = isolates(1, CoordinatorOptions.defaults()).get(0);
        a.get(PATH);
        a.background.drain();
        clock.advanceMillis(10);
        a.post("/api/edit");
        a.post("/api/edit?profile=max");
        var b = new Isolate(CoordinatorOptions.defaults());
        assertEquals("MISS", b.get(PATH).headers().get("x-isr-cache"));
    }

    @Test
    void aTagLookupNeitherTheCoordinatorNorKvCanAnswerCountsAsRevalidatedNowAndIsLogged() {
        var a = isolates(1, CoordinatorOptions.defaults()).get(0);
        a.get(PATH);
        a.background.drain();
        clock.advanceMillis(CoordinatorOptions.DEFAULT_TAG_CACHE_MILLIS + 1);
        coordinator.unreachable(true);
        kv.getTextThrows = true;
        var response = a.get(PATH);
        assertEquals(200, response.status());
        assertEquals("MISS", response.headers().get("x-isr-cache"));
        assertTrue(log.hasError("could be read neither from the coordinator nor from its KV copy",
                "counts as revalidated now"), log.toString());
        coordinator.unreachable(false);
        kv.getTextThrows = false;
        a.background.drain();
        clock.advanceMillis(KvCacheHandler.FAILED_TAG_READ_RETRY_MILLIS);
        assertEquals("HIT", a.get(PATH).headers().get("x-isr-cache"), "the coordinator is asked again");
    }

    @Test
    void oneLookupAsksEachShardOnceForAllOfAnEntrysTags() {
        var a = isolates(1, CoordinatorOptions.defaults()).get(0);
        a.get(PATH);
        a.background.drain();
        clock.advanceMillis(CoordinatorOptions.DEFAULT_TAG_CACHE_MILLIS + 1);
        long before = coordinator.calls();
        a.get(PATH);
        // the entry's tags: posts, path:/api/post, layout:/, layout:/api, layout:/api/post - over at most 4 shards
        long calls = coordinator.calls() - before;
        assertTrue(calls >= 1 && calls <= coordinator.shardCount(), "calls: " + calls);
        before = coordinator.calls();
        a.get(PATH);
        assertEquals(0, coordinator.calls() - before, "trusted for the tag cache time");
    }
}
