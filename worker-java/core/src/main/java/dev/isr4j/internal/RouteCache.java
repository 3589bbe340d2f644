package dev.isr4j.internal;

import dev.isr4j.Handler;
import dev.isr4j.Headers;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.CacheHandler;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.api.CacheValue;
import dev.isr4j.api.Clock;
import dev.isr4j.api.EarlyRead;
import dev.isr4j.api.Log;
import dev.isr4j.cache.KvCacheHandler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * ISR for one route's GET: HIT (stored response, handler not run), STALE (stored response at once, one
 * deduplicated background regeneration), MISS (handler runs, response stored in the background).
 * A broken cache never fails a request: every cache error is logged and the handler answers instead.
 */
public final class RouteCache {
    public static final String X_ISR_CACHE = "x-isr-cache";
    public static final String CACHE_STATUS = "cache-status";
    /** Headers that describe one delivery, or belong to one user: never stored. */
    static final String[] NOT_STORED = {X_ISR_CACHE, CACHE_STATUS, "cache-control", "set-cookie", "age",
            CacheTagHeader.NAME};

    private final CacheHandler handler;
    private final Log log;
    private final Clock clock;
    private final long expireSeconds;
    private final String buildId;
    /** FORCE_STATIC entries: cached "without expiry" (a century), advertised for a year. */
    static final long STATIC_SECONDS = 31_536_000L;
    private static final long STATIC_STORE_SECONDS = 100 * STATIC_SECONDS;

    private final SingleFlight regenerations;
    /** Prerendered keys this isolate has handed to the cache; the bundle is not used for them again. */
    /**
     * Prerendered keys this isolate has started handing to the cache: false while the install write is in
     * flight (the bundled copy is still what this isolate serves, so no request renders it meanwhile), true once
     * the cache has it (the bundle is not used for it again).
     */
    private final Map<String, Boolean> installed = new HashMap<>();
    private final Map<String, CacheEntry> prerendered;

    public RouteCache(CacheHandler handler, Log log, Clock clock, long expireSeconds, String buildId,
                      Map<String, CacheEntry> prerendered) {
        this.handler = handler;
        this.log = log;
        this.clock = clock;
        this.expireSeconds = expireSeconds;
        this.buildId = buildId;
        this.prerendered = prerendered == null ? Map.of() : prerendered;
        this.regenerations = new SingleFlight(log);
    }

    public String keyFor(String path) {
        return CacheKeys.routeKey(path, buildId);
    }

    /** The cache key of a path under a route: pages under {@code pages:}, route handlers under {@code app:}. */
    public String keyFor(RouteSpec route, String path) {
        return route.page() != null ? CacheKeys.pageKey(path, buildId) : CacheKeys.routeKey(path, buildId);
    }

    /** True while a background regeneration for this key is running (at most one per key per isolate). */
    public boolean isRegenerating(String key) {
        return regenerations.isRunning(key);
    }

