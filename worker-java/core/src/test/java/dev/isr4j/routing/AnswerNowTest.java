package dev.isr4j.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.isr4j.App;
import dev.isr4j.Dynamic;
import dev.isr4j.Headers;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.api.EarlyRead;
import dev.isr4j.api.KvCacheOptions;
import dev.isr4j.testing.IsrHarness;
import dev.isr4j.testing.KvHarness;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * answerNow (a HIT served without waiting on anything) gives exactly the answer handle() gives the same request
 * and read, and declines (null) wherever serving needs a read, a render, background work or a decision it
 * cannot make from what this isolate knows.
 */
class AnswerNowTest {
    private final AtomicInteger renders = new AtomicInteger();

    private App app() {
        App app = App.create();
        app.route("/api/data").revalidate(60).tags("things").get(req -> Response.json("{\"n\":" + renders.incrementAndGet() + "}"));
        app.route("/api/static").dynamic(Dynamic.FORCE_STATIC).get(req -> Response.text("static " + renders.incrementAndGet()));
        app.route("/api/own-head").revalidate(60).get(req -> Response.text("get"))
                .on("HEAD", req -> Response.text("head handler"));
        return app;
    }

    private static Request request(String method, String path, String... headers) {
        return Request.builder(method, IsrHarness.ORIGIN + path).headers(Headers.of(headers)).build();
    }

    private static EarlyRead.Found found(KvHarness h, Request request) {
        EarlyRead early = h.dispatcher.earlyRead(request);
        assertNotNull(early, "an early read for " + request.path());
        return new EarlyRead.Found(early, h.store.getWithMetadata(early.storeKey()), false);
    }

    /** Written, its tags read once (by the full path), so this isolate knows them. */
    private static KvHarness warmed(KvHarness h, String path) {
        h.get(path);
        h.background.drain();
        h.clock.advanceMillis(2_000);
        h.get(path);
        h.background.drain();
        return h;
    }

    private static void assertSameAnswer(Response expected, Response actual) {
        assertNotNull(actual, "answered at once");
        assertEquals(expected.status(), actual.status());
        assertEquals(expected.headers().entries(), actual.headers().entries());
        assertEquals(expected.text(), actual.text());
    }

    @Test
    void aFreshHitIsTheAnswerHandleGives() {
        var h = warmed(new KvHarness(app()), "/api/data");
        for (var r : List.of(request("GET", "/api/data"), request("HEAD", "/api/data"),
                request("GET", "/api/data", "accept", "application/json"))) {
            Response now = h.dispatcher.answerNow(r, found(h, r));
            Response full = h.dispatcher.handle(request(r.method(), "/api/data", "accept", "application/json"),
                    h.background, found(h, r));
            assertSameAnswer(full, now);
            assertEquals("HIT", now.header("x-isr-cache"));
            assertEquals("2", now.header("age"));
        }
        assertEquals(1, renders.get(), "nothing rendered again");
        assertEquals(0, h.background.pending(), "no background work");
    }

    @Test
    void aConditionalHitIsA304AsFromHandle() {
        var h = warmed(new KvHarness(app()), "/api/data");
        String etag = h.get("/api/data").header("etag");
        var conditional = request("GET", "/api/data", "if-none-match", etag);
        Response now = h.dispatcher.answerNow(conditional, found(h, conditional));
        assertSameAnswer(h.dispatcher.handle(request("GET", "/api/data", "if-none-match", etag), h.background,
                found(h, conditional)), now);
        assertEquals(304, now.status());
    }

    @Test
    void forceStaticIsServedAsStaticEvenPastItsRevalidate() {
        var h = warmed(new KvHarness(app()), "/api/static");
        var r = request("GET", "/api/static");
        Response now = h.dispatcher.answerNow(r, found(h, r));
        assertSameAnswer(h.dispatcher.handle(request("GET", "/api/static"), h.background, found(h, r)), now);
        assertEquals("STATIC", now.header("x-isr-cache"));
    }

    @Test
    void declinesWhatNeedsMoreThanWhatIsKnown() {
        var h = new KvHarness(app());
        var r = request("GET", "/api/data");
        assertNull(h.dispatcher.answerNow(r, found(h, r)), "nothing stored: a MISS renders");
        h.get("/api/data");
        h.background.drain();
        var fresh = new KvHarness(app(), KvCacheOptions.defaults(), s -> h.memory);
        assertNull(fresh.dispatcher.answerNow(r, found(fresh, r)), "tags never read in this isolate");

        warmed(h, "/api/data");
        assertNotNull(h.dispatcher.answerNow(r, found(h, r)));
        h.clock.advanceMillis(60_000);
        assertNull(h.dispatcher.answerNow(r, found(h, r)), "stale: the full path regenerates");
        assertEquals("STALE", h.dispatcher.handle(r, h.background, found(h, r)).header("x-isr-cache"));
    }

