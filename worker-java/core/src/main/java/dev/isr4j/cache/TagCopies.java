package dev.isr4j.cache;

import dev.isr4j.api.Clock;
import dev.isr4j.api.Completion;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * The KV copies of tag records a tag store holds, written as without a tag store, for isolates to read while the
 * store does not answer. KV takes one write per second per key, so this isolate spaces its writes of one copy.
 */
final class TagCopies {
    /** KV takes one write per second per key: this isolate writes one tag's copy at most that often. */
    static final long SPACING_MILLIS = 1000;
    /** Tags whose last copy write this isolate remembers (a forgotten one is written at once). */
    static final int MAX_REMEMBERED = 1024;

    private final TagRecords records;
    private final Clock clock;
    private final LongConsumer sleep;

    /** One tag's copy writes in this isolate: when the last began, and the state a scheduled one will write. */
    private static final class TagCopy {
        long writtenAt;
        TagState due;
    }

    private final Map<String, TagCopy> copies = KvCacheHandler.lru(MAX_REMEMBERED);

    TagCopies(TagRecords records, Clock clock, LongConsumer sleep) {
        this.records = records;
        this.clock = clock;
        this.sleep = sleep;
    }

    /**
     * Writes the copies of {@code states} when the completion is awaited. A tag this isolate wrote less than
     * {@link #SPACING_MILLIS} ago is written once that much time has passed, with the latest state meanwhile (a
     * revalidation that finds such a write already scheduled leaves its state to it); a write KV refuses (429:
     * another isolate wrote the key this second) is tried once more after the same spacing. Throws when a copy
     * could not be written.
     */
    Completion write(Map<String, TagState> states) {
        if (states.isEmpty()) {
            return Completion.DONE;
        }
        return () -> {
            long now = clock.millis();
            long writeAt = now;
            var mine = new LinkedHashMap<String, TagCopy>();
            synchronized (copies) {
                for (var e : states.entrySet()) {
                    TagCopy copy = copies.get(e.getKey());
                    if (copy != null && copy.due != null) {
                        copy.due = TagState.latest(copy.due, e.getValue(), now); // its scheduled write takes it too
                        continue;
                    }
                    if (copy == null) {
                        copy = new TagCopy();
                        copy.writtenAt = Long.MIN_VALUE / 2;
                        copies.put(e.getKey(), copy);
                    }
                    copy.writtenAt = Math.max(now, copy.writtenAt + SPACING_MILLIS);
                    copy.due = e.getValue();
                    writeAt = Math.max(writeAt, copy.writtenAt);
                    mine.put(e.getKey(), copy);
                }
            }
            if (mine.isEmpty()) {
                return;
            }
            pauseUntil(writeAt);
            var failed = put(mine);
            if (failed.isEmpty()) {
                return;
            }
            pauseUntil(clock.millis() + SPACING_MILLIS);
            failed = put(failed);
            if (!failed.isEmpty()) {
                throw new IllegalStateException("KV refused the tag records of " + failed.keySet() + " twice");
            }
        };
    }

    /** Puts each copy's due state and waits for all; the ones that failed (their due state kept for a retry). */
    private Map<String, TagCopy> put(Map<String, TagCopy> due) {
        var writes = new LinkedHashMap<String, Completion>();
        var states = new LinkedHashMap<String, TagState>();
        synchronized (copies) {
            for (var e : due.entrySet()) {
                states.put(e.getKey(), e.getValue().due);
                e.getValue().writtenAt = Math.max(e.getValue().writtenAt, clock.millis());
                e.getValue().due = null;
            }
        }
        var failed = new LinkedHashMap<String, TagCopy>();
        for (var e : states.entrySet()) {
            try {
                writes.put(e.getKey(), records.write(e.getKey(), e.getValue()));
            } catch (RuntimeException ex) {
                failed.put(e.getKey(), due.get(e.getKey()));
            }
        }
        for (var e : writes.entrySet()) {
            try {
                e.getValue().await();
            } catch (RuntimeException ex) {
                failed.put(e.getKey(), due.get(e.getKey()));
            }
        }
        synchronized (copies) {
            for (var e : failed.entrySet()) {
                TagState mine = states.get(e.getKey());
                e.getValue().due = e.getValue().due == null ? mine : TagState.latest(e.getValue().due, mine,
                        clock.millis());
            }
        }
        return failed;
    }

    /** Waits (suspends, in workerd) until {@code at} on the handler's clock. */
    private void pauseUntil(long at) {
        long wait = at - clock.millis();
        if (wait > 0) {
            sleep.accept(wait);
        }
    }
}