    /**
     * @param showFallback answer a MISS with the page's fallback HTML and render in the background
     *                     (SHOW_FALLBACK for a path the page does not list)
     */
    Response serve(RouteSpec route, Handler routeHandler, Request request, Map<String, String> params,
                   BackgroundWork background, boolean showFallback) throws Exception {
        boolean isStatic = route.dynamic() == dev.isr4j.Dynamic.FORCE_STATIC;
        if (isStatic) {
            request = clean(request, params); // FORCE_STATIC: the same output for everyone
        }
        String key = keyFor(route, request.path());
        EarlyRead.Found early = request.scope().earlyRead();
        CacheLookup lookup;
        try {
            lookup = early != null && early.read().cacheKey().equals(key)
                    ? handler.lookup(early, background) : handler.get(key, background);
            if (lookup == null) {
                lookup = CacheLookup.MISS;
            }
        } catch (RuntimeException e) {
            log.error("cache read failed for " + key + "; running the handler", e);
            lookup = CacheLookup.MISS;
        }
        long expire = expireOf(route);
        if (lookup.absent() && prerendered.containsKey(key) && !isInstalled(key)) {
            Response bundled = servePrerendered(key, prerendered.get(key), route, routeHandler, request, params,
                    background, isStatic, expire);
            if (bundled != null) {
                return bundled;
            }
        }
        if (isStatic && (lookup.state() == CacheLookup.State.FRESH || lookup.state() == CacheLookup.State.STALE)) {
            return served(lookup.entry(), "STATIC", route, ageOf(lookup.entry()));
        }
        switch (lookup.state()) {
            case FRESH:
                return served(lookup.entry(), "HIT", route, ageOf(lookup.entry()));
            case STALE:
                startRegeneration(key, route, routeHandler, request, params, background);
                return served(lookup.entry(), "STALE", route, ageOf(lookup.entry()));
            case CORRUPT:
                log.warn("unreadable cache entry " + key + " is treated as a miss");
                break;
            default:
                break;
        }
        boolean corrupt = lookup.state() == CacheLookup.State.CORRUPT;
        // Another path's entry holds this key's storage slot (hash collision): answer uncached, leave it be.
        boolean occupied = lookup == CacheLookup.OCCUPIED;
        if (showFallback && !occupied) {
            startRegeneration(key, route, routeHandler, request, params, background);
            return fallbackResponse(route);
        }
        Response response;
        try {
            response = routeHandler.handle(request);
        } catch (Exception e) {
            if (corrupt) {
                deleteLater(key, background);
            }
            throw e;
        }
        if (!cacheable(route, request, response)) {
            if (corrupt) {
                deleteLater(key, background);
            }
            return response;
        }
        if (occupied) {
            // Another key's entry holds this key's storage slot: answered (shareable, it is the same for everyone)
            // but not stored, so the other owner's entry is never overwritten.
            CacheValue value = toValue(response, clock.millis());
            var options = options(route, request, params);
            long n = isStatic ? STATIC_SECONDS : options.revalidateSeconds();
            return CachedAnswer.decorate(withSetCookies(value.headers(), response), isStatic ? "STATIC" : "MISS", -1,
                    n, isStatic ? 0 : Math.max(0, expire - n), "isr4j; fwd=miss", options.tags());
        }
        // From here the MISS write replaces an unreadable entry; deleting it as well could race the write.
        CacheValue value = hosted(toValue(response, clock.millis()));
        response = response.withBody(value.body()); // answered and stored from the same copy
        var options = options(route, request, params);
        BackgroundWrites.submit(background, () -> write(key, value, options, background), log, "write of " + key);
        long n = isStatic ? STATIC_SECONDS : options.revalidateSeconds();
        return CachedAnswer.decorate(withSetCookies(value.headers(), response), isStatic ? "STATIC" : "MISS", -1, n,
                isStatic ? 0 : Math.max(0, expire - n), "isr4j; fwd=miss; stored", options.tags());
    }

    /** What the client gets: what was stored (with its validators) plus what is never stored (Set-Cookie). */
    private static Response withSetCookies(Headers stored, Response response) {
        Headers sent = stored;
        for (String cookie : response.headers().getAll("set-cookie")) {
            sent = sent.plus("set-cookie", cookie);
        }
        return response.withHeaders(sent);
    }

    /**
     * A page prerendered at build time, bundled with the worker: served as a HIT and written to the cache
     * with this moment as its last write (the deployment is when it goes live), so ISR proceeds from here.
     */
    private Response servePrerendered(String key, CacheEntry entry, RouteSpec route, Handler routeHandler,
                                      Request request, Map<String, String> params, BackgroundWork background,
                                      boolean isStatic, long expire) {
        // Tags revalidated since the build count against the bundled copy, as against any entry.
        CacheLookup.State byTags;
        try {
            byTags = handler.tagState(entry.tags(), entry.lastModified());
        } catch (RuntimeException e) {
            log.error("reading tag state for prerendered " + key + " failed; rendering instead", e);
            return null;
        }
        boolean firstInstall;
        synchronized (installed) {
            firstInstall = !installed.containsKey(key);
            if (firstInstall) {
                installed.put(key, false);
            }
        }
        if (byTags == CacheLookup.State.MISS) {
            markInstalled(key); // invalidated since the build: from now on the cache (or a render) answers
            return null;
        }
        if (byTags == CacheLookup.State.STALE && !isStatic) {
            startRegeneration(key, route, routeHandler, request, params, background);
            return served(entry, "STALE", route, 0);
        }
        long n = isStatic ? STATIC_STORE_SECONDS : revalidateOf(entry, route);
        if (firstInstall) {
            var options = new CacheHandler.SetOptions(n, isStatic ? STATIC_STORE_SECONDS + 1 : expire, entry.tags());
            BackgroundWrites.submit(background, () -> {
                if (write(key, entry.value(), options, background)) {
                    markInstalled(key);
                } else {
                    synchronized (installed) {
                        installed.remove(key); // the next request installs it again
                    }
                }
            }, log, "install of " + key);
        }
        // The deployment is this entry's last write: it is as old as the install, not as the build.
        return served(entry, isStatic ? "STATIC" : "HIT", route, 0);
    }

