package dev.isr4j.coord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.api.CoordinatorTransport;
import dev.isr4j.api.KvCacheOptions;
import dev.isr4j.cache.InMemoryKvStore;
import dev.isr4j.cache.KvCacheHandler;
import dev.isr4j.json.JsonReader;
import dev.isr4j.routing.Dispatcher;
import dev.isr4j.runtime.Coordination;
import dev.isr4j.testing.IsrHarness;
import dev.isr4j.testing.ManualClock;
import dev.isr4j.testing.QueuedBackgroundWork;
import dev.isr4j.testing.RecordingKvStore;
import dev.isr4j.testing.RecordingLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 23: a coordinator outage degrades the cache, never disables it. Tag revalidations are copied to KV;
 * isolates read those copies while the coordinator fails, and an entry fails closed only when neither answers.
 */
class CoordinatorOutageTest {
    private static final String PATH = "/api/post";
    private static final String TAG_RECORD = "__tag:posts";
    private final ManualClock clock = new ManualClock(IsrHarness.T0);
    private final InMemoryKvStore memory = new InMemoryKvStore(clock);
    private final RecordingKvStore kv = new RecordingKvStore(memory);
    private final InProcessCoordinator coordinator = new InProcessCoordinator(4, clock);
    private final AtomicInteger tagLookups = new AtomicInteger();
    /** Counts the exchanges that look tags up, then hands every exchange to the in-process coordinator. */
    private final CoordinatorTransport transport = batch -> {
        if (batch.get(0).body().contains("\"op\":\"tags\"")) {
            tagLookups.incrementAndGet();
        }
        return coordinator.exchange(batch);
    };
    private final RecordingLog log = new RecordingLog();
    /** The waits the handler asked for (the manual clock moves on by each); {@link #onSleep} runs after each. */
    private final List<Long> sleeps = new ArrayList<>();
    private Runnable onSleep = () -> { };

    private final class Isolate {
        final QueuedBackgroundWork background = new QueuedBackgroundWork();
        final Dispatcher dispatcher;

        Isolate(CoordinatorOptions options) {
            App app = App.create();
            app.route(PATH).revalidate(60).tags("posts").get(req -> Response.text("rendered at " + clock.millis()));
            app.route("/api/edit").post(req -> {
                req.revalidator().tag("posts", req.queryParam("profile"));
                return Response.status(204);
            });
            var handler = new KvCacheHandler(kv, clock, log, KvCacheOptions.defaults());
            dispatcher = new Dispatcher(app, handler, log, Map.of(), clock);
            Coordination.install(dispatcher, transport, options, clock, log, ms -> {
                sleeps.add(ms);
                clock.advanceMillis(ms);
                onSleep.run();
            });
        }

        String get() {
            Response r = dispatcher.handle(Request.builder("GET", IsrHarness.ORIGIN + PATH).build(), background);
            assertEquals(200, r.status());
            return r.headers().get("x-isr-cache");
        }

        Response edit(String query) {
            return dispatcher.handle(Request.builder("POST", IsrHarness.ORIGIN + "/api/edit" + query).build(),
                    background);
        }
    }

    private Isolate isolate() {
        return new Isolate(CoordinatorOptions.defaults());
    }

    /** The KV copy of the "posts" record as [expired, stale]. */
    private long[] kvCopy() {
        var record = (Map<?, ?>) JsonReader.parse(memory.getText(TAG_RECORD));
        assertEquals("posts", record.get("tag"));
        return new long[] {(Long) record.get("expired"), (Long) record.get("stale")};
    }

    private CoordinatorStorage.Tag inCoordinator() {
        return new CoordinatorClient(coordinator, CoordinatorOptions.defaults(), "probe").tags(List.of("posts"))
                .get("posts");
    }

    private long logged(String fragment) {
        return log.lines().stream().filter(l -> l.text().contains(fragment)).count();
    }

