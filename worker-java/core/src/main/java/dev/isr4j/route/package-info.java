/**
 * A declared route as the runtime serves it: {@link dev.isr4j.route.RouteSpec} (a {@link dev.isr4j.Route} with its
 * cache-life profile applied and its tags filled in per path), {@link dev.isr4j.route.PageSpec} (a {@link
 * dev.isr4j.Page}'s checks and GET handler: props, renderer, not-found, redirects, static paths, fallback modes),
 * and {@link dev.isr4j.route.RequestScope}, what the runtime binds to a request while a route handles it (the API's
 * {@link dev.isr4j.spi.RequestContext}, plus what the data it used implies for its entry).
 *
 * <p>Below the ISR state machine, the data cache and the dispatcher, which all read it; imports only the API and
 * the leaves.
 */
package dev.isr4j.route;
