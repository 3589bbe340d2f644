/**
 * From request to route: the router and route declarations, the canonical spelling of a path, the per-request
 * scope, and the {@link dev.isr4j.routing.Dispatcher}'s HTTP method semantics (404, 405 + Allow, automatic HEAD
 * and OPTIONS, error containment), and {@link dev.isr4j.routing.ApiAccess}, the runtime's door to what the API
 * types keep from users.
 *
 * <p>Decides nothing about caching: a matched ISR route is handed to {@code dev.isr4j.isr}, which alone decides
 * MISS, HIT or STALE (and whose rules every answer follows on its way out).
 */
package dev.isr4j.routing;
