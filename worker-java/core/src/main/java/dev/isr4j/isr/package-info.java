/**
 * The ISR state machine: {@link dev.isr4j.isr.RouteCache} is the only place that decides MISS, HIT, STALE or
 * STATIC, with one deduplicated regeneration per key ({@link dev.isr4j.isr.SingleFlight}), background writes
 * that settle only when durable, and the headers that tell caches downstream the truth (Cache-Control, Age,
 * Cache-Status, Cache-Tag, ETag, Last-Modified, 304s).
 *
 * <p>Talks to storage only through {@link dev.isr4j.api.CacheHandler}; never reads KV, the entry format or
 * a store directly.
 */
package dev.isr4j.isr;
