/**
 * What pages need beyond their route: crawler detection for SHOW_FALLBACK ({@link dev.isr4j.page.Crawlers}) and
 * the bundle of pages prerendered at build time ({@link dev.isr4j.page.Prerendered} reads it back; {@code
 * dev.isr4j.runtime.Prerenderer} writes it through the dispatcher). A page's declaration and GET handler, as the
 * runtime serves it, is {@code dev.isr4j.route.PageSpec}.
 *
 * <p>A page is a route whose GET renders props: its caching is {@code dev.isr4j.isr}'s and its stored form
 * {@code dev.isr4j.store}'s; nothing here decides whether an answer comes from a cache.
 */
package dev.isr4j.page;
