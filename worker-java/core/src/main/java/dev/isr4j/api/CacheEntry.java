package dev.isr4j.api;

import java.util.List;

/**
 * A cached value as read back, with its timestamps (epoch ms) and its tags.
 *
 * @param revalidateAt when the entry turns stale
 * @param expireAt when the entry may no longer be served at all
 */
public record CacheEntry(CacheValue value, long lastModified, long revalidateAt, long expireAt, List<String> tags) {
    /** The revalidate period the entry was written with, in whole seconds. */
    public long revalidateSeconds() {
        return (revalidateAt - lastModified) / 1000;
    }
}
