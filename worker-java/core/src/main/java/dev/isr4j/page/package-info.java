/**
 * Pages: a page's declaration and GET handler (props, renderer, not-found, redirects, static paths, fallback
 * modes), crawler detection for SHOW_FALLBACK, and build-time prerendering ({@link dev.isr4j.page.Prerenderer}
 * renders the bundle through the dispatcher, {@link dev.isr4j.page.Prerendered} reads it back).
 *
 * <p>A page is a route whose GET renders props: its caching is {@code dev.isr4j.isr}'s and its stored form
 * {@code dev.isr4j.store}'s; nothing here decides whether an answer comes from a cache.
 */
package dev.isr4j.page;