    /** SHOW_FALLBACK's immediate answer: the page's fallback HTML, never cached anywhere. */
    private static Response fallbackResponse(RouteSpec route) {
        return Response.html(route.page().fallbackHtml())
                .withHeader(X_ISR_CACHE, "FALLBACK")
                .withHeader("cache-control", Dispatcher.NO_STORE)
                .withHeader(CACHE_STATUS, "isr4j; fwd=miss; detail=fallback");
    }

    /** Same path, no query, no headers, no cookies, no client Host, fresh per-request scope. */
    private static Request clean(Request original, Map<String, String> params) {
        // Not the client's Host either: url() reports ISR_ORIGIN when set, else this fixed origin, so nothing a
        // client chose reaches an answer cached for everyone (FORCE_STATIC caches even what reads the URL).
        return Request.builder("GET", CLEAN_ORIGIN + original.path()).env(original.env()).build()
                .withScope(original.scope().fresh()).withRoute("GET", params);
    }

    private static final String CLEAN_ORIGIN = "http://localhost";

    /** Removes an unreadable entry in the background (registered with waitUntil like every write). */
    private void deleteLater(String key, BackgroundWork background) {
        BackgroundWrites.submit(background, () -> BackgroundWrites.awaitDurably(() -> handler.delete(key), background,
                log, "deleting unreadable cache entry " + key + " failed"), log, "deletion of " + key);
    }

    private void startRegeneration(String key, RouteSpec route, Handler routeHandler, Request request,
                                   Map<String, String> params, BackgroundWork background) {
        regenerations.start(key, background, () -> regenerate(key, route, routeHandler, request, params, background));
    }

    private void regenerate(String key, RouteSpec route, Handler routeHandler, Request original,
                            Map<String, String> params, BackgroundWork background) {
        // A clean request: same URL without query, no headers, no cookies: nobody's data can enter the cache.
        Request clean = clean(original, params);
        Response response;
        try {
            response = routeHandler.handle(clean);
        } catch (Throwable e) {
            log.error("regeneration of " + key + " failed; the stale entry stays servable", e);
            return;
        }
        if (response == null || response.status() >= 500) {
            log.warn("regeneration of " + key + " answered "
                    + (response == null ? "null" : String.valueOf(response.status()))
                    + "; the stale entry stays servable");
            return;
        }
        if (!cacheable(route, clean, response)) {
            log.warn("regeneration of " + key + " turned dynamic (read headers, cookies or the query, or set "
                    + "Cache-Control); not stored");
            return;
        }
        write(key, toValue(response, clock.millis()), options(route, clean, params), background);
    }

    /** Awaits the write itself, so the background task (and its waitUntil) settles only once it is durable. */
    private boolean isInstalled(String key) {
        synchronized (installed) {
            return Boolean.TRUE.equals(installed.get(key));
        }
    }

    private void markInstalled(String key) {
        synchronized (installed) {
            installed.put(key, true);
        }
    }

    private boolean write(String key, CacheValue value, CacheHandler.SetOptions options, BackgroundWork background) {
        return BackgroundWrites.awaitDurably(() -> handler.set(key, value, options, background), background, log,
                "cache write failed for " + key + "; the response was served uncached");
    }

    /** The value with its body handed to the runtime once (see {@link CacheHandler#hostBody}). */
    private CacheValue hosted(CacheValue value) {
        try {
            return new CacheValue(value.status(), value.headers(), handler.hostBody(value.body()));
        } catch (RuntimeException e) {
            log.warn("could not hand the body to the runtime (" + e.getMessage() + "); copying it for each use");
            return value;
        }
    }