    /** Tag states trusted for two minutes: an entry goes stale (60 s) while its tags are still known here. */
    private KvHarness trustingTagsLonger() {
        return warmed(new KvHarness(app(), KvCacheOptions.defaults()
                .withTagCacheMillis(120_000)), "/api/data");
    }

    @Test
    void aStaleEntryIsAnsweredAtOnceAsHandleWouldWithOneRegenerationQueued() {
        var h = trustingTagsLonger();
        var r = request("GET", "/api/data");
        String before = h.get("/api/data").text();
        h.clock.advanceMillis(60_000);
        Response now = h.dispatcher.answerNow(r, found(h, r), h.background);
        assertNotNull(now, "a stale entry whose tags are known is answered at once");
        assertEquals("STALE", now.header("x-isr-cache"));
        assertEquals(before, now.text(), "the stored body, as it is");
        assertEquals(1, h.background.pending(), "its regeneration is queued");
        assertEquals(1, renders.get(), "and has not run yet");

        Response full = h.dispatcher.handle(request("GET", "/api/data"), h.background, found(h, r));
        assertSameAnswer(full, now);
        Response head = h.dispatcher.answerNow(request("HEAD", "/api/data"), found(h, r), h.background);
        assertNotNull(head);
        assertEquals("STALE", head.header("x-isr-cache"));
        assertEquals("", head.text());
        assertEquals(1, h.background.pending(), "one regeneration per key, however many stale answers");

        h.background.drain();
        assertEquals(2, renders.get());
        Response after = h.dispatcher.answerNow(r, found(h, r), h.background);
        assertNotNull(after);
        assertEquals("HIT", after.header("x-isr-cache"));
        assertEquals("{\"n\":2}", after.text(), "the regenerated entry");
    }

    @Test
    void aStaleEntryIsNotAnsweredAtOnceWithoutSomewhereToRegenerate() {
        var h = trustingTagsLonger();
        var r = request("GET", "/api/data");
        h.clock.advanceMillis(60_000);
        assertNull(h.dispatcher.answerNow(r, found(h, r)));
        assertEquals(0, h.background.pending());
    }

    @Test
    void aStaleEntryWhoseTagIsRevalidatedOrUnknownIsNotAnsweredAtOnce() {
        var h = trustingTagsLonger();
        var r = request("GET", "/api/data");
        h.clock.advanceMillis(60_000);
        h.kv.revalidateTag(List.of("things")).await();
        assertNull(h.dispatcher.answerNow(r, found(h, r), h.background), "revalidated: a MISS renders");
        var fresh = new KvHarness(app(), KvCacheOptions.defaults(), s -> h.memory);
        fresh.clock.advanceMillis(60_000);
        assertNull(fresh.dispatcher.answerNow(r, found(fresh, r), fresh.background), "tags never read here");
        assertEquals(0, h.background.pending() + fresh.background.pending());
    }

    /** Reads what the handler says answerNow lacks, as the host does, and hands it back. */
    private static void readTagsAsTheHostDoes(KvHarness h, Request r) {
        var reads = h.dispatcher.tagReadsNow(r, found(h, r));
        assertNotNull(reads, "tag records to read");
        h.dispatcher.learnTagReads(reads, h.store.getTexts(reads.storeKeys()));
    }

    @Test
    void tagsThisIsolateNeverReadAreNamedAndOnceReadTheHitIsAnsweredAtOnce() {
        var h = warmed(new KvHarness(app()), "/api/data");
        var other = new KvHarness(app(), KvCacheOptions.defaults(), s -> h.memory);
        var r = request("GET", "/api/data");
        assertNull(other.dispatcher.answerNow(r, found(other, r)), "tags never read in this isolate");
        var reads = other.dispatcher.tagReadsNow(r, found(other, r));
        assertNotNull(reads);
        assertEquals(List.of("things", "path:/api/data", "layout:/", "layout:/api", "layout:/api/data"), reads.tags());
        assertEquals(List.of(other.kv.tagKey("things"), other.kv.tagKey("path:/api/data"), other.kv.tagKey("layout:/"),
                other.kv.tagKey("layout:/api"), other.kv.tagKey("layout:/api/data")), reads.storeKeys());
        other.dispatcher.learnTagReads(reads, other.store.getTexts(reads.storeKeys()));
        assertNull(other.dispatcher.tagReadsNow(r, found(other, r)), "nothing more to read");
        Response now = other.dispatcher.answerNow(r, found(other, r));
        assertSameAnswer(other.dispatcher.handle(request("GET", "/api/data"), other.background, found(other, r)), now);
        assertEquals("HIT", now.header("x-isr-cache"));
    }

