/**
 * Pages: a page's declaration and GET handler (props, renderer, not-found, redirects, static paths, fallback
 * modes), crawler detection for SHOW_FALLBACK, and build-time prerendering ({@link dev.isr4j.page.Prerenderer}
 * writes the bundle, {@link dev.isr4j.page.Prerendered} reads it back).
 *
 * <p>A page is a route whose GET renders props: its caching is {@code dev.isr4j.isr}'s, its stored form
 * {@code dev.isr4j.store}'s; nothing here reads or writes a cache.
 */
package dev.isr4j.page;
