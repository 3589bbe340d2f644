package dev.isr4j.runtime;

import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.CacheHandler;
import dev.isr4j.api.EarlyRead;
import dev.isr4j.api.KvStore;
import dev.isr4j.api.WorkersCache;
import dev.isr4j.isr.Ticket;
import dev.isr4j.routing.Dispatcher;
import java.util.List;

/**
 * One request on its way through the runtime, as steps a host performs (sans I/O, as h11 is: the runtime reads
 * nothing itself; the host does the reads it is told to and hands back what they found). Every host is the same
 * short loop:
 *
 * <pre>{@code
 * Exchange exchange = runtime.begin(request, background);
 * for (;;) {
 *     switch (exchange.step()) {
 *         case ANSWER: return exchange.answer();
 *         case READ_ENTRY: exchange.entryRead(store.getWithMetadata(exchange.entryToRead().storeKey()), false); break;
 *         case READ_TAGS: exchange.tagsRead(store.getTexts(exchange.tagsToRead().storeKeys())); break;
 *         case RUN: return exchange.run(); // may suspend: on a thread of its own
 *     }
 * }
 * }</pre>
 *
 * Everything but {@link #run} is quick and never suspends, so a host may take those steps where nothing may wait
 * (workerd answers a HIT without a green thread). Running is correct at any step, only slower: it decides
 * everything the steps did not, as if they had not been taken. One exchange serves one request, on one thread.
 */
public final class Exchange {
    /** What the host does next. */
    public enum Step {
        /** Send {@link #answer()}. */
        ANSWER,
        /**
         * Read {@link #entryToRead()} (its {@code regionalKey} first when it has one and the host has the location's
         * cache, else its {@code storeKey}) and hand over what was found: {@link #entryRead}, or
         * {@link #entryReadFailed}.
         */
        READ_ENTRY,
        /** Read the tag records {@link #tagsToRead()} names, as text; hand what they found to {@link #tagsRead}. */
        READ_TAGS,
        /** Call {@link #run()} where a handler may suspend (a thread of its own). */
        RUN
    }

    private final Dispatcher dispatcher;
    private final Request request;
    private final BackgroundWork background;
    private final WorkersCache workersCache;
    private Step step;
    private EarlyRead early;
    private EarlyRead.Found found;
    private CacheHandler.TagReads tagReads;
    private Response answer;
    private Ticket ticket;

    /** Where a ticket issued with the answer goes; null when the runtime issues none. */
    private final Ticket.Sink tickets;

    Exchange(Dispatcher dispatcher, Request request, BackgroundWork background, WorkersCache workersCache,
             boolean issueTickets) {
        this.dispatcher = dispatcher;
        this.request = request;
        this.background = background;
        this.workersCache = workersCache;
        this.tickets = issueTickets ? t -> ticket = t : null;
    }

    /** The request, as the host handed it over. */
    public Request request() {
        return request;
    }

    /**
     * The step to take now. The first call decides whether the answer may come from a store the host can read
     * (then it is read first) or the request runs; a host that only ever runs need not call it.
     */
    public Step step() {
        if (step == null) {
            early = dispatcher.earlyRead(request);
            step = early == null ? Step.RUN : Step.READ_ENTRY;
        }
        return step;
    }

    /** The answer, at {@link Step#ANSWER}. */
    public Response answer() {
        expect(Step.ANSWER);
        return answer;
    }

    /**
     * At {@link Step#ANSWER}, the leave to replay {@link #answer()} for requests of the same shape (method, URL,
     * {@code If-None-Match}, {@code If-Modified-Since}) until the ticket's time, filling {@code Age} and the
     * {@code Cache-Status} ttl as it says (see {@link Ticket}); null when the answer may not be replayed (anything
     * but a fresh entry's answer, a freshness this isolate cannot bound, or a runtime that issues none: see
     * {@link IsrRuntime#issueTickets}).
     */
    public Ticket ticket() {
        expect(Step.ANSWER);
        return ticket;
    }

    /** The entry to read, at {@link Step#READ_ENTRY}. */
    public EarlyRead entryToRead() {
        expect(Step.READ_ENTRY);
        return early;
    }

    /** The tag records to read (store keys, in order), at {@link Step#READ_TAGS}. */
    public CacheHandler.TagReads tagsToRead() {
        expect(Step.READ_TAGS);
        return tagReads;
    }

    /**
     * What the read of {@link #entryToRead()} found: the next step is the answer when it is an entry servable from
     * what this isolate knows (a STALE one with its regeneration started in the background), the tag records that
     * lacks, or running.
     *
     * @param stored the value and metadata read; null when absent, or when the read ran past its deadline (counted
     *               as a miss: the handler renders without reading again)
     * @param regional true when it is the location's copy (the store itself was not read)
     */
    public Step entryRead(KvStore.Stored stored, boolean regional) {
        expect(Step.READ_ENTRY);
        found = new EarlyRead.Found(early, stored, regional);
        if (stored == null) {
            return step = Step.RUN; // a MISS renders: nothing to classify here
        }
        if (answerNow()) {
            return step;
        }
        try {
            tagReads = dispatcher.tagReadsNow(request, found);
        } catch (RuntimeException e) {
            tagReads = null; // running reports it
        }
        return step = tagReads == null ? Step.RUN : Step.READ_TAGS;
    }

    /** The read of {@link #entryToRead()} failed: running reads it again (and reports it if it fails again). */
    public Step entryReadFailed() {
        expect(Step.READ_ENTRY);
        return step = Step.RUN;
    }

    /**
     * What the reads of {@link #tagsToRead()} found, one per store key in order (absent: null text; failed: its
     * failure), or null when they could not be made. Asked once: what they do not settle, running decides.
     */
    public Step tagsRead(List<KvStore.TextRead> results) {
        expect(Step.READ_TAGS);
        if (results != null) {
            try {
                dispatcher.learnTagReads(tagReads, results);
            } catch (RuntimeException e) {
                return step = Step.RUN; // running reports it
            }
        }
        return answerNow() ? step : (step = Step.RUN);
    }

    /** Tries to answer from what was found and what this isolate knows, without waiting on anything. */
    private boolean answerNow() {
        Response now;
        try {
            now = dispatcher.answerNow(request, found, background, workersCache, tickets);
        } catch (RuntimeException e) {
            now = null; // running answers (and reports) it
        }
        if (now == null) {
            return false;
        }
        answer = now;
        step = Step.ANSWER;
        return true;
    }

    /**
     * Answers the request with everything the steps left open: routing, the handler, the cache lookups and writes
     * (background work goes to the exchange's {@link BackgroundWork}). May suspend (on KV, fetch, a handler's own
     * I/O), so a host calls it where that is possible. Also what a host does when sending the answer it was given
     * failed (it is rendered again and, if it fails again, answered as a failed handler).
     */
    public Response run() {
        return dispatcher.handle(request, background, found, workersCache);
    }

    /** The answer (a logged 500) when handling failed outside Java's reach (a Wasm trap). */
    public Response failed(Throwable error) {
        return dispatcher.handlerFailed(request, error);
    }

    private void expect(Step expected) {
        if (step() != expected) {
            throw new IllegalStateException("the exchange is at " + step + ", not " + expected
                    + ": take the step that step() names");
        }
    }
}
