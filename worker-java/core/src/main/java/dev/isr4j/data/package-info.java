/**
 * The data cache: cached functions ({@link dev.isr4j.CachedFunction}) keyed by name and arguments, with their
 * profiles, tags, stale-while-revalidate and one recomputation per key.
 *
 * <p>Stores through {@link dev.isr4j.api.CacheHandler} only; knows nothing of routes or pages beyond the
 * request scope it reports the data it served to.
 */
package dev.isr4j.data;
