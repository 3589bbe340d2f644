package dev.isr4j.coord;

import dev.isr4j.api.Clock;
import dev.isr4j.api.Log;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Whether this isolate regenerates a stale key: only when the coordinator grants it the key's lease, or when
 * the coordinator cannot answer (then the isolate's own dedup is all there is, and the log says so). A request
 * never waits for any of this: it runs in the background regeneration, after the stale answer was sent.
 *
 * <p>An isolate told BUSY or DONE does not ask again for that key until the lease it was told of ends (DONE: for
 * one lease length, while its location's KV catches up), so a stale key costs each isolate one coordinator call
 * per lease, not one per request. At most {@value #MAX_REMEMBERED} such keys are remembered.
 *
 * <p>An isolate also remembers what its own regenerations wrote: a stale request that read an entry older than
 * that (its read began before the write landed) is DONE at once, without asking the coordinator or, when it
 * cannot answer, regenerating a second time.
 */
public final class RegenerationLeases {
    /** What became of one stale key's regeneration in this isolate. */
    public enum Outcome {
        /** The lease was granted and this isolate regenerated. */
        REGENERATED,
        /** Another isolate holds the lease: this one serves stale meanwhile. */
        BUSY,
        /** A regeneration newer than the entry this isolate saw has finished: nothing to do. */
        DONE,
        /** The coordinator did not answer in time: regenerated under this isolate's dedup only. */
        FALLBACK
    }

    static final int MAX_REMEMBERED = 1000;

    private final CoordinatorClient client;
    private final Log log;
    private final Clock clock;
    /** Key -> when this isolate may claim it again (its clock). */
    private final Map<String, Long> quietUntil = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };

    /** Key -> lastModified of the newest entry a regeneration in this isolate wrote. */
    private final Map<String, Long> writtenHere = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };

    public RegenerationLeases(CoordinatorClient client, Clock clock, Log log) {
        this.client = client;
        this.clock = clock;
        this.log = log;
    }

    /**
     * @param seenLastModified lastModified of the stale entry this isolate serves
     * @param regenerate renders and writes the key; returns the lastModified it wrote, or -1 when it wrote nothing
     */
    public Outcome regenerate(String key, long seenLastModified, LongSupplier regenerate) {
        long now = clock.millis();
        synchronized (quietUntil) {
            Long until = quietUntil.get(key);
            if (until != null && now < until) {
                return Outcome.BUSY;
            }
            quietUntil.remove(key);
            Long written = writtenHere.get(key);
            if (written != null && written > seenLastModified) {
                return Outcome.DONE; // this isolate already wrote a newer entry than the one its request read
            }
        }
        CoordinatorObject.Claim claim;
        try {
            claim = client.claim(key, seenLastModified);
        } catch (RuntimeException e) {
            log.warn("coordinator did not grant a lease for " + key + " (" + e.getMessage()
                    + "); regenerating with this isolate's dedup only");
            wrote(key, regenerate.getAsLong());
            return Outcome.FALLBACK;
        }
        switch (claim.verdict()) {
            case BUSY:
                // the holder's lease ends at most one lease length from now, whatever the two clocks say
                quiet(key, now + client.options().leaseMillis());
                return Outcome.BUSY;
            case DONE:
                quiet(key, now + client.options().leaseMillis());
                return Outcome.DONE;
            default:
                break;
        }
        long written = -1;
        try {
            written = regenerate.getAsLong();
            wrote(key, written);
        } finally {
            try {
                client.finish(key, written);
            } catch (RuntimeException e) {
                log.warn("could not report the regeneration of " + key + " to the coordinator (" + e.getMessage()
                        + "); its lease ends on its own within " + client.options().leaseMillis() + " ms");
            }
        }
        return Outcome.REGENERATED;
    }

    private void wrote(String key, long lastModified) {
        if (lastModified >= 0) {
            synchronized (quietUntil) {
                writtenHere.merge(key, lastModified, Math::max);
            }
        }
    }

    private void quiet(String key, long until) {
        synchronized (quietUntil) {
            quietUntil.put(key, until);
        }
    }
}
