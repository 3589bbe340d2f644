package dev.isr4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.api.KvStore;
import dev.isr4j.cache.InMemoryKvStore;
import dev.isr4j.cache.KvCacheHandler;
import dev.isr4j.runtime.Exchange.Step;
import dev.isr4j.testing.HostSteps;
import dev.isr4j.testing.IsrHarness;
import dev.isr4j.testing.ManualClock;
import dev.isr4j.testing.QueuedBackgroundWork;
import dev.isr4j.testing.RecordingLog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The host step protocol, driven directly as the shim and the test kit drive it: which steps a request takes
 * (read the entry, read the tag records, answer, run), what each step needs from the host, and that the answer is
 * the one running would give.
 */
class ExchangeTest {
    private final ManualClock clock = new ManualClock(IsrHarness.T0);
    private final InMemoryKvStore store = new InMemoryKvStore(clock);
    private final QueuedBackgroundWork background = new QueuedBackgroundWork();
    private final AtomicInteger renders = new AtomicInteger();

    private App app() {
        App app = App.create();
        app.route("/api/data").revalidate(60).tags("things")
                .get(req -> Response.text("n=" + renders.incrementAndGet()));
        app.route("/api/form").post(req -> Response.text("posted"));
        return app;
    }

    /** An isolate of the app: its own memory (tag states), the shared store. */
    private IsrRuntime isolate() {
        return IsrRuntime.start(app(), store, KvCacheHandler.Tiers.NONE, clock, new RecordingLog(), null);
    }

    private static Request get(String path) {
        return Request.builder("GET", IsrHarness.ORIGIN + path).build();
    }

    /** The host's loop, its reads made at once against the store; records the steps taken. */
    private Response drive(Exchange exchange, List<Step> steps) {
        return HostSteps.take(exchange, store, steps);
    }

    private KvStore.Stored entry(Exchange exchange) {
        return store.getWithMetadata(exchange.entryToRead().storeKey());
    }

    /** The request, sent through the loop and its background work done; the steps it took. */
    private List<Step> send(IsrRuntime runtime, Request request, List<Response> answers) {
        var steps = new ArrayList<Step>();
        answers.add(drive(runtime.begin(request, background), steps));
        background.drain();
        return steps;
    }

    @Test
    void aRequestWhoseAnswerIsNeverCachedRunsAtOnce() {
        var answers = new ArrayList<Response>();
        var steps = send(isolate(), Request.builder("POST", IsrHarness.ORIGIN + "/api/form").build(), answers);
        assertEquals(List.of(Step.RUN), steps);
        assertEquals("posted", answers.get(0).text());
    }

    @Test
    void aMissReadsItsEntryThenRunsAndAFreshHitIsAnsweredFromTheReadAlone() {
        IsrRuntime runtime = isolate();
        var answers = new ArrayList<Response>();
        assertEquals(List.of(Step.READ_ENTRY, Step.RUN), send(runtime, get("/api/data"), answers));
        assertEquals("MISS", answers.get(0).header("x-isr-cache"));
        clock.advanceMillis(2_000);
        send(runtime, get("/api/data"), answers); // the full path reads the tag records: now this isolate knows them
        assertEquals(List.of(Step.READ_ENTRY, Step.ANSWER), send(runtime, get("/api/data"), answers));
        Response hit = answers.get(2);
        assertEquals("HIT", hit.header("x-isr-cache"));
        assertEquals("n=1", hit.text());
        assertEquals("2", hit.header("age"));
        assertEquals(1, renders.get());
    }

    @Test
    void anIsolateThatDoesNotKnowTheTagsReadsTheirRecordsOnceAndThenAnswers() {
        var answers = new ArrayList<Response>();
        send(isolate(), get("/api/data"), answers);
        clock.advanceMillis(1_000);

        IsrRuntime other = isolate();
        Exchange exchange = other.begin(get("/api/data"), background);
        assertEquals(Step.READ_ENTRY, exchange.step());
        assertEquals(Step.READ_TAGS, exchange.entryRead(entry(exchange), false));
        assertTrue(exchange.tagsToRead().tags().contains("things"), exchange.tagsToRead().toString());
        assertEquals(Step.ANSWER, exchange.tagsRead(store.getTexts(exchange.tagsToRead().storeKeys())));
        assertEquals("HIT", exchange.answer().header("x-isr-cache"));
        assertEquals(List.of(Step.READ_ENTRY, Step.ANSWER), send(other, get("/api/data"), answers),
                "the records it read are known now");
        assertEquals(1, renders.get());
    }