    @Test
    void aRevalidationIsWrittenToTheCoordinatorAndCopiedToTheTagsKvRecord() {
        var a = isolate();
        clock.advanceMillis(10);
        long hard = clock.millis();
        assertEquals(204, a.edit("").status());
        assertEquals(hard, inCoordinator().expiredAt());
        assertEquals(hard, kvCopy()[0]);
        assertEquals(-1, kvCopy()[1]);
        clock.advanceMillis(5_000);
        long soft = clock.millis();
        assertEquals(204, a.edit("?profile=max").status());
        assertEquals(new CoordinatorStorage.Tag(hard, soft), inCoordinator());
        assertEquals(hard, kvCopy()[0], "a soft revalidation keeps the hard one in the copy too");
        assertEquals(soft, kvCopy()[1]);
        assertEquals(2, kv.putsTo(TAG_RECORD).size());
        assertTrue(log.isEmpty(), log.toString());
    }

    @Test
    void whileTheCoordinatorFailsIsolatesReadTheKvCopiesAndKeepServingFromTheCache() {
        var a = isolate();
        var b = isolate();
        assertEquals("MISS", a.get());
        a.background.drain();
        clock.advanceMillis(10);
        assertEquals(204, a.edit("").status());
        clock.advanceMillis(10);
        assertEquals("MISS", b.get(), "revalidated after the entry was written");
        b.background.drain();
        coordinator.unreachable(true);
        clock.advanceMillis(CoordinatorOptions.DEFAULT_TAG_CACHE_MILLIS + 1);
        // b trusts nothing any more: it must read the tags, and the coordinator fails: the KV copies answer.
        long textReads = kv.textReads.size();
        assertEquals("HIT", b.get(), "the entry written after the revalidation is served, as the copy allows");
        assertTrue(kv.textReads.size() > textReads, "the KV copies were read");
        var c = isolate(); // an isolate that has never reached the coordinator
        assertEquals("HIT", c.get());
        assertTrue(log.errors().isEmpty(), log.toString());
    }

    @Test
    void switchingToKvAndBackIsLoggedOnceEachAndTheCoordinatorIsAskedAtMostOnceASecondMeanwhile() {
        var a = new Isolate(CoordinatorOptions.defaults().withTagCacheMillis(0)); // every request reads its tags
        assertEquals("MISS", a.get());
        a.background.drain();
        coordinator.unreachable(true);
        int before = tagLookups.get();
        for (int i = 0; i < 50; i++) { // 5 s of requests, 100 ms apart
            assertEquals("HIT", a.get());
            clock.advanceMillis(100);
        }
        int asked = tagLookups.get() - before;
        assertTrue(asked >= 4 && asked <= 6, "asked the coordinator " + asked + " times in 5 s");
        assertEquals(1, logged("this isolate reads the KV copies of tag records"), log.toString());
        assertEquals(0, logged("answers again"), log.toString());

        coordinator.unreachable(false);
        clock.advanceMillis(1000);
        before = tagLookups.get();
        for (int i = 0; i < 10; i++) {
            assertEquals("HIT", a.get());
            clock.advanceMillis(100);
        }
        assertEquals(10, tagLookups.get() - before, "back on the coordinator for every lookup");
        assertEquals(1, logged("the coordinator answers again"), log.toString());
        assertEquals(1, logged("this isolate reads the KV copies of tag records"), log.toString());
        assertTrue(log.errors().isEmpty(), log.toString());
    }

    @Test
    void anEntryFailsClosedOnlyWhenNeitherTheCoordinatorNorTheKvCopyCanBeRead() {
        var a = isolate();
        assertEquals("MISS", a.get());
        a.background.drain();
        coordinator.unreachable(true);
        clock.advanceMillis(CoordinatorOptions.DEFAULT_TAG_CACHE_MILLIS + 1);
        assertEquals("HIT", a.get(), "the coordinator alone failing costs nothing");
        kv.getTextThrows = true;
        clock.advanceMillis(CoordinatorOptions.DEFAULT_TAG_CACHE_MILLIS + 1);
        assertEquals("MISS", a.get(), "both failing: the entry counts as revalidated now");
        assertTrue(log.hasError("could be read neither from the coordinator nor from its KV copy"), log.toString());
        a.background.drain();
        kv.getTextThrows = false;
        clock.advanceMillis(KvCacheHandler.FAILED_TAG_READ_RETRY_MILLIS);
        assertEquals("HIT", a.get(), "KV answers again, the coordinator still does not");
    }

