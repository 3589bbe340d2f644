package dev.isr4j;

import java.util.List;

/**
 * What a cached computation can say about its own entry while it runs, as {@code cacheLife()} and
 * {@code cacheTag()} inside {@code "use cache"}: its profile (or plain revalidate) and extra tags. Nested
 * cached data used here bounds this entry's revalidate and lends it its tags.
 */
public interface CacheScope {
    /** Uses a named profile's revalidate and expire for this entry; an unknown name throws. */
    void cacheLife(String profile);

    /** Sets this entry's revalidate (seconds, at least 1). */
    void revalidate(long seconds);

    /** Adds tags to this entry. */
    void cacheTag(String... tags);

    /** The arguments this call was made with. */
    List<String> args();

    /** Portable I/O (fetch, KV, clock, JSON) for the computation. */
    Env env();
}
