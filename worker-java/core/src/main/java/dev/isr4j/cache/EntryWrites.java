package dev.isr4j.cache;

import dev.isr4j.Body;
import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.CacheHandler.SetOptions;
import dev.isr4j.api.CacheValue;
import dev.isr4j.api.Clock;
import dev.isr4j.api.Completion;
import dev.isr4j.api.KvStore;
import dev.isr4j.api.Log;
import dev.isr4j.store.KvEntryFormat;
import java.util.Map;

/**
 * Writes entries: to KV in the format of {@link KvEntryFormat}, a body past the threshold to the object store
 * first, then the location's copy; a body no store can hold is served but not cached (and reported once).
 */
final class EntryWrites {
    /** Entries that may be served for ten years or more are written without a KV TTL. */
    static final long NO_TTL_BEYOND_SECONDS = 10L * 365 * 24 * 3600;
    /** Keys whose oversize body was reported, so the warning is not repeated on every request (bounded). */
    static final int MAX_OVERSIZE_REPORTS = 1000;

    private final KvStore store;
    private final KvKeys keys;
    private final ObjectBodies bodies;
    private final RegionalCopies regional;
    private final Clock clock;
    private final Log log;
    private final long expirationTtlSeconds;
    private final long objectThresholdBytes;
    private final Map<String, Boolean> reportedOversize = KvCacheHandler.lru(MAX_OVERSIZE_REPORTS);

    /** @param regional the location's copies a write refreshes, or null */
    EntryWrites(KvStore store, KvKeys keys, ObjectBodies bodies, RegionalCopies regional, Clock clock, Log log,
                long expirationTtlSeconds, long objectThresholdBytes) {
        this.store = store;
        this.keys = keys;
        this.bodies = bodies;
        this.regional = regional;
        this.clock = clock;
        this.log = log;
        this.expirationTtlSeconds = expirationTtlSeconds;
        this.objectThresholdBytes = objectThresholdBytes;
    }

    /** Writes KV (and R2, and the regional copy); every storage promise is kept alive with {@code background}. */
    Completion set(String key, CacheValue value, SetOptions setOptions, BackgroundWork background) {
        long length = value.body().length();
        boolean objectKind = !KvEntryFormat.KIND_DATA.equals(KvEntryFormat.kindOf(key));
        if (bodies.present() && objectKind && length > objectThresholdBytes) {
            return setWithObject(key, value, setOptions, background);
        }
        if (length > KvStore.MAX_VALUE_BYTES) {
            reportOversize(key, length);
            return Completion.DONE;
        }
        long now = clock.millis();
        var entry = new CacheEntry(value, now, setOptions.revalidateAt(now), setOptions.expireAt(now),
                setOptions.tags());
        var encoded = KvEntryFormat.encode(key, entry);
        if (encoded.value().length() > KvStore.MAX_VALUE_BYTES) {
            if (bodies.present() && objectKind) {
                return setWithObject(key, value, setOptions, background);
            }
            log.warn("entry for " + key + " with its header exceeds KV's value limit; not cached");
            return Completion.DONE;
        }
        Completion kv = store.put(keys.entry(key), encoded.value(), encoded.metadata(), kvTtl(setOptions));
        if (regional == null) {
            return kv; // the runtime's own promise, which the ISR layer also registers with waitUntil
        }
        background.keepAlive(kv);
        return () -> {
            kv.await();
            regional.refresh(key, encoded, entry.revalidateAt(), now, background);
        };
    }

    private void reportOversize(String key, long length) {
        boolean first;
        synchronized (reportedOversize) {
            first = reportedOversize.put(key, Boolean.TRUE) == null;
        }
        if (first) {
            log.warn("response for " + key + " has " + length + " bytes, over KV's " + KvStore.MAX_VALUE_BYTES
                    + "-byte limit; it is served but not cached (bind an R2 bucket as CACHE_R2 to cache it)");
        }
    }

    /** Oversize keys this isolate remembers having reported (at most {@link #MAX_OVERSIZE_REPORTS}). */
    int oversizeReportCount() {
        synchronized (reportedOversize) {
            return reportedOversize.size();
        }
    }

    /** Entries meant to outlive any TTL (FORCE_STATIC, "no practical expiry") get none; others the configured one. */
    private long kvTtl(SetOptions setOptions) {
        return setOptions.expireSeconds() >= NO_TTL_BEYOND_SECONDS ? 0
                : Math.max(expirationTtlSeconds, KvStore.MIN_EXPIRATION_TTL_SECONDS);
    }

    /**
     * A body past the threshold: written to a new object first (its metadata names this key and write), then
     * the KV entry pointing at it. If the KV write fails the new object is deleted, so no object is left that no
     * entry points at, and no entry points at a missing object. The entry also names the object it replaced,
     * which stays for readers whose KV view is one write behind; the one before that is deleted.
     */
    private Completion setWithObject(String key, CacheValue value, SetOptions setOptions, BackgroundWork background) {
        long now = clock.millis();
        var entry = new CacheEntry(value, now, setOptions.revalidateAt(now), setOptions.expireAt(now),
                setOptions.tags());
        String objectKey = bodies.newKey(key, now);
        Body body = value.body();
        return () -> {
            KvEntryFormat.ObjectRef replaced = currentObject(key);
            var ref = new KvEntryFormat.ObjectRef(objectKey, body.length(), replaced == null ? null : replaced.key());
            var encoded = KvEntryFormat.encode(key, entry, ref);
            bodies.put(objectKey, body, key, now, background);
            try {
                ObjectBodies.awaitKeptAlive(store.put(keys.entry(key), encoded.value(), encoded.metadata(),
                        kvTtl(setOptions)), background);
            } catch (RuntimeException e) {
                bodies.delete(objectKey, "after the failed KV write of " + key, background);
                throw e;
            }
            if (replaced != null && replaced.previous() != null && !replaced.previous().equals(replaced.key())
                    && !replaced.previous().equals(objectKey)) {
                bodies.delete(replaced.previous(), "two writes old for " + key, background);
            }
            if (regional != null) {
                regional.refresh(key, encoded, entry.revalidateAt(), now, background);
            }
        };
    }

    /** The object the KV entry of {@code key} points at now, or null (none, unreadable, another key's). */
    private KvEntryFormat.ObjectRef currentObject(String key) {
        try {
            KvStore.Stored stored = store.getWithMetadata(keys.entry(key));
            if (stored == null) {
                return null;
            }
            var decoded = KvEntryFormat.decode(stored);
            return decoded.key().equals(key) ? decoded.object() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
