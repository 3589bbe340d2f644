package dev.isr4j.isr;

import dev.isr4j.Body;
import dev.isr4j.Headers;
import dev.isr4j.Response;
import java.util.Map;

/** Conditional GET and HEAD (RFC 9110 section 13) against a cached answer's validators. */
public final class Conditional {
    /** What a 304 keeps of the 200 it stands for (RFC 9110 section 15.4.5, plus isr4j's own state). */
    private static final String[] KEPT = {"cache-control", "etag", "last-modified", "age", "vary", "expires",
            "content-location", "date", RouteCache.CACHE_STATUS, RouteCache.X_ISR_CACHE, CacheTagHeader.NAME};

    private Conditional() {
    }

    /**
     * True when the client's copy is current: {@code If-None-Match} decides when present (weak comparison);
     * only without it does {@code If-Modified-Since} count, and only when it is a valid HTTP-date.
     */
    public static boolean notModified(String ifNoneMatch, String ifModifiedSince, String etag, String lastModified) {
        if (ifNoneMatch != null) {
            return Etags.noneMatchHits(ifNoneMatch, etag);
        }
        if (ifModifiedSince == null || lastModified == null) {
            return false;
        }
        long since = HttpDates.parse(ifModifiedSince);
        long modified = HttpDates.parse(lastModified);
        return since >= 0 && modified >= 0 && modified <= since;
    }

    public static Response notModifiedResponse(Response full) {
        var kept = new java.util.ArrayList<Map.Entry<String, String>>();
        for (var field : full.headers().entries()) {
            for (String name : KEPT) {
                if (field.getKey().equals(name)) {
                    kept.add(field);
                    break;
                }
            }
        }
        return Response.of(304, Headers.of(kept), Body.EMPTY);
    }
}
