/**
 * Extension points: what a user or a host implements and the runtime calls ({@link dev.isr4j.api.CacheHandler},
 * {@link dev.isr4j.api.KvStore}, {@link dev.isr4j.api.ObjectStore}, {@link dev.isr4j.api.RegionalCache},
 * {@link dev.isr4j.api.Clock}, {@link dev.isr4j.api.Log}, {@link dev.isr4j.api.BackgroundWork},
 * {@link dev.isr4j.api.CachePurger}, {@link dev.isr4j.api.WorkersCache}, {@link dev.isr4j.api.TagStore}), and the values that cross them, among them
 * the built-in KV cache's {@link dev.isr4j.api.KvCacheOptions}.
 *
 * <p>Part of the API: depends only on the API package and the leaf {@code text}; never on the runtime's packages,
 * so an implementation compiles against the API alone.
 */
package dev.isr4j.api;
