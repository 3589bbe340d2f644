package dev.isr4j.api;

import dev.isr4j.Body;
import dev.isr4j.Headers;

/**
 * What a cache entry holds for a route: the response's status, stored headers and body, and for a page its
 * props JSON (what {@code /_isr/data/<path>.json} answers from the same entry), which a {@link CacheHandler}
 * stores with the rest; null for every other entry.
 */
public record CacheValue(int status, Headers headers, Body body, String props) {
    /** A value without page props (a route handler's response, a cached function's result). */
    public CacheValue(int status, Headers headers, Body body) {
        this(status, headers, body, null);
    }

    /** The same value with another body (the props stay). */
    public CacheValue withBody(Body newBody) {
        return new CacheValue(status, headers, newBody, props);
    }

    /** The same value with other headers (the props stay). */
    public CacheValue withHeaders(Headers newHeaders) {
        return new CacheValue(status, newHeaders, body, props);
    }
}
