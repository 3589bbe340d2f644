/**
 * Many isolates, one coordinator: the {@code IsrCoordinator} Durable Object's Java side
 * ({@link dev.isr4j.coord.CoordinatorObject}), the client an isolate calls it through, regeneration leases and
 * tag records kept in it, and an in-process coordinator for the test kit.
 *
 * <p>A hint, never the truth: every call is bounded, and an isolate that cannot reach it degrades to its own
 * deduplication rather than failing a request.
 */
package dev.isr4j.coord;