    @Test
    void aTagRevalidatedElsewhereAndReadThisWayIsNeverAHit() {
        var h = warmed(new KvHarness(app()), "/api/data");
        h.clock.advanceMillis(1_000);
        h.kv.revalidateTag(List.of("things")).await(); // another isolate, hard
        var other = new KvHarness(app(), KvCacheOptions.defaults(), s -> h.memory);
        other.clock.advanceMillis(2_000);
        var r = request("GET", "/api/data");
        readTagsAsTheHostDoes(other, r);
        assertNull(other.dispatcher.answerNow(r, found(other, r), other.background));
        assertEquals("MISS", other.dispatcher.handle(r, other.background, found(other, r)).header("x-isr-cache"));
    }

    /**
     * A tag record read while this isolate revalidates the tag (so the read can return the older record), learned
     * afterwards; {@code slotTaken}: another tag took the tag's slot in the lock-free mirror in between.
     */
    private void anOlderRecordLearnedAfterARevalidationHere(boolean slotTaken) {
        var h = warmed(new KvHarness(app()), "/api/data");
        var r = request("GET", "/api/data");
        var other = new KvHarness(app(), KvCacheOptions.defaults(), s -> h.memory);
        other.clock.advanceMillis(1_000);
        var reads = other.dispatcher.tagReadsNow(r, found(other, r));
        var old = other.store.getTexts(reads.storeKeys()); // in flight while...
        other.kv.revalidateTag(List.of("things")).await(); // ...this isolate revalidates the tag
        if (slotTaken) {
            String rival = null;
            for (int i = 0; rival == null; i++) {
                String candidate = "rival-" + i;
                if ((candidate.hashCode() & 1023) == ("things".hashCode() & 1023)) {
                    rival = candidate;
                }
            }
            var rivalReads = new dev.isr4j.api.CacheHandler.TagReads(List.of(rival), List.of(other.kv.tagKey(rival)));
            other.kv.learnTagReads(rivalReads, other.store.getTexts(rivalReads.storeKeys()));
        }
        other.clock.advanceMillis(1_000);
        other.dispatcher.learnTagReads(reads, old);
        assertNull(other.dispatcher.answerNow(r, found(other, r), other.background), "revalidated here: never a HIT");
        assertEquals("MISS", other.dispatcher.handle(r, other.background, found(other, r)).header("x-isr-cache"));
    }

    @Test
    void aRecordReadBeforeThisIsolateRevalidatedTheTagDoesNotUndoIt() {
        anOlderRecordLearnedAfterARevalidationHere(false);
    }

    @Test
    void aRevalidationMadeHereSurvivesItsMirrorSlotBeingTakenBeforeAnOlderRecordIsLearned() {
        anOlderRecordLearnedAfterARevalidationHere(true);
    }

    @Test
    void whatTheTagReadsTaughtIsNotReadAgainByTheFullPath() {
        var h = warmed(new KvHarness(app()), "/api/data");
        h.clock.advanceMillis(1_000);
        h.kv.revalidateTag(List.of("things")).await(); // elsewhere: this isolate's answer must be a MISS
        var recording = new java.util.concurrent.atomic.AtomicReference<dev.isr4j.testing.RecordingKvStore>();
        var other = new KvHarness(app(), KvCacheOptions.defaults(), s -> {
            recording.set(new dev.isr4j.testing.RecordingKvStore(h.memory));
            return recording.get();
        });
        other.clock.advanceMillis(2_000);
        var r = request("GET", "/api/data");
        readTagsAsTheHostDoes(other, r);
        int read = recording.get().textReads.size();
        assertEquals(5, read, "the entry's five tag records, once");
        assertNull(other.dispatcher.answerNow(r, found(other, r), other.background));
        assertEquals("MISS", other.dispatcher.handle(r, other.background, found(other, r)).header("x-isr-cache"));
        assertEquals(read, recording.get().textReads.size(), "the full path decides from what was just read");
    }

    @Test
    void aTagWhoseReadJustFailedIsNotReadAgainForAnAnswerAtOnce() {
        var h = warmed(new KvHarness(app()), "/api/data");
        var failing = new java.util.concurrent.atomic.AtomicReference<dev.isr4j.testing.RecordingKvStore>();
        var other = new KvHarness(app(), KvCacheOptions.defaults(), s -> {
            failing.set(new dev.isr4j.testing.RecordingKvStore(h.memory));
            return failing.get();
        });
        var r = request("GET", "/api/data");
        failing.get().getTextThrows = true;
        other.get("/api/data"); // the full path: its tag reads fail, the entry is not served from the cache
        failing.get().getTextThrows = false;
        assertNull(other.dispatcher.tagReadsNow(r, found(other, r)), "failed moments ago: the full path fails closed");
        other.clock.advanceMillis(dev.isr4j.cache.KvCacheHandler.FAILED_TAG_READ_RETRY_MILLIS);
        assertNotNull(other.dispatcher.tagReadsNow(r, found(other, r)), "asked again once the failure is old");
    }

