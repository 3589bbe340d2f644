package dev.isr4j.cache;

import dev.isr4j.api.Clock;
import dev.isr4j.api.Completion;
import dev.isr4j.api.KvStore;
import dev.isr4j.api.Log;
import dev.isr4j.api.TagStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Tag records in a {@link TagStore} (the coordinator), with a copy of each in KV: while the store fails, isolates
 * read those copies instead (asking the store again at most once a second), and an entry fails closed only when
 * neither can be read.
 */
final class CoordinatedTags {
    private final TagStore store;
    private final TagStoreHealth health;
    private final TagCache cache;
    private final TagRecords records;
    private final TagCopies copies;
    private final Log log;

    CoordinatedTags(TagStore store, TagCache cache, TagRecords records, Clock clock, Log log, LongConsumer sleep) {
        this.store = store;
        this.health = new TagStoreHealth(clock, log);
        this.cache = cache;
        this.records = records;
        this.copies = new TagCopies(records, clock, sleep);
        this.log = log;
    }

    /**
     * The states of {@code tags}: those this isolate still trusts, the rest in one read of the tag store, or, when
     * it fails or has failed within {@link TagStoreHealth#RETRY_MILLIS}, of their KV copies. Null when neither
     * could be read (fail closed): those tags are remembered as unreadable (asked again after
     * {@link TagCache#FAILED_READ_RETRY_MILLIS}).
     */
    Map<String, TagState> read(List<String> tags, long now) {
        var states = new HashMap<String, TagState>();
        var missing = new ArrayList<String>();
        for (String tag : new LinkedHashSet<>(tags)) {
            TagState cached = cache.trusted(tag, now);
            if (cached == null) {
                missing.add(tag);
            } else if (cached.unknown()) {
                return null;
            } else {
                states.put(tag, cached);
            }
        }
        if (missing.isEmpty()) {
            return states;
        }
        Map<String, TagStore.State> read = null;
        if (health.ask()) {
            try {
                read = store.read(missing);
                health.answered();
            } catch (RuntimeException e) {
                health.failed(e);
            }
        }
        if (read == null) {
            Map<String, TagState> fromCopies = cache.readThrough(missing, now); // remembers unreadable ones too
            for (String tag : missing) {
                if (fromCopies.get(tag).unknown()) {
                    log.error("tag " + tag + " could be read neither from the coordinator nor from its KV copy; "
                            + "the entry tagged " + missing + " counts as revalidated now and is not served from "
                            + "the cache", null);
                    return null;
                }
            }
            states.putAll(fromCopies);
            return states;
        }
        for (String tag : missing) {
            TagStore.State state = read.get(tag);
            TagState known = state == null ? TagState.unreadable(now)
                    : new TagState(state.expiredAt(), state.staleAt(), now, false);
            cache.remember(tag, known);
            if (state == null) {
                return null;
            }
            states.put(tag, known);
        }
        return states;
    }

    /**
     * The tag store merges hard and soft itself (it is the only writer); its states after are then copied to the
     * tags' KV records (merged with what those hold), which isolates read while the store is down. When the
     * store cannot take the revalidation, the copies are written all the same (merged as without a store), so
     * it still reaches isolates reading KV, and the completion fails after them: the caller retries, so that the
     * store, which isolates read again once it answers, has it too. This isolate sees its own revalidation at once.
     */
    Completion revalidate(List<String> tags, boolean soft, long now) {
        Map<String, TagStore.State> taken = null;
        RuntimeException refused = null;
        try {
            taken = store.revalidate(tags, soft, now);
            health.answered();
        } catch (RuntimeException e) {
            refused = e;
            health.failed(e);
        }
        // The copies as KV holds them (all read at once): they can hold a revalidation made while the store was down.
        List<KvStore.TextRead> reads = records.readAll(tags);
        var updates = new LinkedHashMap<String, TagState>();
        for (int i = 0; i < tags.size(); i++) {
            String tag = tags.get(i);
            TagStore.State state = taken == null ? null : taken.get(tag);
            TagRecords.TagRead old = records.parse(tag, reads.get(i), now);
            if (old.foreign()) {
                log.error("tag record " + records.key(tag) + " belongs to another tag (hash collision); it is kept, "
                        + "and while the coordinator is down entries tagged " + tag + " stay uncached", null);
            }
            TagState updated;
            if (state != null) {
                updated = new TagState(state.expiredAt(), state.staleAt(), now, false);
                if (!old.state().unknown()) {
                    updated = TagState.latest(updated, old.state(), now);
                }
            } else {
                TagState known = old.state().unknown() ? cache.trusted(tag, now) : old.state();
                long expired = known == null || known.unknown() ? -1 : known.expiredAt();
                long stale = known == null || known.unknown() ? -1 : known.staleAt();
                updated = soft ? new TagState(expired, Math.max(stale, now), now, false)
                        : new TagState(Math.max(expired, now), stale, now, false);
            }
            cache.remember(tag, updated);
            if (!old.foreign()) {
                updates.put(tag, updated);
            }
        }
        Completion written = copies.write(updates);
        if (refused == null) {
            return () -> {
                try {
                    written.await();
                } catch (RuntimeException e) {
                    // The store has it: only isolates reading KV during a later outage could miss it.
                    log.warn("revalidation of " + tags + " is in the coordinator, but its KV copy was not written ("
                            + e.getMessage() + "); while the coordinator is down, isolates do not see it");
                }
            };
        }
        String why = refused.getMessage();
        return () -> {
            String copied;
            try {
                written.await();
                copied = "its KV copy is written, which isolates read while the coordinator is down";
            } catch (RuntimeException e) {
                copied = "nor was its KV copy written (" + e.getMessage() + "); only this isolate knows of it";
            }
            throw new IllegalStateException("revalidating " + tags + " in the coordinator failed (" + why + "); "
                    + copied + "; retry, so the coordinator has it once it answers");
        };
    }
}
