/**
 * On-demand revalidation by tag or path: the {@link dev.isr4j.Revalidator} handlers get and the
 * {@code POST /__isr/revalidate} endpoint (its secret is checked by the API's {@code
 * Request.hasRevalidationSecret}, the same check {@code Handler.withRevalidationSecret} makes).
 *
 * <p>Invalidates through {@link dev.isr4j.api.CacheHandler#revalidateTag} and purges downstream through
 * {@link dev.isr4j.api.CachePurger}; it never decides whether an entry is served.
 */
package dev.isr4j.revalidation;
