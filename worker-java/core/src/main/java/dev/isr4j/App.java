package dev.isr4j;

import dev.isr4j.api.CacheHandler;
import dev.isr4j.api.CachePurger;
import dev.isr4j.api.KvCacheOptions;
import dev.isr4j.text.Text;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The front door: an application is its routes plus ISR settings.
 *
 * <pre>{@code
 * App app = App.create();
 * app.route("/api/posts/{id}").revalidate(60).tags("post-{id}", "posts")
 *    .get(req -> Response.json(Json.object().put("id", req.param("id"))));
 * app.route("/api/echo").post(req -> Response.bytes(req.body().bytes(), "text/plain"));
 * }</pre>
 *
 * Mistakes in route declarations (malformed pattern, invalid tag, duplicate route) throw at once with a
 * message saying what to change, so they fail when the app is built, not on a request.
 */
public final class App {
    /** One year, as in Next.js: how long a stale entry may still be served while it regenerates. */
    public static final long DEFAULT_EXPIRE_SECONDS = 31_536_000L;

    private final List<Route> routes = new ArrayList<>();
    private final List<CachedFunction<?>> cachedFunctions = new ArrayList<>();
    private final Map<String, CacheProfile> profiles = CacheProfile.builtIns();
    private long expireSeconds = DEFAULT_EXPIRE_SECONDS;
    private String buildId = "";
    private CacheHandler cacheHandler;
    private CachePurger cachePurger;
    private KvCacheOptions kvOptions = KvCacheOptions.defaults();
    private String notFoundPage = DEFAULT_NOT_FOUND_PAGE;

    /** The 404 page until {@link #notFoundPage(String)} replaces it. */
    static final String DEFAULT_NOT_FOUND_PAGE = "<!doctype html><html><head><meta charset=\"utf-8\"><title>404: "
            + "This page could not be found</title></head><body><h1>404 - This page could not be found.</h1></body>"
            + "</html>";

    private App() {
    }

    public static App create() {
        return new App();
    }

    /** Declares a route; add its options and its method handlers on the returned builder. */
    public RouteBuilder route(String pattern) {
        return new RouteBuilder(declare(pattern));
    }

    /** Declares a page route (props, renderer, static paths, fallback); see {@link PageBuilder}. */
    public PageBuilder page(String pattern) {
        Route route = declare(pattern);
        var page = new Page(pattern);
        route.page(page);
        return new PageBuilder(route, page);
    }

    private Route declare(String pattern) {
        var route = new Route(pattern);
        for (var r : routes) {
            if (r.pattern().equals(pattern)) {
                throw new IllegalArgumentException("Route " + pattern + " is declared twice; add every method to one route");
            }
        }
        routes.add(route);
        return route;
    }

    /**
     * How long after a write an entry may still be served stale (seconds, default one year). Responses carry
     * {@code stale-while-revalidate=expire - revalidate}.
     */
    public App expire(long seconds) {
        if (seconds < 1) {
            throw new IllegalArgumentException("expire must be at least 1 second, got " + seconds);
        }
        this.expireSeconds = seconds;
        return this;
    }

    /** A deployment id that scopes cache keys, so a new build never serves an old build's entries. */
    public App buildId(String buildId) {
        if (!Text.isWord(buildId, "._-", 0, 64)) {
            throw new IllegalArgumentException("buildId must be up to 64 characters of letters, digits, '.', '_' "
                    + "or '-', got: " + buildId);
        }
        this.buildId = buildId;
        return this;
    }

    /** Replaces the runtime's default cache handler (KV when bound, otherwise in memory). */
    public App cacheHandler(CacheHandler handler) {
        this.cacheHandler = handler;
        return this;
    }

    /**
     * Purges downstream copies (a CDN's) after every tag or path revalidation. Without one, isr4j uses
     * Cloudflare's purge-by-tag API when {@code CACHE_PURGE_ZONE_ID} and {@code CACHE_PURGE_API_TOKEN} are set.
     */
    public App cachePurger(CachePurger purger) {
        this.cachePurger = purger;
        return this;
    }

