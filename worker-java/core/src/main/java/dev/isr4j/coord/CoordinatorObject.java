package dev.isr4j.coord;

import dev.isr4j.Json;
import dev.isr4j.api.Clock;
import dev.isr4j.json.JsonReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of one {@code IsrCoordinator} Durable Object (one shard): regeneration leases per key and tag
 * records. A Durable Object runs one request at a time, so each operation below is atomic.
 *
 * <p>Leases. The first claimer of a key gets a lease until {@code now + leaseMillis}; anyone else who claims
 * it before then is told BUSY (serve stale, do not regenerate). A finished regeneration records the
 * lastModified it wrote and frees the key; a claimer that saw an older entry than that (its location's KV
 * has not caught up yet) is told DONE and does not redo the work. A lease nobody finishes (the isolate
 * crashed, or was cut off) simply ends, and the next claimer gets it.
 *
 * <p>Tags. A hard revalidation raises the tag's {@code expired}, a soft one its {@code stale}; neither ever
 * lowers the other, and since this is the only writer, no revalidation is lost to a concurrent one.
 */
public final class CoordinatorObject {
    /** Shortest and longest lease: a lease must end well before waitUntil's 30 s cut-off ends its holder. */
    public static final long MIN_LEASE_MILLIS = 1_000;
    public static final long MAX_LEASE_MILLIS = 29_000;
    /**
     * How long a key's row (its last result) is kept after its last change: longer than KV needs to show a
     * write everywhere (~60 s), so a claimer whose location still reads the old entry is told DONE.
     */
    public static final long RETENTION_MILLIS = 10 * 60_000;
    /** Tags one request may name (an entry carries at most a few dozen; the revalidation endpoint 64 + 64). */
    public static final int MAX_TAGS_PER_CALL = 512;

    public enum Verdict { GRANTED, BUSY, DONE }

    /** @param until lease end (GRANTED, BUSY); @param done the recorded result (DONE) */
    public record Claim(Verdict verdict, long until, long done) {
    }

    private final CoordinatorStorage storage;
    private final Clock clock;

    public CoordinatorObject(CoordinatorStorage storage, Clock clock) {
        this.storage = storage;
        this.clock = clock;
    }

    /**
     * @param seen lastModified of the stale entry the claimer serves (-1 when it has none)
     * @param leaseMillis how long the lease lasts, clamped to [{@value #MIN_LEASE_MILLIS}, {@value #MAX_LEASE_MILLIS}]
     */
    public Claim claim(String key, String holder, long seen, long leaseMillis) {
        long now = clock.millis();
        var row = storage.lease(key);
        long done = row == null ? -1 : row.done();
        if (done > seen) {
            return new Claim(Verdict.DONE, -1, done);
        }
        if (row != null && row.holder() != null && row.until() > now && !row.holder().equals(holder)) {
            return new Claim(Verdict.BUSY, row.until(), done);
        }
        long until = now + Math.max(MIN_LEASE_MILLIS, Math.min(MAX_LEASE_MILLIS, leaseMillis));
        storage.forgetLeasesBefore(now - RETENTION_MILLIS);
        storage.putLease(new CoordinatorStorage.Lease(key, holder, until, done, now));
        return new Claim(Verdict.GRANTED, until, done);
    }

    /**
     * The holder's regeneration ended. {@code lastModified} is what it wrote (-1: it failed, and the key is free
     * for the next claimer). A holder whose lease already ended still records its result, but does not free a
     * lease someone else holds now.
     */
    public void finish(String key, String holder, long lastModified) {
        long now = clock.millis();
        var row = storage.lease(key);
        long done = Math.max(row == null ? -1 : row.done(), lastModified);
        boolean mine = row != null && holder.equals(row.holder());
        String stillHeldBy = row == null || mine ? null : row.holder();
        long until = row == null || mine ? 0 : row.until();
        storage.putLease(new CoordinatorStorage.Lease(key, stillHeldBy, until, done, now));
    }

