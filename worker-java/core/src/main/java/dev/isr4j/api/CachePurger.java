package dev.isr4j.api;

import java.util.List;

/**
 * Purges the copies that caches in front of isr4j (a CDN) hold, by the {@code Cache-Tag} values isr4j sent
 * with them. isr4j calls it in the background (under {@code ctx.waitUntil}) after every tag or path
 * revalidation, with the downstream forms of the revalidated tags (see docs/headers.md): {@link #purge} after a
 * hard one, {@link #invalidate} after a soft one (a revalidation with a profile).
 *
 * <p>Blocking style, like {@link CacheHandler}. A purge that fails must be logged, never thrown: the
 * revalidation itself has already been stored.
 *
 * <pre>{@code
 * app.cachePurger(tags -> myCdn.purgeByTags(tags));
 * }</pre>
 */
@FunctionalInterface
public interface CachePurger {
    /** After a hard revalidation: the copies must go, the next request for them reaches isr4j. */
    void purge(List<String> cacheTags);

    /**
     * After a soft revalidation: the copies may be kept if the cache revalidates them with isr4j first (a
     * conditional request, answered {@code 304} while isr4j regenerates in the background). A cache that cannot
     * mark copies stale purges them, which is what this does unless overridden.
     */
    default void invalidate(List<String> cacheTags) {
        purge(cacheTags);
    }
}
