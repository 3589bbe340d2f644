/**
 * The cache handlers users configure: {@link dev.isr4j.cache.KvCacheHandler} (Workers KV, with the regional
 * cache and R2 tiers and its {@link dev.isr4j.api.KvCacheOptions}), {@link
 * dev.isr4j.cache.InMemoryCacheHandler} (the default without KV), {@link dev.isr4j.cache.InMemoryKvStore} (a KV
 * namespace in memory, for tests), and the purgers {@link dev.isr4j.cache.CloudflareZonePurger} (a zone's CDN) and
 * {@link dev.isr4j.cache.WorkersCachePurger} (the Worker's own edge cache).
 *
 * <p>{@code KvCacheHandler} composes package-private parts, one concern each (its doc names them); they are
 * not API.
 *
 * <p>Stores what it is given: keys and the entry format come from {@code dev.isr4j.store}, and whether an
 * entry is served is decided in {@code dev.isr4j.isr}.
 */
package dev.isr4j.cache;