    @Test
    void tagReadsThatCouldNotBeMadeHandTheRequestToRun() {
        var answers = new ArrayList<Response>();
        send(isolate(), get("/api/data"), answers);
        Exchange exchange = isolate().begin(get("/api/data"), background);
        exchange.step();
        assertEquals(Step.READ_TAGS, exchange.entryRead(entry(exchange), false));
        assertEquals(Step.RUN, exchange.tagsRead(null));
        assertEquals("HIT", exchange.run().header("x-isr-cache"), "running reads what the steps did not");
    }

    @Test
    void aStaleEntryIsAnsweredAtOnceWithItsRegenerationInTheBackground() {
        IsrRuntime runtime = isolate();
        var answers = new ArrayList<Response>();
        send(runtime, get("/api/data"), answers);
        clock.advanceMillis(2_000);
        send(runtime, get("/api/data"), answers);
        clock.advanceMillis(60_000);

        var steps = new ArrayList<Step>();
        Response stale = drive(runtime.begin(get("/api/data"), background), steps);
        // the tags' records are trusted for seconds, so after a minute they are read again first
        assertEquals(List.of(Step.READ_ENTRY, Step.READ_TAGS, Step.ANSWER), steps);
        assertEquals("STALE", stale.header("x-isr-cache"));
        assertEquals("n=1", stale.text());
        assertEquals(1, background.pending(), "its regeneration, queued");
        background.drain();
        assertEquals(2, renders.get());
    }

    @Test
    void aFailedEntryReadRunsAndRunningReadsTheEntryItself() {
        var answers = new ArrayList<Response>();
        send(isolate(), get("/api/data"), answers);
        Exchange exchange = isolate().begin(get("/api/data"), background);
        exchange.step();
        assertEquals(Step.RUN, exchange.entryReadFailed());
        assertEquals("HIT", exchange.run().header("x-isr-cache"));
        assertEquals(1, renders.get());
    }

    @Test
    void anEntryReadPastItsDeadlineCountsAsAMissWithoutASecondRead() {
        var answers = new ArrayList<Response>();
        send(isolate(), get("/api/data"), answers);
        Exchange exchange = isolate().begin(get("/api/data"), background);
        exchange.step();
        assertEquals(Step.RUN, exchange.entryRead(null, false));
        assertEquals("MISS", exchange.run().header("x-isr-cache"));
        assertEquals(2, renders.get());
    }

    @Test
    void runningAtAnyStepGivesTheAnswerTheStepsWouldHaveGiven() {
        IsrRuntime runtime = isolate();
        var answers = new ArrayList<Response>();
        send(runtime, get("/api/data"), answers);
        clock.advanceMillis(2_000);
        send(runtime, get("/api/data"), answers);

        Exchange unread = runtime.begin(get("/api/data"), background);
        assertEquals(Step.READ_ENTRY, unread.step());
        Exchange answered = runtime.begin(get("/api/data"), background);
        answered.step();
        assertEquals(Step.ANSWER, answered.entryRead(entry(answered), false));
        for (Exchange exchange : List.of(unread, answered, runtime.begin(get("/api/data"), background))) {
            Response ran = exchange.run();
            assertEquals("HIT", ran.header("x-isr-cache"));
            assertEquals(answered.answer().text(), ran.text());
            assertEquals(answered.answer().headers().entries(), ran.headers().entries());
        }
        assertEquals(1, renders.get());
    }

    @Test
    void askingForWhatAnotherStepHoldsIsTheHostsMistakeAndSaysWhichStepItIs() {
        Exchange exchange = isolate().begin(get("/api/data"), background);
        var e = assertThrows(IllegalStateException.class, exchange::answer);
        assertEquals("the exchange is at READ_ENTRY, not ANSWER: take the step that step() names", e.getMessage());
        assertThrows(IllegalStateException.class, () -> exchange.tagsRead(List.of()));
        assertEquals(Step.RUN, exchange.entryRead(null, false));
        assertThrows(IllegalStateException.class, exchange::entryToRead);
    }
}
