package dev.isr4j.api;

import dev.isr4j.Body;
import java.util.Map;

/**
 * An object store for bodies larger than a KV value may be (R2, binding {@code CACHE_R2}). Objects carry a little
 * string metadata, which the KV cache handler uses to check that an object belongs to the entry pointing at it.
 * A body read back may be a stream the runtime passes to the client without it entering Java.
 */
public interface ObjectStore {
    /** An object as read: its body (of known length) and its metadata. */
    record Found(Body body, Map<String, String> metadata) {
        public Found {
            metadata = Map.copyOf(metadata);
        }
    }

    /** The object under {@code key}, or null when there is none. */
    Found get(String key);

    /** Writes (or replaces) an object; the completion finishes once it is durable. */
    Completion put(String key, Body body, Map<String, String> metadata);

    Completion delete(String key);
}
