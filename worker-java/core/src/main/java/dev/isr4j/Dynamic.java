package dev.isr4j;

/** How a route's responses may be cached, as Next.js segment config {@code dynamic}. */
public enum Dynamic {
    /** Cached when the route declares {@code revalidate} and the handler reads nothing request-specific. */
    AUTO,
    /** Never cached, whatever {@code revalidate} says. */
    FORCE_DYNAMIC
}