    /** The purger set with {@link #cachePurger}, or null for the environment's (or none). */
    public CachePurger cachePurger() {
        return cachePurger;
    }

    /**
     * The HTML of every 404 page of the app, whatever produced it: a page's {@code Props.notFound()} (cached like
     * the page), a path no route matches and an unlisted path of a {@code Fallback.NONE} page (never cached).
     * Those last two get it when the client accepts {@code text/html} (a browser); other clients (an API
     * caller's {@code fetch}, {@code curl}) and {@code /_isr/data/} get a short {@code text/plain} "Not Found".
     * A 404 a handler returns itself is left as it is.
     */
    public App notFoundPage(String html) {
        if (html == null || html.isEmpty()) {
            throw new IllegalArgumentException("notFoundPage needs the HTML of the 404 page, got "
                    + (html == null ? "null" : "an empty string"));
        }
        this.notFoundPage = html;
        return this;
    }

    /** The 404 page's HTML (a plain default until {@link #notFoundPage(String)} sets one). */
    public String notFoundPage() {
        return notFoundPage;
    }

    /** Options of the Workers KV cache used when {@code CACHE_KV} is bound (key prefix, TTL, tag cache time). */
    public App kvOptions(KvCacheOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("kvOptions(null): pass KvCacheOptions.defaults() or a variant");
        }
        this.kvOptions = options;
        return this;
    }

    public KvCacheOptions kvOptions() {
        return kvOptions;
    }

    /**
     * Adds (or replaces) a named cache profile for {@link CachedFunction#cacheLife}, {@link CacheScope#cacheLife}
     * and {@link RouteBuilder#cacheLife}.
     */
    public App cacheProfile(String name, long staleSeconds, long revalidateSeconds, long expireSeconds) {
        profiles.put(name, new CacheProfile(name, staleSeconds, revalidateSeconds, expireSeconds));
        return this;
    }

    /** Built-in and custom cache profiles by name. */
    public Map<String, CacheProfile> cacheProfiles() {
        return Collections.unmodifiableMap(profiles);
    }

    /** Declares a cached function returning text (JSON or anything else) or null. */
    public CachedFunction<String> cachedText(String name, CachedFunction.Computation<String> computation) {
        return declare(new CachedFunction<>(name, computation, false));
    }

    /**
     * Declares a cached function returning a {@code type}: a {@link dev.isr4j.bind.Jsonable} record or class (or a
     * string, number or boolean box), stored as its JSON and read back as the record on every call.
     */
    public <T> CachedFunction<T> cached(String name, Class<T> type, CachedFunction.Computation<T> computation) {
        if (type == null) {
            throw new IllegalArgumentException("cached function '" + name + "' needs its value's class");
        }
        return declare(new CachedFunction<>(name, computation, false, type));
    }

    /** Declares a cached function returning bytes or null. */
    public CachedFunction<byte[]> cachedBytes(String name, CachedFunction.Computation<byte[]> computation) {
        return declare(new CachedFunction<>(name, computation, true));
    }

    private <T> CachedFunction<T> declare(CachedFunction<T> function) {
        for (var d : cachedFunctions) {
            if (d.name().equals(function.name())) {
                throw new IllegalArgumentException("cached function '" + function.name() + "' is declared twice");
            }
        }
        cachedFunctions.add(function);
        return function;
    }

    /** The declared cached functions in declaration order (what the runtime serves). */
    public List<CachedFunction<?>> cachedFunctions() {
        return Collections.unmodifiableList(cachedFunctions);
    }

    /** The declared routes and pages in declaration order (what the runtime serves). */
    public List<Route> routes() {
        return Collections.unmodifiableList(routes);
    }

    public long expireSeconds() {
        return expireSeconds;
    }

    public String buildId() {
        return buildId;
    }

    /** The handler set with {@link #cacheHandler}, or null for the runtime's default. */
    public CacheHandler cacheHandler() {
        return cacheHandler;
    }
}