    @Test
    void noTagReadsAreAskedForWhenNoTagStateIsEverTrusted() {
        var h = warmed(new KvHarness(app()), "/api/data");
        var other = new KvHarness(app(), KvCacheOptions.defaults().withTagCacheMillis(0),
                s -> h.memory);
        var r = request("GET", "/api/data");
        assertNull(other.dispatcher.tagReadsNow(r, found(other, r)));
    }

    @Test
    void aFailedTagReadTeachesNothing() {
        var h = warmed(new KvHarness(app()), "/api/data");
        var other = new KvHarness(app(), KvCacheOptions.defaults(), s -> h.memory);
        var r = request("GET", "/api/data");
        var reads = other.dispatcher.tagReadsNow(r, found(other, r));
        var failed = new java.util.ArrayList<dev.isr4j.api.KvStore.TextRead>();
        for (int i = 0; i < reads.storeKeys().size(); i++) {
            failed.add(new dev.isr4j.api.KvStore.TextRead(null, new IllegalStateException("KV is down")));
        }
        other.dispatcher.learnTagReads(reads, failed);
        assertNull(other.dispatcher.answerNow(r, found(other, r)));
        assertNotNull(other.dispatcher.tagReadsNow(r, found(other, r)), "still to be read");
        var fewer = other.store.getTexts(reads.storeKeys()).subList(0, 2);
        other.dispatcher.learnTagReads(reads, fewer);
        assertNull(other.dispatcher.answerNow(r, found(other, r)), "a tag without a result stays unknown");
    }

    @Test
    void aSoftRevalidatedTagReadThisWayServesStaleAtOnce() {
        var h = warmed(new KvHarness(app()), "/api/data");
        h.clock.advanceMillis(1_000);
        h.kv.revalidateTag(List.of("things"), true).await(); // soft: stale-while-revalidate
        var other = new KvHarness(app(), KvCacheOptions.defaults(), s -> h.memory);
        other.clock.advanceMillis(2_000);
        var r = request("GET", "/api/data");
        readTagsAsTheHostDoes(other, r);
        Response now = other.dispatcher.answerNow(r, found(other, r), other.background);
        assertNotNull(now);
        assertEquals("STALE", now.header("x-isr-cache"));
        assertEquals(1, other.background.pending(), "its regeneration");
    }

    @Test
    void declinesOnceATagIsRevalidatedOrNoLongerTrusted() {
        var h = warmed(new KvHarness(app()), "/api/data");
        var r = request("GET", "/api/data");
        assertNotNull(h.dispatcher.answerNow(r, found(h, r)));
        h.clock.advanceMillis(KvCacheOptions.DEFAULT_TAG_CACHE_MILLIS);
        assertNull(h.dispatcher.answerNow(r, found(h, r)), "tag states past the window they are trusted for");
        h.get("/api/data"); // reads them again
        h.background.drain();
        assertNotNull(h.dispatcher.answerNow(r, found(h, r)));
        h.kv.revalidateTag(List.of("things")).await();
        assertNull(h.dispatcher.answerNow(r, found(h, r)), "revalidated here: never a HIT");
        assertEquals("MISS", h.dispatcher.handle(r, h.background, found(h, r)).header("x-isr-cache"));
    }

    @Test
    void declinesMethodsRoutesAndModesItDoesNotServe() {
        var h = warmed(new KvHarness(app()), "/api/own-head");
        var head = request("HEAD", "/api/own-head");
        assertNull(h.dispatcher.answerNow(head, new EarlyRead.Found(h.dispatcher.earlyRead(request("GET", "/api/own-head")),
                h.memory.getWithMetadata(h.entryKey("/api/own-head")), false)), "a route's own HEAD handler runs");
        var get = request("GET", "/api/own-head");
        assertNotNull(h.dispatcher.answerNow(get, found(h, get)));
        assertNull(h.dispatcher.answerNow(get, null), "no early read");
        var development = new dev.isr4j.Env() {
            @Override
            public String var(String name) {
                return name.equals("ISR_MODE") ? "development" : null;
            }

            @Override
            public dev.isr4j.Kv kv(String binding) {
                return null;
            }
        };
        assertNull(h.dispatcher.answerNow(Request.builder("GET", IsrHarness.ORIGIN + "/api/own-head").env(development)
                .build(), found(h, get)), "development mode");
    }
}
