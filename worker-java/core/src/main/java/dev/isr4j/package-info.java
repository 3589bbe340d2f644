/**
 * The user's API, flat like moshi's: {@link dev.isr4j.App} (the front door), route and page builders and the
 * declarations they make ({@link dev.isr4j.Route}, {@link dev.isr4j.Page}), the request and response model,
 * {@link dev.isr4j.Env} and the small interfaces a handler does I/O through ({@link dev.isr4j.Kv}, {@link
 * dev.isr4j.Fetcher}, {@link dev.isr4j.JsonCodec}), cached functions and on-demand revalidation.
 *
 * <p>Definitions only; knows nothing of TeaVM or JS, and imports nothing of the runtime's packages: only {@code
 * dev.isr4j.spi} (how a request reaches the runtime serving it), {@code dev.isr4j.api} and the leaves {@code
 * text} and {@code json} (checked by {@code ArchitectureTest}). The runtime reads the declarations as plain data
 * and binds each request it serves to its {@link dev.isr4j.spi.RequestContext}.
 */
package dev.isr4j;
