package dev.isr4j.cache;

import dev.isr4j.Body;
import dev.isr4j.Env;
import dev.isr4j.Fetcher;
import dev.isr4j.Headers;
import dev.isr4j.Json;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.api.CachePurger;
import dev.isr4j.api.Log;
import dev.isr4j.text.Text;
import java.util.ArrayList;
import java.util.List;

/**
 * Cloudflare's purge-by-tag API for one zone: {@code POST <api>/zones/<zone id>/purge_cache} with
 * {@code {"tags":[...]}}, at most {@value #BATCH} tags per call, retrying 429 and 5xx answers with backoff
 * (honouring {@code Retry-After}) within a budget that ends well before {@code waitUntil}'s 30 s. What it
 * could not purge is logged; it never throws.
 *
 * <p>Configured from the environment: {@code CACHE_PURGE_ZONE_ID} (a var) and {@code CACHE_PURGE_API_TOKEN}
 * (a secret: {@code wrangler secret put CACHE_PURGE_API_TOKEN}; the token needs the Zone / Cache Purge
 * permission). {@code CACHE_PURGE_API_BASE} overrides the API address (tests point it at a local server).
 */
public final class CloudflareZonePurger implements CachePurger {
    public static final String ZONE_VAR = "CACHE_PURGE_ZONE_ID";
    public static final String TOKEN_VAR = "CACHE_PURGE_API_TOKEN";
    public static final String API_BASE_VAR = "CACHE_PURGE_API_BASE";
    public static final String DEFAULT_API_BASE = "https://api.cloudflare.com/client/v4";
    /** Tags per call: the strictest limit Cloudflare has published (plans today accept up to 100). */
    public static final int BATCH = 30;
    static final int MAX_ATTEMPTS = 5;
    /** Total time spent waiting between retries of one batch. */
    static final long RETRY_BUDGET_MILLIS = 15_000;
    private static final long MAX_SINGLE_WAIT_MILLIS = 8_000;

    /** Waits between retries; {@code Thread::sleep} in workerd (a green thread waits, the isolate does not). */
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final Fetcher fetcher;
    private final String endpoint;
    private final String zoneId;
    private final String token;
    private final Log log;
    private final Sleeper sleeper;

    public CloudflareZonePurger(Fetcher fetcher, String apiBase, String zoneId, String token, Log log,
                                Sleeper sleeper) {
        this.fetcher = fetcher;
        this.zoneId = zoneId;
        this.token = token;
        this.log = log;
        this.sleeper = sleeper;
        String base = apiBase.endsWith("/") ? apiBase.substring(0, apiBase.length() - 1) : apiBase;
        this.endpoint = base + "/zones/" + zoneId + "/purge_cache";
    }

    /**
     * The purger the environment configures, or null when neither variable is set. Throws
     * {@link IllegalArgumentException} saying what to change when only one is set or the zone id is malformed.
     */
    public static CloudflareZonePurger fromEnv(Env env) {
        String zone = env.var(ZONE_VAR);
        String token = env.var(TOKEN_VAR);
        boolean hasZone = zone != null && !zone.isEmpty();
        boolean hasToken = token != null && !token.isEmpty();
        if (!hasZone && !hasToken) {
            return null;
        }
        if (!hasZone || !hasToken) {
            throw new IllegalArgumentException("downstream purging needs both " + ZONE_VAR + " (a var in "
                    + "wrangler.jsonc) and " + TOKEN_VAR + " (wrangler secret put " + TOKEN_VAR + "); only "
                    + (hasZone ? ZONE_VAR : TOKEN_VAR) + " is set");
        }
        if (zone.length() != 32 || !isHex(zone)) {
            throw new IllegalArgumentException(ZONE_VAR + " must be the zone's 32-character hex id (dashboard: "
                    + "Overview, API section), got \"" + zone + "\"");
        }
        String base = env.var(API_BASE_VAR);
        if (base != null && !base.isEmpty() && !(base.startsWith("https://") || base.startsWith("http://"))) {
            throw new IllegalArgumentException(API_BASE_VAR + " must be an http(s) URL, got \"" + base + "\"");
        }
        return new CloudflareZonePurger(env.fetcher(), base == null || base.isEmpty() ? DEFAULT_API_BASE : base,
                zone, token, env.log(), Thread::sleep);
    }

    @Override
    public void purge(List<String> cacheTags) {
        for (int from = 0; from < cacheTags.size(); from += BATCH) {
            List<String> batch = cacheTags.subList(from, Math.min(cacheTags.size(), from + BATCH));
            String failure = purgeBatch(batch);
            if (failure != null) {
                log.error("could not purge Cache-Tag " + batch + " from Cloudflare zone " + zoneId + ": " + failure
                        + "; downstream copies stay until their s-maxage ends", null);
            }
        }
    }

    /** Null on success, else why it failed. */
    private String purgeBatch(List<String> tags) {
        var array = Json.array();
        tags.forEach(array::add);
        String body = Json.object().put("tags", array).toJson();
        long waited = 0;
        String problem = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            long wait;
            try {
                Response r = fetcher.fetch(Request.builder("POST", endpoint)
                        .headers(Headers.of("authorization", "Bearer " + token,
                                "content-type", "application/json"))
                        .body(Body.of(body))
                        .build());
                if (r.status() >= 200 && r.status() < 300) {
                    return null;
                }
                problem = "HTTP " + r.status() + " " + abbreviate(r.text());
                if (r.status() != 429 && r.status() < 500) {
                    return problem; // a request Cloudflare refuses (bad token, bad zone) will not pass on retry
                }
                wait = retryAfter(r.header("retry-after"), attempt);
            } catch (RuntimeException e) {
                problem = "request failed: " + e.getMessage();
                wait = backoff(attempt);
            }
            if (attempt == MAX_ATTEMPTS || waited + wait > RETRY_BUDGET_MILLIS) {
                break;
            }
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return problem + " (interrupted)";
            }
            waited += wait;
        }
        return problem + " after retries";
    }

    /** {@code Retry-After} in seconds when given (capped), else exponential backoff. */
    static long retryAfter(String header, int attempt) {
        if (header != null) {
            try {
                long seconds = Long.parseLong(header.trim());
                if (seconds >= 0) {
                    return Math.min(seconds * 1000, MAX_SINGLE_WAIT_MILLIS);
                }
            } catch (NumberFormatException e) {
                // an HTTP-date or garbage: fall back to our own schedule
            }
        }
        return backoff(attempt);
    }

    private static long backoff(int attempt) {
        return Math.min(500L << (attempt - 1), MAX_SINGLE_WAIT_MILLIS);
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Text.hexValue(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }
}
