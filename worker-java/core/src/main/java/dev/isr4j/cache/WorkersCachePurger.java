package dev.isr4j.cache;

import dev.isr4j.api.CachePurger;
import dev.isr4j.api.Log;
import dev.isr4j.api.WorkersCache;
import java.util.List;

/**
 * Empties the Worker's own edge cache ({@link WorkersCache}: Cloudflare's Workers Cache) after a revalidation: a
 * hard one purges the revalidated tags, a soft one marks them stale, so the edge asks isr4j again with the ETag it
 * holds and keeps its body on the {@code 304} isr4j answers while it regenerates. Path and layout revalidations
 * arrive as their path or layout tag, which every cached answer of that path (or below that layout) carries in
 * {@code Cache-Tag}.
 *
 * <p>Bounded like {@link CloudflareZonePurger}: at most {@value #BATCH} tags per call and {@value #MAX_CALLS}
 * calls per revalidation; more tags than that empty (or mark stale) the whole Worker cache in one call instead,
 * which costs hit rate, never freshness. A failed call is tried {@value #MAX_ATTEMPTS} times in all, waiting
 * 100 ms, then 200 ms; what still fails is logged, never thrown (the revalidation has been stored already).
 */
public final class WorkersCachePurger implements CachePurger {
    /** Tags per call: the strictest limit Cloudflare has published for a tag purge (none is, for ctx.cache). */
    public static final int BATCH = 30;
    /** Calls per revalidation; past {@code BATCH * MAX_CALLS} tags, one call for everything. */
    public static final int MAX_CALLS = 10;
    static final int MAX_ATTEMPTS = 3;
    static final long FIRST_WAIT_MILLIS = 100;

    private final WorkersCache cache;
    private final Log log;
    private final CloudflareZonePurger.Sleeper sleeper;

    /** @param sleeper waits between attempts ({@code Thread::sleep} in workerd: a green thread waits) */
    public WorkersCachePurger(WorkersCache cache, Log log, CloudflareZonePurger.Sleeper sleeper) {
        this.cache = cache;
        this.log = log;
        this.sleeper = sleeper;
    }

    @Override
    public void purge(List<String> cacheTags) {
        apply(cacheTags, false);
    }

    @Override
    public void invalidate(List<String> cacheTags) {
        apply(cacheTags, true);
    }

    private void apply(List<String> cacheTags, boolean soft) {
        if (cacheTags.isEmpty()) {
            return;
        }
        boolean markStale;
        try {
            markStale = soft && cache.canInvalidate();
        } catch (RuntimeException e) {
            markStale = false; // a cache that cannot say: purging is what every cache can do
        }
        String verb = markStale ? "mark stale" : "purge";
        if (cacheTags.size() > BATCH * MAX_CALLS) {
            log.warn("a revalidation of " + cacheTags.size() + " Cache-Tag values is more than the " + BATCH * MAX_CALLS
                    + " the Workers Cache is sent by tag; all of it is " + (markStale ? "marked stale" : "purged"));
            boolean stale = markStale;
            attempt(() -> {
                if (stale) {
                    cache.invalidateEverything();
                } else {
                    cache.purgeEverything();
                }
            }, verb, "everything");
            return;
        }
        for (int from = 0; from < cacheTags.size(); from += BATCH) {
            List<String> batch = List.copyOf(cacheTags.subList(from, Math.min(cacheTags.size(), from + BATCH)));
            boolean stale = markStale;
            attempt(() -> {
                if (stale) {
                    cache.invalidateTags(batch);
                } else {
                    cache.purgeTags(batch);
                }
            }, verb, "Cache-Tag " + batch);
        }
    }

    /** Runs one call, tried again after a failure; logs what still fails. */
    private void attempt(Runnable call, String verb, String what) {
        long wait = FIRST_WAIT_MILLIS;
        for (int attempt = 1; ; attempt++) {
            try {
                call.run();
                return;
            } catch (RuntimeException e) {
                if (attempt == MAX_ATTEMPTS) {
                    log.error("could not " + verb + " " + what + " in the Workers Cache (" + MAX_ATTEMPTS
                            + " attempts); the edge keeps those copies until their s-maxage ends", e);
                    return;
                }
            }
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.error("could not " + verb + " " + what + " in the Workers Cache (interrupted)", e);
                return;
            }
            wait *= 2;
        }
    }
}
