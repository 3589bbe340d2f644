package dev.isr4j.internal;

import dev.isr4j.api.KvStore;

/**
 * A cache read the runtime started before Java handled the request (the one read a hit needs), handed in with
 * its outcome: {@code stored} is null when the key was absent. {@code regional}: the read came from the
 * location's cache (the KV entry was not read); otherwise it is the KV entry.
 */
public record Prefetched(String key, KvStore.Stored stored, boolean regional) {
    public Prefetched(String key, KvStore.Stored stored) {
        this(key, stored, false);
    }
}
