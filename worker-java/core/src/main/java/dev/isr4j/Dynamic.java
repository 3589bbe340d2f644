package dev.isr4j;

/** How a route's responses may be cached, as Next.js segment config {@code dynamic}. */
public enum Dynamic {
    /** Cached when the route declares {@code revalidate} and the handler reads nothing request-specific. */
    AUTO,
    /**
     * Rendered once and cached without expiry ({@code x-isr-cache: STATIC}, {@code s-maxage=31536000}); the
     * handler sees no request headers, cookies or query, so its output is the same for everyone.
     */
    FORCE_STATIC,
    /**
     * Never cached, whatever {@code revalidate} says; answered with
     * {@code Cache-Control: private, no-cache, no-store, max-age=0, must-revalidate}.
     */
    FORCE_DYNAMIC
}
