package dev.isr4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.Dynamic;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.api.KvCacheOptions;
import dev.isr4j.cache.InMemoryKvStore;
import dev.isr4j.cache.KvCacheHandler;
import dev.isr4j.isr.Ticket;
import dev.isr4j.runtime.Exchange.Step;
import dev.isr4j.testing.HostSteps;
import dev.isr4j.testing.IsrHarness;
import dev.isr4j.testing.ManualClock;
import dev.isr4j.testing.QueuedBackgroundWork;
import dev.isr4j.testing.RecordingLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The tickets Java issues with answers from the cache (the isolate memory tier): which answers get one, until
 * when, and that filling Age and the Cache-Status ttl as the ticket says gives, at every moment it is valid, the
 * very answer the runtime gives then.
 */
class TicketTest {
    private static final long TAG_TRUST = KvCacheOptions.DEFAULT_TAG_CACHE_MILLIS;
    private final ManualClock clock = new ManualClock(IsrHarness.T0);
    private final InMemoryKvStore store = new InMemoryKvStore(clock);
    private final QueuedBackgroundWork background = new QueuedBackgroundWork();
    private final AtomicInteger renders = new AtomicInteger();
    private final IsrRuntime runtime = IsrRuntime.start(app(), store, KvCacheHandler.Tiers.NONE, clock,
            new RecordingLog(), null);

    {
        runtime.issueTickets(true);
    }

    private App app() {
        App app = App.create();
        app.route("/api/data").revalidate(60).tags("things")
                .get(req -> Response.text("n=" + renders.incrementAndGet()));
        app.route("/static").dynamic(Dynamic.FORCE_STATIC).get(req -> Response.text("static"));
        app.route("/api/revalidate").post(req -> {
            req.revalidator().tags(List.of("things"), null);
            return Response.text("done");
        });
        return app;
    }

    private static Request get(String path, String... headers) {
        return Request.builder("GET", IsrHarness.ORIGIN + path).headers(dev.isr4j.Headers.of(headers)).build();
    }

    /** The host's loop with its reads made at once, then the background work done; the exchange, answered. */
    private Exchange drive(Request request) {
        Exchange exchange = runtime.begin(request, background);
        HostSteps.take(exchange, store, new ArrayList<>());
        background.drain();
        return exchange;
    }

    /** A fresh entry of {@code path} whose tags this isolate read at the current time; its answered exchange. */
    private Exchange hit(String path, String... headers) {
        drive(get(path)); // MISS: written
        clock.advanceMillis(1_500);
        drive(get(path)); // the full path reads the tag records
        Exchange exchange = drive(get(path, headers));
        assertEquals(Step.ANSWER, exchange.step());
        return exchange;
    }

    @Test
    void aFreshHitsTicketFillsAgeAndTtlAsTheRuntimeDoesAtEveryMomentUntilItIsVoid() {
        Exchange first = hit("/api/data");
        Ticket ticket = first.ticket();
        assertNotNull(ticket, "a fresh HIT answered at once has a ticket");
        assertEquals(IsrHarness.T0, ticket.ageFrom(), "Age counts from the entry's write");
        assertEquals(60, ticket.ttlFrom());
        assertTrue(ticket.until() <= IsrHarness.T0 + 60_000, "never past the moment the entry turns stale");
        assertEquals(clock.millis() + TAG_TRUST, ticket.until(),
                "void when the tag states its freshness was decided from stop being trusted");
        Response original = first.answer();
        for (long now = clock.millis(); now < ticket.until(); now += 333) {
            clock.set(now);
            Exchange again = runtime.begin(get("/api/data"), background);
            again.step();
            again.entryRead(store.getWithMetadata(again.entryToRead().storeKey()), false);
            assertEquals(Step.ANSWER, again.step(), "at " + (now - IsrHarness.T0));
            Response answer = again.answer();
            assertEquals(Long.toString(ticket.age(now)), answer.header("age"), "Age at " + (now - IsrHarness.T0));
            assertEquals(ticket.cacheStatus(now), answer.header("cache-status"));
            // Everything else is the answer the ticket was issued with.
            assertEquals(original.headers().without("age", "cache-status"), answer.headers().without("age", "cache-status"));
            assertEquals(original.status(), answer.status());
            assertEquals(original.text(), answer.text());
        }
        clock.set(ticket.until());
        Exchange late = runtime.begin(get("/api/data"), background);
        late.step();
        assertNotEquals(Step.ANSWER, late.entryRead(store.getWithMetadata(late.entryToRead().storeKey()), false),
                "at its time the answer is no longer known at once: the ticket was void just in time");
    }