    /** The tags' states; a tag never revalidated is {@link CoordinatorStorage.Tag#NEVER}. */
    public Map<String, CoordinatorStorage.Tag> tags(List<String> tags) {
        checkCount(tags);
        var states = new LinkedHashMap<String, CoordinatorStorage.Tag>();
        for (String tag : tags) {
            var state = storage.tag(tag);
            states.put(tag, state == null ? CoordinatorStorage.Tag.NEVER : state);
        }
        return states;
    }

    /** Revalidates the tags at {@code at} (hard or soft) and returns their states after. */
    public Map<String, CoordinatorStorage.Tag> revalidate(List<String> tags, boolean soft, long at) {
        checkCount(tags);
        var states = new LinkedHashMap<String, CoordinatorStorage.Tag>();
        for (String tag : tags) {
            var old = storage.tag(tag);
            if (old == null) {
                old = CoordinatorStorage.Tag.NEVER;
            }
            var updated = soft ? new CoordinatorStorage.Tag(old.expiredAt(), Math.max(old.staleAt(), at))
                    : new CoordinatorStorage.Tag(Math.max(old.expiredAt(), at), old.staleAt());
            if (!updated.equals(old)) {
                storage.putTag(tag, updated);
            }
            states.put(tag, updated);
        }
        return states;
    }

    private static void checkCount(List<String> tags) {
        if (tags.size() > MAX_TAGS_PER_CALL) {
            throw new IllegalArgumentException("at most " + MAX_TAGS_PER_CALL + " tags per call, got " + tags.size());
        }
    }

    /**
     * One request of the wire protocol ({@link CoordinatorProtocol}), answered as JSON; a request it cannot
     * read is answered {@code {"r":"error","message":...}}, never thrown.
     */
    public String handle(String requestJson) {
        try {
            Map<?, ?> request = (Map<?, ?>) JsonReader.parse(requestJson);
            String op = (String) request.get(CoordinatorProtocol.OP);
            switch (op == null ? "" : op) {
                case CoordinatorProtocol.CLAIM: {
                    Claim claim = claim(text(request, "key"), text(request, "holder"), number(request, "seen"),
                            number(request, "leaseMs"));
                    return Json.object().put("r", dev.isr4j.text.Text.asciiLowerCase(claim.verdict().name()))
                            .put("until", claim.until()).put("done", claim.done()).toJson();
                }
                case CoordinatorProtocol.FINISH:
                    finish(text(request, "key"), text(request, "holder"), number(request, "lm"));
                    return Json.object().put("r", "ok").toJson();
                case CoordinatorProtocol.TAGS:
                    return CoordinatorProtocol.tagStates(tags(textList(request, "tags")));
                case CoordinatorProtocol.REVALIDATE:
                    return CoordinatorProtocol.tagStates(revalidate(textList(request, "tags"),
                            Boolean.TRUE.equals(request.get("soft")), number(request, "at")));
                default:
                    throw new IllegalArgumentException("unknown op " + op);
            }
        } catch (RuntimeException e) {
            return Json.object().put("r", "error").put("message", String.valueOf(e.getMessage())).toJson();
        }
    }

    private static String text(Map<?, ?> m, String field) {
        if (m.get(field) instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("missing text field " + field);
    }

    private static long number(Map<?, ?> m, String field) {
        if (m.get(field) instanceof Long n) {
            return n;
        }
        throw new IllegalArgumentException("missing whole number field " + field);
    }

    private static List<String> textList(Map<?, ?> m, String field) {
        if (!(m.get(field) instanceof List<?> list)) {
            throw new IllegalArgumentException("missing list field " + field);
        }
        var out = new ArrayList<String>(list.size());
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw new IllegalArgumentException(field + " must hold strings");
            }
            out.add(s);
        }
        return out;
    }
}
