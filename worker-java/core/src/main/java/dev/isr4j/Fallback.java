package dev.isr4j;

/** What a page route does for a path its static paths do not list, as Next.js {@code fallback}. */
public enum Fallback {
    /** Only the listed paths exist; every other path is a 404. */
    NONE,
    /** An unlisted path is rendered on demand (the first visitor waits), cached, then served with ISR. */
    BLOCKING,
    /**
     * An unlisted path is answered at once with the page's fallback HTML (never cached as the page) while the
     * page renders in the background; later requests get the real page.
     */
    SHOW_FALLBACK
}
