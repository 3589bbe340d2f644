package dev.isr4j.api;

import java.util.List;

/**
 * Purges the copies that caches in front of isr4j (a CDN) hold, by the {@code Cache-Tag} values isr4j sent
 * with them. isr4j calls it in the background (under {@code ctx.waitUntil}) after every tag or path
 * revalidation, with the downstream forms of the revalidated tags (see docs/headers.md).
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
    void purge(List<String> cacheTags);
}
