package dev.isr4j.api;

import dev.isr4j.Body;
import dev.isr4j.Headers;

/** What a cache entry holds for a route: the response's status, stored headers and body. */
public record CacheValue(int status, Headers headers, Body body) {
}
