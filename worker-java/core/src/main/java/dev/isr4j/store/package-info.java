/**
 * What names and what is stored, each defined once and stable across releases: cache keys and storage keys
 * ({@link dev.isr4j.store.CacheKeys}), the KV entry format
 * ({@link dev.isr4j.store.KvEntryFormat}) and what a stored entry may hold to be served
 * ({@link dev.isr4j.store.StoredEntries}).
 *
 * <p>Pure functions over values: no I/O, no clock, no decision about freshness. The cache handlers that do the
 * storing live in {@code dev.isr4j.cache}.
 */
package dev.isr4j.store;
