package dev.isr4j.internal;

import dev.isr4j.api.KvStore;

/**
 * A cache read the runtime started before Java handled the request (the one KV read a hit needs), handed
 * in with its outcome: {@code stored} is null when the key was absent.
 */
public record Prefetched(String key, KvStore.Stored stored) {
}
