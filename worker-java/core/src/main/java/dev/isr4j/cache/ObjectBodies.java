package dev.isr4j.cache;

import dev.isr4j.Body;
import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.api.Completion;
import dev.isr4j.api.Log;
import dev.isr4j.api.ObjectStore;
import dev.isr4j.store.KvEntryFormat;
import java.util.Map;

/**
 * Bodies kept in the object store (R2), which a KV entry points at (format version 3). Each write of a body is a
 * new object whose metadata names the cache key and the write it belongs to, so a reader can tell it is the body
 * of the very entry it read.
 */
final class ObjectBodies {
    /** Object metadata: the cache key and the write (last-modified) an object belongs to. */
    static final String KEY_FIELD = "id";
    static final String WRITTEN_FIELD = "lm";

    private final ObjectStore objects;
    private final KvKeys keys;
    private final Log log;

    /** @param objects the object store, or null when there is none (an entry pointing at one is unreadable) */
    ObjectBodies(ObjectStore objects, KvKeys keys, Log log) {
        this.objects = objects;
        this.keys = keys;
        this.log = log;
    }

    boolean present() {
        return objects != null;
    }

    /** The object key of one write of a large body: unique per write. */
    String newKey(String key, long now) {
        return keys.object(key, now);
    }

    /** A servable lookup of an entry whose body is an object, with the object's body; unservable stays as is. */
    CacheLookup withBody(String key, KvEntryFormat.Decoded decoded, CacheLookup lookup) {
        var ref = decoded.object();
        if (ref == null || lookup.entry() == null) {
            return lookup;
        }
        CacheEntry entry = lookup.entry();
        Body body = body(key, entry, ref);
        if (body == null) {
            return CacheLookup.CORRUPT;
        }
        var value = entry.value().withBody(body);
        var withBody = new CacheEntry(value, entry.lastModified(), entry.revalidateAt(), entry.expireAt(),
                entry.tags());
        return new CacheLookup(lookup.state(), withBody);
    }

    /** The body of an entry kept in an object, when the object is there and is this very entry's; else null. */
    private Body body(String key, CacheEntry entry, KvEntryFormat.ObjectRef ref) {
        if (objects == null) {
            log.warn("cache entry " + keys.entry(key) + " keeps its body in R2 object " + ref.key() + ", but there is "
                    + "no object store binding; treated as unreadable");
            return null;
        }
        ObjectStore.Found found = objects.get(ref.key());
        if (found == null) {
            log.warn("cache entry " + keys.entry(key) + ": its body object " + ref.key() + " is gone; treated as "
                    + "unreadable");
            return null;
        }
        if (!key.equals(found.metadata().get(KEY_FIELD))
                || !Long.toString(entry.lastModified()).equals(found.metadata().get(WRITTEN_FIELD))
                || found.body().length() != ref.length()) {
            log.warn("cache entry " + keys.entry(key) + ": object " + ref.key() + " is not its body (another key, "
                    + "write or length); treated as unreadable");
            return null;
        }
        return found.body();
    }

    /** Writes the body of the write of {@code key} at {@code writtenAt} to {@code objectKey}, and waits for it. */
    void put(String objectKey, Body body, String key, long writtenAt, BackgroundWork background) {
        awaitKeptAlive(objects.put(objectKey, body, Map.of(KEY_FIELD, key, WRITTEN_FIELD, Long.toString(writtenAt))),
                background);
    }

    /** Deletes an object no entry should point at any more; a failure leaves it behind, and says so. */
    void delete(String objectKey, String why, BackgroundWork background) {
        try {
            awaitKeptAlive(objects.delete(objectKey), background);
        } catch (RuntimeException e) {
            log.error("deleting R2 object " + objectKey + " (" + why + ") failed; it is left behind", e);
        }
    }

    /** Registers a storage promise with the runtime on its own, then waits for it. */
    static void awaitKeptAlive(Completion write, BackgroundWork background) {
        background.keepAlive(write);
        write.await();
    }
}
