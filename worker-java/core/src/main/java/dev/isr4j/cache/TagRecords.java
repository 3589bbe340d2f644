package dev.isr4j.cache;

import dev.isr4j.Json;
import dev.isr4j.api.Clock;
import dev.isr4j.api.Completion;
import dev.isr4j.api.KvStore;
import dev.isr4j.api.Log;
import dev.isr4j.json.JsonReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Tag records in KV, {@code {"tag":"<tag>","expired":<ms>,"stale":<ms>}} (hard and soft) under {@link KvKeys#tag}:
 * reading, what a read means (a record that cannot be read, or is another tag's, is unreadable), and writing.
 */
final class TagRecords {
    private final KvStore store;
    private final KvKeys keys;
    private final Clock clock;
    private final Log log;

    TagRecords(KvStore store, KvKeys keys, Clock clock, Log log) {
        this.store = store;
        this.keys = keys;
        this.clock = clock;
        this.log = log;
    }

    /** What KV holds for a tag; {@code foreign}: the record under its key is another tag's. */
    record TagRead(TagState state, boolean foreign) {
    }

    String key(String tag) {
        return keys.tag(tag);
    }

    /** The record of one tag as KV holds it now (never the isolate's tag cache). */
    TagRead read(String tag) {
        KvStore.TextRead read;
        try {
            read = new KvStore.TextRead(store.getText(key(tag)), null);
        } catch (RuntimeException e) {
            read = new KvStore.TextRead(null, e);
        }
        return parse(tag, read, clock.millis());
    }

    /** The records of {@code tags} read all at once (one wait for all); a read the store did not answer failed. */
    List<KvStore.TextRead> readAll(List<String> tags) {
        var storeKeys = new ArrayList<String>(tags.size());
        for (String tag : tags) {
            storeKeys.add(key(tag));
        }
        List<KvStore.TextRead> reads;
        try {
            reads = store.getTexts(storeKeys);
        } catch (RuntimeException e) {
            reads = List.of(); // counted below as a failed read of each
        }
        var out = new ArrayList<KvStore.TextRead>(tags.size());
        for (int i = 0; i < tags.size(); i++) {
            out.add(i < reads.size() && reads.get(i) != null ? reads.get(i)
                    : new KvStore.TextRead(null, new IllegalStateException("the store answered no read for it")));
        }
        return out;
    }

    /** What a read of a tag's record means: its state, unreadable when the read failed or the record is broken. */
    TagRead parse(String tag, KvStore.TextRead read, long now) {
        if (read.failure() != null) {
            log.error("reading tag " + tag + " failed; its entries are not served from the cache", read.failure());
            return new TagRead(TagState.unreadable(now), false);
        }
        String text = read.text();
        if (text == null) {
            return new TagRead(new TagState(-1, -1, now, false), false);
        }
        try {
            Object parsed = JsonReader.parse(text);
            if (parsed instanceof Long ts) {
                return new TagRead(new TagState(ts, -1, now, false), false); // a bare timestamp: hard invalidation
            }
            if (parsed instanceof Map<?, ?> m && m.get("expired") instanceof Long expired
                    && m.get("stale") instanceof Long stale) {
                Object owner = m.get("tag");
                if (owner != null && !tag.equals(owner)) {
                    log.warn("tag record " + key(tag) + " belongs to another tag; entries tagged " + tag
                            + " are not served from the cache");
                    return new TagRead(TagState.unreadable(now), true);
                }
                return new TagRead(new TagState(expired, stale, now, false), false);
            }
            throw new IllegalArgumentException("not a tag record");
        } catch (RuntimeException e) {
            log.warn("tag record " + key(tag) + " is unreadable (" + e.getMessage() + "); entries tagged " + tag
                    + " are not served from the cache until it is rewritten");
            return new TagRead(TagState.unreadable(now), false);
        }
    }

    /** Writes a tag's record (without a KV TTL: an invalidation must outlive every entry it covers). */
    Completion write(String tag, TagState state) {
        var record = Json.object().put("tag", tag).put("expired", state.expiredAt()).put("stale", state.staleAt());
        return store.putText(key(tag), record.toJson(), 0);
    }
}
