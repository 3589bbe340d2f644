package dev.isr4j.api;

import dev.isr4j.Body;
import java.util.List;

/**
 * The slice of the Workers KV API the KV cache handler uses, with bodies as {@link Body} so bytes stay
 * outside Java where the runtime allows. Metadata is a JSON object's text (at most 1024 bytes).
 * Reads block (suspend in workerd); writes return a {@link Completion} at once that finishes when the
 * runtime's promise settles.
 */
public interface KvStore {
    /** KV's limits. */
    int MAX_KEY_BYTES = 512;
    int MAX_METADATA_BYTES = 1024;
    long MIN_EXPIRATION_TTL_SECONDS = 60;
    int MAX_VALUE_BYTES = 25 * 1024 * 1024;

    /** A value and its metadata text (null when the entry has none). */
    record Stored(Body value, String metadata) {
    }

    record Listed(String name, String metadata) {
    }

    record Page(List<Listed> keys, String cursor, boolean complete) {
    }

    /** One read: the value's bytes and its metadata, or null when the key is absent. */
    Stored getWithMetadata(String key);

    /** The value as text, or null when absent. */
    String getText(String key);

    /** What one of several reads found: its text (null when absent), or why the read failed. */
    record TextRead(String text, RuntimeException failure) {
    }

    /**
     * Reads several keys as text at once: a store that can overlaps them (in workerd, one wait for all of
     * them instead of one per key). One result per key, in order; a read that fails is reported in its place
     * and does not fail the others. The default reads one after the other.
     */
    default List<TextRead> getTexts(List<String> keys) {
        var out = new java.util.ArrayList<TextRead>(keys.size());
        for (String key : keys) {
            try {
                out.add(new TextRead(getText(key), null));
            } catch (RuntimeException e) {
                out.add(new TextRead(null, e));
            }
        }
        return out;
    }

    /** @param metadataJson JSON object text, or null; @param expirationTtlSeconds 0 for none, else >= 60 */
    Completion put(String key, Body value, String metadataJson, long expirationTtlSeconds);

    Completion putText(String key, String value, long expirationTtlSeconds);

    Completion delete(String key);

    /** One page of keys (with metadata) starting with {@code prefix}; pass the previous page's cursor. */
    Page list(String prefix, String cursor);
}
