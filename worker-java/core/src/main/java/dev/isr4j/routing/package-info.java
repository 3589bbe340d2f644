/**
 * From request to route: the {@link dev.isr4j.routing.Dispatcher} compiles an app's declarations at start
 * ({@code dev.isr4j.route}), matches a request's canonical path ({@code dev.isr4j.text.Router}), binds it to its
 * {@code RequestScope} and applies HTTP method semantics (404, 405 + Allow, automatic HEAD and OPTIONS, data
 * routes, error containment).
 *
 * <p>Decides nothing about caching: a matched ISR route is handed to {@code dev.isr4j.isr}, which alone decides
 * MISS, HIT or STALE (and whose rules every answer follows on its way out). The top of the request path: nothing
 * below imports it but the runtime's doors.
 */
package dev.isr4j.routing;