    @Test
    void aRevalidationMadeWhileTheCoordinatorIsDownStillInvalidatesThroughItsKvCopy() {
        var a = isolate();
        var b = isolate();
        assertEquals("MISS", a.get());
        a.background.drain();
        clock.advanceMillis(10);
        assertEquals("HIT", b.get()); // b trusts "posts" for the tag cache time
        coordinator.unreachable(true);
        clock.advanceMillis(10);
        long revalidatedAt = clock.millis();
        assertNotEquals(204, a.edit("").status(), "the caller learns that the coordinator did not take it");
        assertTrue(log.hasError("its KV copy is written", "retry"), log.toString());
        assertEquals(revalidatedAt, kvCopy()[0]);
        assertEquals("MISS", a.get(), "the revalidating isolate knows at once");
        clock.advanceMillis(CoordinatorOptions.DEFAULT_TAG_CACHE_MILLIS + 1);
        assertEquals("MISS", b.get(), "another isolate reads the revalidation from the KV copy");
    }

    @Test
    void anUnreadableOrForeignKvCopyFailsItsTagClosedWhileTheCoordinatorIsDown() {
        var a = isolate();
        assertEquals("MISS", a.get());
        a.background.drain();
        coordinator.unreachable(true);
        for (String hostile : List.of("{\"tag\":\"posts\",\"expired\":\"soon\",\"stale\":-1}", "[1,2]", "{",
                "{\"tag\":\"other\",\"expired\":-1,\"stale\":-1}")) {
            memory.putText(TAG_RECORD, hostile, 0);
            clock.advanceMillis(CoordinatorOptions.DEFAULT_TAG_CACHE_MILLIS + 1);
            assertEquals("MISS", a.get(), hostile);
            a.background.drain();
        }
        memory.delete(TAG_RECORD);
        clock.advanceMillis(CoordinatorOptions.DEFAULT_TAG_CACHE_MILLIS + 1);
        assertEquals("HIT", a.get(), "a tag without a record was never revalidated");
    }

    @Test
    void oneIsolateWritesATagsKvCopyAtMostOnceASecondAndTheLaterWriteCarriesTheLatestState() {
        var a = isolate();
        assertEquals(204, a.edit("").status());
        assertEquals(List.of(), sleeps);
        clock.advanceMillis(200);
        long second = clock.millis();
        assertEquals(204, a.edit("").status());
        assertEquals(List.of(800L), sleeps, "the second write waits out KV's second for the key");
        assertEquals(2, kv.putsTo(TAG_RECORD).size());
        assertEquals(second, kvCopy()[0]);
    }

    @Test
    void aCopyWriteKvRefusesIsTriedOnceMoreASecondLater() {
        var a = isolate();
        kv.putAwaitThrows = true; // another isolate wrote the key this second: KV answers 429
        onSleep = () -> kv.putAwaitThrows = false;
        long at = clock.millis();
        assertEquals(204, a.edit("").status());
        assertEquals(List.of(1000L), sleeps);
        assertEquals(2, kv.putsTo(TAG_RECORD).size());
        assertEquals(at, kvCopy()[0]);
        assertTrue(log.isEmpty(), log.toString());
    }

    @Test
    void aCopyKvRefusesTwiceIsLoggedButTheRevalidationStandsInTheCoordinator() {
        var a = isolate();
        kv.putAwaitThrows = true;
        assertEquals(204, a.edit("").status());
        assertEquals(2, kv.putsTo(TAG_RECORD).size(), "one write and one retry");
        assertTrue(log.hasWarning("is in the coordinator, but its KV copy was not written"), log.toString());
        assertNotEquals(-1, inCoordinator().expiredAt());
    }
}