    private static boolean cacheable(RouteSpec route, Request request, Response response) {
        // FORCE_STATIC handlers read from a clean request: what they read is the same for everyone.
        boolean sameForEveryone = route.dynamic() == dev.isr4j.Dynamic.FORCE_STATIC || !request.isDynamic();
        return sameForEveryone && response.status() < 500 && !response.headers().has("cache-control");
    }

    /**
     * What a response's entry is written with: the route's revalidate, bounded by the smallest revalidate of
     * the cached data the handler used; the route's tags, its path tag, and the tags of that data.
     */
    private CacheHandler.SetOptions options(RouteSpec route, Request request, Map<String, String> params) {
        var resolved = route.resolveTags(params);
        if (resolved.size() < route.tagCount()) {
            log.warn("route " + route.pattern() + ": a tag for " + request.path() + " would contain a reserved "
                    + "character (':' or '\\') or be too long once its parameters are filled in; it is left out");
        }
        var tags = new LinkedHashSet<>(resolved);
        tags.add(CacheKeys.pathTag(request.path()));
        tags.addAll(CacheKeys.layoutTags(request.path()));
        tags.addAll(request.scope().dataTags());
        if (route.dynamic() == dev.isr4j.Dynamic.FORCE_STATIC) {
            return new CacheHandler.SetOptions(STATIC_STORE_SECONDS, STATIC_STORE_SECONDS + 1, new ArrayList<>(tags));
        }
        long own = request.scope().resultRevalidate() > 0 ? request.scope().resultRevalidate() : route.revalidateSeconds();
        long n = Math.min(own, request.scope().dataRevalidateBound());
        return new CacheHandler.SetOptions(n, Math.max(expireOf(route), n + 1), new ArrayList<>(tags));
    }

    private long expireOf(RouteSpec route) {
        return route.expireSeconds(expireSeconds);
    }

    /** The revalidate an entry was written with (it may be shorter than the route's, bounded by its data). */
    private static long revalidateOf(CacheEntry entry, RouteSpec route) {
        long written = entry.revalidateSeconds();
        return written > 0 ? written : Math.max(1, route.revalidateSeconds());
    }

    /**
     * What an entry stores of a response: its status, body and headers except the never-stored ones, plus
     * its validators (a strong ETag of exactly those, and Last-Modified = now) unless the handler set its own.
     */
    static CacheValue toValue(Response response, long now) {
        Headers stored = response.headers().without(NOT_STORED);
        if (!stored.has("etag")) { // before Last-Modified: the same bytes keep their tag when written again
            stored = stored.with("etag", Etags.of(response.status(), stored, response.body()));
        }
        if (!stored.has("last-modified")) {
            stored = stored.with("last-modified", HttpDates.format(now));
        }
        return new CacheValue(response.status(), stored, response.body());
    }

    private long ageOf(CacheEntry entry) {
        return Math.max(0, (clock.millis() - entry.lastModified()) / 1000);
    }

    /**
     * An answer from a stored entry, {@code age} seconds old. Downstream, it stays fresh for s-maxage - Age
     * and may be served stale (while revalidating) until the entry expires here too. A STALE answer has
     * s-maxage=0, so no downstream cache takes it for fresh.
     */
    private Response served(CacheEntry entry, String state, RouteSpec route, long age) {
        var v = entry.value();
        Response response = Response.of(v.status(), v.headers(), v.body());
        long lifetime = Math.max(1, (entry.expireAt() - entry.lastModified()) / 1000);
        if (state.equals("STATIC")) {
            return CachedAnswer.decorate(response, state, age, STATIC_SECONDS, 0,
                    "isr4j; hit; ttl=" + Math.max(0, STATIC_SECONDS - age), entry.tags());
        }
        long n = revalidateOf(entry, route);
        if (state.equals("STALE")) {
            long ttl = -Math.max(1, age - n);
            return CachedAnswer.decorate(response, state, age, 0, lifetime, "isr4j; hit; ttl=" + ttl, entry.tags());
        }
        long ttl = Math.max(0, n - age);
        return CachedAnswer.decorate(response, state, age, n, Math.max(0, lifetime - n), "isr4j; hit; ttl=" + ttl,
                entry.tags());
    }

}
