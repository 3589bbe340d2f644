/**
 * The user's API, flat like moshi's: {@link dev.isr4j.App} (the front door), route and page builders, the
 * request and response model, {@link dev.isr4j.Env} and the small interfaces a handler does I/O through
 * ({@link dev.isr4j.Kv}, {@link dev.isr4j.Fetcher}, {@link dev.isr4j.JsonCodec}), cached functions and
 * on-demand revalidation.
 *
 * <p>Knows nothing of TeaVM or JS; how a request is routed, cached and stored lives in the runtime's packages.
 * What the runtime reads from these types beyond what a handler sees (an app's routes, a request's scope, a page
 * answer's props) goes through {@code dev.isr4j.routing.ApiAccess}, never through a public method.
 */
package dev.isr4j;
