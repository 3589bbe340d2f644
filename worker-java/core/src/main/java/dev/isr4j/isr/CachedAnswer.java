package dev.isr4j.isr;

import dev.isr4j.Headers;
import dev.isr4j.Response;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The headers that tell caches downstream (CDN, proxy, browser) the truth about an answer isr4j served from,
 * or wrote to, its cache (RFC 9111, RFC 9211), and the rules every other answer follows.
 */
public final class CachedAnswer {
    /** What Next.js sends for dynamic output: nobody may store it or reuse it without asking. */
    public static final String NO_STORE = "private, no-cache, no-store, max-age=0, must-revalidate";
    /** A response that sets a cookie belongs to one user, whatever else is true of it. */
    public static final String PRIVATE_NO_STORE = "private, no-store";
    /**
     * The largest delta-seconds sent (RFC 9111 section 1.2.2: a cache receiving a larger one uses 2^31 - 1, and
     * some parse it into 32 bits): every s-maxage, stale-while-revalidate, Age and Cache-Status ttl is capped here.
     */
    public static final long MAX_DELTA_SECONDS = 2_147_483_647L;
    /** The {@code Cache-Status} of an answer from the cache, up to its remaining freshness in seconds. */
    public static final String HIT_STATUS_PREFIX = "isr4j; hit; ttl=";

    private CachedAnswer() {
    }

    /**
     * @param state {@code HIT}, {@code STALE}, {@code STATIC} or {@code MISS} (the {@code x-isr-cache} value)
     * @param age seconds since the entry was written, or -1 for an answer just rendered (no {@code Age})
     * @param sMaxAge freshness lifetime for shared caches
     * @param swr how long past that a shared cache may serve it while revalidating (0: not sent)
     * @param cacheStatus the RFC 9211 {@code Cache-Status} value
     * @param tags the entry's tags, sent as {@code Cache-Tag}
     */
    public static Response decorate(Response response, String state, long age, long sMaxAge, long swr, String cacheStatus,
                             List<String> tags) {
        String cacheControl = "s-maxage=" + deltaSeconds(sMaxAge)
                + (swr > 0 ? ", stale-while-revalidate=" + deltaSeconds(swr) : "");
        var fields = new ArrayList<String>(10);
        Collections.addAll(fields, RouteCache.X_ISR_CACHE, state, "cache-control", cacheControl,
                RouteCache.CACHE_STATUS, cacheStatus);
        if (age >= 0) {
            Collections.addAll(fields, "age", Long.toString(deltaSeconds(age)));
        }
        String cacheTag = CacheTagHeader.value(tags);
        if (cacheTag != null) {
            Collections.addAll(fields, CacheTagHeader.NAME, cacheTag);
        }
        // One copy of the response's fields, not one per replaced field.
        return response.withHeaders(response.headers().withAll(Headers.of(fields.toArray(new String[0]))));
    }

    /** A delta-seconds value as sent: not negative, at most {@link #MAX_DELTA_SECONDS}. */
    static long deltaSeconds(long seconds) {
        return Math.max(0, Math.min(seconds, MAX_DELTA_SECONDS));
    }

    /**
     * The RFC 9211 {@code Cache-Status} of an answer from the cache: {@code ttl} is its remaining freshness,
     * negative once stale, at most {@link #MAX_DELTA_SECONDS} either way.
     */
    static String hitStatus(long ttl) {
        return HIT_STATUS_PREFIX + Math.max(-MAX_DELTA_SECONDS, Math.min(ttl, MAX_DELTA_SECONDS));
    }

    /** True for an answer that came from, or went into, isr4j's cache. */
    public static boolean isCached(Response response) {
        String state = response.header(RouteCache.X_ISR_CACHE);
        return state != null && !state.equals("FALLBACK");
    }
}
