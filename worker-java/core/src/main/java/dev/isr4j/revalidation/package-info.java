/**
 * On-demand revalidation by tag or path: the {@link dev.isr4j.Revalidator} handlers get, the
 * {@code POST /__isr/revalidate} endpoint, and the revalidation secret that guards both.
 *
 * <p>Invalidates through {@link dev.isr4j.api.CacheHandler#revalidateTag} and purges downstream through
 * {@link dev.isr4j.api.CachePurger}; it never decides whether an entry is served.
 */
package dev.isr4j.revalidation;
