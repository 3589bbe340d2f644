/**
 * How the API reaches the runtime: the small interfaces the runtime implements for it, as SLF4J's binding or
 * JAX-RS's {@code RuntimeDelegate}. A request carries its {@link dev.isr4j.spi.RequestContext} (background work,
 * revalidation, cached functions); a cached computation's scope is a {@link dev.isr4j.spi.ComputationContext}.
 *
 * <p>What the runtime reads the other way, the app's declarations, is plain data on the API's types ({@code
 * App.routes()}, {@link dev.isr4j.Route}, {@link dev.isr4j.Page}, {@link dev.isr4j.CachedFunction}): the API
 * imports nothing of the runtime, and no internal type appears in its signatures ({@code ArchitectureTest}).
 */
package dev.isr4j.spi;