    @Test
    void theTicketNeverOutlivesTheEntrysFreshness() {
        Exchange first = hit("/api/data");
        clock.set(IsrHarness.T0 + 58_000); // tags read again now: trusted well past the entry's revalidate time
        Exchange near = drive(get("/api/data"));
        near = near.step() == Step.ANSWER && near.ticket() != null ? near : drive(get("/api/data"));
        assertEquals(IsrHarness.T0 + 60_000, near.ticket().until());
        assertEquals("2", near.ticket().cacheStatus(clock.millis()).replaceAll(".*ttl=", ""));
        assertNotNull(first.ticket());
    }

    @Test
    void aConditionalRequestsNotModifiedAnswerHasATicketOfItsOwn() {
        Exchange plain = hit("/api/data");
        String etag = plain.answer().header("etag");
        Exchange conditional = drive(get("/api/data", "if-none-match", etag));
        assertEquals(304, conditional.answer().status());
        assertNotNull(conditional.ticket());
    }

    @Test
    void staleAnswersMissesAndAnswersThatRanHaveNoTicket() {
        hit("/api/data");
        clock.set(IsrHarness.T0 + 61_000);
        Exchange stale = drive(get("/api/data"));
        stale = stale.step() == Step.ANSWER ? stale : drive(get("/api/data"));
        assertEquals("STALE", stale.answer().header("x-isr-cache"));
        assertNull(stale.ticket(), "a STALE entry never has a ticket");
        Exchange miss = drive(get("/api/other"));
        assertEquals(Step.RUN, miss.step(), "no such route: no answer at once, nothing to ask a ticket of");
    }

    @Test
    void aForceStaticAnswerCountsItsTtlFromTheStaticLifetime() {
        Exchange exchange = hit("/static");
        assertEquals("STATIC", exchange.answer().header("x-isr-cache"));
        assertEquals(App.DEFAULT_EXPIRE_SECONDS, exchange.ticket().ttlFrom());
        assertEquals(exchange.answer().header("cache-status"), exchange.ticket().cacheStatus(clock.millis()));
    }

    @Test
    void aRecentRevalidationLearntFromAnotherIsolateIsToldAndAnOldOneIsNot() {
        var told = new AtomicInteger();
        runtime.onRevalidation(told::incrementAndGet);
        hit("/api/data");
        IsrRuntime other = IsrRuntime.start(app(), store, KvCacheHandler.Tiers.NONE, clock, new RecordingLog(), null);
        Exchange revalidation = other.begin(Request.builder("POST", IsrHarness.ORIGIN + "/api/revalidate").build(),
                background);
        revalidation.run();
        background.drain();
        assertEquals(0, told.get(), "nothing is learnt while this isolate trusts what it read");
        clock.advanceMillis(TAG_TRUST); // its tag state is read again on the next request
        drive(get("/api/data"));
        assertTrue(told.get() >= 1, "the revalidation, a moment old, is news");
        told.set(0);
        clock.advanceMillis(10 * TAG_TRUST);
        drive(get("/api/data"));
        drive(get("/api/data"));
        assertEquals(0, told.get(), "a revalidation older than the trust window is no news to any answer still replayed");
    }

    @Test
    void aRuntimeNotAskedForTicketsIssuesNone() {
        runtime.issueTickets(false);
        Exchange exchange = hit("/api/data");
        assertEquals("HIT", exchange.answer().header("x-isr-cache"));
        assertNull(exchange.ticket());
    }

    @Test
    void developmentModeIssuesNoTicket() {
        Request dev = Request.builder("GET", IsrHarness.ORIGIN + "/api/data")
                .env(IsrHarness.env(Map.of("ISR_MODE", "development"))).build();
        Exchange exchange = runtime.begin(dev, background);
        assertEquals(Step.RUN, exchange.step(), "nothing is read early, nothing answered at once, nothing replayed");
    }

    @Test
    void everyRevalidationMadeHereIsToldBeforeItIsWrittenAndAgainOnceItIs() {
        var told = new AtomicInteger();
        runtime.onRevalidation(told::incrementAndGet);
        hit("/api/data");
        assertEquals(0, told.get());
        drive(Request.builder("POST", IsrHarness.ORIGIN + "/api/revalidate").build());
        assertTrue(told.get() >= 2, "before and after: " + told.get());
        Exchange after = drive(get("/api/data"));
        assertEquals("MISS", after.step() == Step.ANSWER ? after.answer().header("x-isr-cache") : "MISS");
    }
}
