package dev.isr4j.routing;

import dev.isr4j.data.DataCache;
import dev.isr4j.isr.CachedAnswer;
import dev.isr4j.isr.RouteCache;
import dev.isr4j.isr.Ticket;
import dev.isr4j.page.Crawlers;
import dev.isr4j.route.PageSpec;
import dev.isr4j.route.RequestScope;
import dev.isr4j.route.RouteSpec;
import dev.isr4j.revalidation.CacheRevalidator;
import dev.isr4j.revalidation.RevalidateEndpoint;
import dev.isr4j.text.CanonicalPath;
import dev.isr4j.text.Router;
import dev.isr4j.App;
import dev.isr4j.Body;
import dev.isr4j.Env;
import dev.isr4j.Fallback;
import dev.isr4j.Handler;
import dev.isr4j.Headers;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.Revalidator;
import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.CacheHandler;
import dev.isr4j.api.CachePurger;
import dev.isr4j.cache.CloudflareZonePurger;
import dev.isr4j.cache.WorkersCachePurger;
import dev.isr4j.api.Clock;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.api.EarlyRead;
import dev.isr4j.api.Log;
import dev.isr4j.api.RevalidationListener;
import dev.isr4j.api.WorkersCache;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a request into a response: routing, HTTP method semantics (404, 405 + Allow, automatic HEAD and
 * OPTIONS), error containment (a throwing handler is a 500, the isolate keeps serving) and, for ISR routes,
 * the {@link RouteCache}.
 */
public final class Dispatcher {
    public static final String ISR_MODE = "ISR_MODE";
    /** Where a page's props are served: {@code /_isr/data/<path>.json}. */
    public static final String DATA_PREFIX = "/_isr/data/";
    public static final String NO_STORE = CachedAnswer.NO_STORE;

    private final Router<RouteSpec> router = new Router<>();
    /** The app's routes as served, in declaration order. */
    private final List<RouteSpec> routes;
    private final RouteCache cache;
    private final CacheRevalidator revalidator;
    private final CachePurger appPurger;
    private Env purgerEnv;
    private CachePurger envPurger;
    private final CacheHandler cacheHandler;
    private final DataCache dataCache;
    private final Log log;
    private final String notFoundPage;
    private final Clock clock;
    /** Told of every revalidation this isolate makes, before it is written and once it has been. */
    private volatile RevalidationListener revalidationListener = RevalidationListener.NONE;

    public Dispatcher(App app, CacheHandler cacheHandler, Log log) {
        this(app, cacheHandler, log, Map.of());
    }

    public Dispatcher(App app, CacheHandler cacheHandler, Log log, Map<String, CacheEntry> prerendered) {
        this(app, cacheHandler, log, prerendered, Clock.SYSTEM);
    }

    /**
     * @param prerendered entries rendered at build time, by cache key, served as HITs until the cache has its own
     * @param clock the time answers' {@code Age} is measured with (the cache handler's clock)
     */
    public Dispatcher(App app, CacheHandler cacheHandler, Log log, Map<String, CacheEntry> prerendered,
                      Clock clock) {
        this.log = log;
        this.clock = clock;
        this.notFoundPage = app.notFoundPage();
        for (var function : app.cachedFunctions()) {
            DataCache.check(function, app.cacheProfiles());
        }
        var compiled = new ArrayList<RouteSpec>();
        for (var declared : app.routes()) {
            var route = new RouteSpec(declared, app.cacheProfiles());
            if (route.page() != null) {
                route.page().check(app.notFoundPage());
            }
            if (route.handlers().isEmpty()) {
                throw new IllegalArgumentException("Route " + route.pattern()
                        + " has no handler; add one with .get(...), .post(...) or .on(method, ...)");
            }
            long expire = route.expireSeconds(app.expireSeconds());
            if (route.isIsr() && route.revalidateSeconds() >= expire) {
                throw new IllegalArgumentException("Route " + route.pattern() + " revalidates after "
                        + route.revalidateSeconds() + " s, which is not before expire (" + expire
                        + " s); lower revalidate or raise App.expire");
            }
            router.add(route.pattern(), route);
            compiled.add(route);
        }
        this.routes = List.copyOf(compiled);
        this.cache = new RouteCache(cacheHandler, log, clock, app.expireSeconds(), app.buildId(), prerendered);
        this.revalidator = new CacheRevalidator(cacheHandler, log);
        this.appPurger = app.cachePurger();
        this.cacheHandler = cacheHandler;
        this.dataCache = new DataCache(cacheHandler, log, app.cacheProfiles(), app.expireSeconds(), clock);
        revalidator.beforeRevalidation(() -> {
            cache.forgetCollapsed();
            dataCache.forgetCollapsed();
            revalidationListener.revalidated();
        });
        revalidator.afterRevalidation(() -> revalidationListener.revalidated());
    }

    /**
     * Tells {@code listener} of every revalidation this isolate makes (tag, path, layout, soft or hard; through a
     * handler, the endpoint or a cached function): as it starts, and again once it is written (or failed), so
     * whatever a host replays from what was known before (see {@link Ticket}) is dropped before the next answer;
     * and of every recent revalidation the cache handler learns of (see
     * {@link CacheHandler#onRevalidationLearned}).
     */
    public void onRevalidation(RevalidationListener listener) {
        this.revalidationListener = listener;
        cacheHandler.onRevalidationLearned(listener);
    }

    /** The app's routes as this dispatcher serves them (profiles applied, pages' static paths complete). */
    public List<RouteSpec> routes() {
        return routes;
    }

    /** The cache handler requests go through. */
    public CacheHandler cacheHandler() {
        return cacheHandler;
    }

    public DataCache dataCache() {
        return dataCache;
    }

    public RouteCache cache() {
        return cache;
    }

    public Response handle(Request request, BackgroundWork background) {
        return handle(request, background, null, null);
    }

    /** As {@link #handle(Request, BackgroundWork, EarlyRead.Found, WorkersCache)}, through no edge cache. */
    public Response handle(Request request, BackgroundWork background, EarlyRead.Found early) {
        return handle(request, background, early, null);
    }

    /**
     * The read to start before handling {@code request} (the one read a cached answer needs), or null when
     * its answer does not come from the cache or the cache handler has no early read. Decided by the same
     * rules as {@link #handle}: same route, same key.
     */
    public EarlyRead earlyRead(Request request) {
        String key = cacheKeyOf(request);
        return key == null ? null : cacheHandler.earlyRead(key);
    }

    /**
     * The ISR route whose cache a GET or HEAD of {@code request} goes to, or null: another method, development
     * mode (or a misconfigured one), a path that is answered 400, no such route, or one without a GET handler.
     */
    private RouteSpec cachedRoute(Request request) {
        try {
            if (developmentMode(request) || !(request.method().equals("GET") || request.method().equals("HEAD"))) {
                return null;
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (CanonicalPath.problem(request.path()) != null) {
            return null;
        }
        var match = router.match(request.path());
        return match == null || !match.target().isIsr() || !match.target().handlers().containsKey("GET") ? null
                : match.target();
    }

    /** The cache key a request's answer would be read from, or null when it is not answered from the cache. */
    private String cacheKeyOf(Request request) {
        RouteSpec route = cachedRoute(request);
        if (route == null || (route.page() != null && !route.page().isListed(request.path())
                && route.page().fallback() == Fallback.NONE)) {
            return null;
        }
        return cache.keyFor(route, request.path());
    }

    /**
     * Handles a request whose cache read the host already made ({@code early}, may be null): what it found
     * stands in for the first cache lookup, so a HIT does not wait on the cache again. {@code workersCache}: the
     * Worker's edge cache the request came through (null: none), which its revalidations purge.
     */
    public Response handle(Request request, BackgroundWork background, EarlyRead.Found early,
                           WorkersCache workersCache) {
        Response response = dispatch(request, background, early, workersCache);
        return Answers.forDownstream(request, response);
    }

    private Response dispatch(Request request, BackgroundWork background, EarlyRead.Found early,
                              WorkersCache workersCache) {
        boolean development;
        CachePurger purger;
        try {
            development = developmentMode(request);
            purger = purger(request.env());
        } catch (IllegalArgumentException e) {
            log.error("configuration error", e);
            return plain(500, "isr4j configuration error: " + e.getMessage());
        }
        String pathProblem = CanonicalPath.problem(request.path());
        if (pathProblem != null) {
            return plain(400, "Bad Request: " + pathProblem);
        }
        request = scoped(request, purger, workersCache, background, early);
        if (request.path().equals(RevalidateEndpoint.PATH)) {
            try {
                return RevalidateEndpoint.handle(request, request.revalidator(), log);
            } catch (RuntimeException e) {
                log.error("revalidation endpoint failed", e);
                return plain(500, "Internal Server Error");
            }
        }
        String path = request.path();
        boolean dataRoute = isDataRoute(path);
        if (dataRoute) {
            // /_isr/data/blog/a.json -> the page /blog/a, answered with its props from the same entry
            request = request.withPath(path.substring(DATA_PREFIX.length() - 1, path.length() - 5));
        }
        var match = router.match(request.path());
        if (match == null || (dataRoute && match.target().page() == null)) {
            return notFound(request, dataRoute);
        }
        var route = match.target();
        String method = request.method();
        Handler handler = route.handlers().get(method);
        boolean headFromGet = false;
        if (handler == null && method.equals("HEAD")) {
            handler = route.handlers().get("GET");
            headFromGet = handler != null;
        }
        if (handler == null) {
            String allow = Answers.allow(route);
            if (method.equals("OPTIONS")) {
                return Response.of(204, Headers.of("allow", allow), Body.EMPTY);
            }
            return Response.of(405, Headers.of("allow", allow, "content-type", "text/plain; charset=utf-8"),
                    Body.of("Method Not Allowed"));
        }
        String effective = headFromGet ? "GET" : method;
        PageSpec page = route.page();
        boolean showFallback = false;
        if (page != null && effective.equals("GET") && !page.isListed(request.path())) {
            if (page.fallback() == Fallback.NONE) {
                return notFound(request, dataRoute); // only the listed paths exist
            }
            // A crawler gets the page rendered in the foreground: it would index the placeholder. The User-Agent
            // is read from the request as received, not the routed one the handler sees: not data it used.
            showFallback = page.fallback() == Fallback.SHOW_FALLBACK && !dataRoute && !development
                    && !Crawlers.isCrawler(request.header("user-agent"));
        }
        Request routed = request.withRoute(effective, match.params());
        Response response;
        try {
            boolean cacheable = !development && route.isIsr() && (effective.equals("GET"));
            Handler checked = CheckedHandler.of(handler); // before the cache, so an invalid answer is never stored
            response = cacheable
                    ? cache.serve(route, checked, routed, match.params(), background, showFallback)
                    : checked.handle(routed);
        } catch (Throwable e) {
            return handlerFailed(method, route.pattern(), request.path(), e);
        }
        return Answers.finish(route, response, dataRoute, method.equals("HEAD"));
    }

    /**
     * The request with what it may use while it is handled: its background work, data cache, and revalidator, whose
     * revalidations reach the Worker's edge cache (when the request came through one) and the downstream purger.
     */
    private Request scoped(Request request, CachePurger downstream, WorkersCache workersCache,
                           BackgroundWork background, EarlyRead.Found early) {
        List<CachePurger> purgers;
        if (workersCache == null) {
            purgers = downstream == null ? List.of() : List.of(downstream);
        } else {
            CachePurger edge = new WorkersCachePurger(workersCache, log, Thread::sleep);
            purgers = downstream == null ? List.of(edge) : List.of(edge, downstream);
        }
        Revalidator requestRevalidator = revalidator.forRequest(purgers, background, log);
        return request.withContext(new RequestScope(background, requestRevalidator, dataCache).earlyRead(early));
    }

    /**
     * The answer to {@code request} when what the host's early read found ({@code early}) is a fresh entry that
     * can be served from what is known now, decided by the same rules as {@link #handle} (which it equals for
     * such a request); null for everything else, which {@link #handle} answers. It runs no handler, starts no
     * background work and never suspends, so a host may call it where nothing may wait.
     */
    public Response answerNow(Request request, EarlyRead.Found early) {
        return answerNow(request, early, null, null);
    }

    /** As {@link #answerNow(Request, EarlyRead.Found, BackgroundWork, WorkersCache)}, through no edge cache. */
    public Response answerNow(Request request, EarlyRead.Found early, BackgroundWork background) {
        return answerNow(request, early, background, null);
    }

    /**
     * As {@link #answerNow(Request, EarlyRead.Found)}, and with somewhere to start background work, also a STALE
     * entry known to be servable now: answered as it is, its regeneration started in {@code background} (as
     * {@link #handle} does; its revalidations reach {@code workersCache} as there). Still never suspends.
     */
    public Response answerNow(Request request, EarlyRead.Found early, BackgroundWork background,
                              WorkersCache workersCache) {
        return answerNow(request, early, background, workersCache, null);
    }

    /**
     * As {@link #answerNow(Request, EarlyRead.Found, BackgroundWork, WorkersCache)}; for a fresh entry's answer
     * (HIT or STATIC, never STALE) also hands {@code tickets} (when not null) the {@link Ticket} a host may replay
     * it under, when this isolate can say how long the answer holds (see {@link CacheHandler#trustedUntilNow}).
     */
    public Response answerNow(Request request, EarlyRead.Found early, BackgroundWork background,
                              WorkersCache workersCache, Ticket.Sink tickets) {
        RouteSpec route = early == null ? null : routeAnswerableNow(request);
        if (route == null) {
            return null;
        }
        CachePurger purger;
        try {
            purger = purger(request.env()); // a purger misconfigured in the environment fails every request alike
        } catch (IllegalArgumentException e) {
            return null; // a configuration error: handle() reports it
        }
        String method = request.method();
        String path = request.path();
        CacheLookup lookup = cache.lookupNow(route, path, early);
        if (lookup == null) {
            return null;
        }
        Response stored = cache.storedAnswer(route, lookup); // a HIT (or STATIC) needs nothing started
        if (stored == null && background != null && lookup.state() == CacheLookup.State.STALE) {
            var match = router.match(path);
            Request routed = scoped(request, purger, workersCache, background, early).withRoute("GET", match.params());
            stored = cache.serveStale(route, CheckedHandler.of(route.handlers().get("GET")), routed, match.params(), background,
                    lookup);
        }
        if (stored == null) {
            return null;
        }
        Response answer = Answers.forDownstream(request, Answers.finish(route, stored, false, method.equals("HEAD")));
        if (tickets != null && lookup.state() == CacheLookup.State.FRESH && !answer.headers().has("set-cookie")) {
            long now = clock.millis();
            Ticket ticket = Ticket.of(route, lookup, cacheHandler.trustedUntilNow(lookup.entry().tags(), now), now);
            if (ticket != null) {
                tickets.take(ticket);
            }
        }
        return answer;
    }

    /**
     * The tag records {@link #answerNow} lacks to answer {@code request} from what the early read found (see
     * {@link CacheHandler#tagReadsNow}), or null. Reads nothing, never suspends.
     */
    public CacheHandler.TagReads tagReadsNow(Request request, EarlyRead.Found early) {
        RouteSpec route = early == null ? null : routeAnswerableNow(request);
        return route == null ? null : cache.tagReadsNow(route, request.path(), early);
    }

    /** What reads of {@link #tagReadsNow} found, for {@link #answerNow} (see {@link CacheHandler#learnTagReads}). */
    public void learnTagReads(CacheHandler.TagReads reads, java.util.List<dev.isr4j.api.KvStore.TextRead> results) {
        cache.learnTagReads(reads, results);
    }

    /** The route of a request answerNow may answer (a cached GET or HEAD from GET's entry), or null. */
    private RouteSpec routeAnswerableNow(Request request) {
        RouteSpec route = cachedRoute(request);
        if (route == null) {
            return null;
        }
        String path = request.path();
        // Answered before routing by handle(); and HEAD is answered from GET's entry only where the route has no
        // HEAD handler of its own. A page's path it does not list has a cached answer only with a fallback (which
        // matters only when nothing is cached: a stored entry is answered the same for every client).
        if (path.equals(RevalidateEndpoint.PATH) || isDataRoute(path)
                || (request.method().equals("HEAD") && route.handlers().containsKey("HEAD"))
                || (route.page() != null && route.page().fallback() == Fallback.NONE && !route.page().isListed(path))) {
            return null;
        }
        return route;
    }

    private static boolean isDataRoute(String path) {
        return path.startsWith(DATA_PREFIX) && path.endsWith(".json") && path.length() > DATA_PREFIX.length() + 5;
    }

    /**
     * The answer to a handler that failed, and its log line (route, method, what failed): one place, so a
     * failure the Wasm runtime catches outside Java's own {@code catch} (a trap) reads the same.
     */
    public Response handlerFailed(Request request, Throwable error) {
        var match = router.match(request.path());
        return handlerFailed(request.method(), match == null ? "(no route)" : match.target().pattern(),
                request.path(), error);
    }

    private Response handlerFailed(String method, String pattern, String path, Throwable error) {
        log.error("handler for " + method + " " + pattern + " (" + path + ") failed", error);
        return plain(500, "Internal Server Error");
    }

    /** The app's purger, else the one the environment configures (read once per env), else null. */
    private CachePurger purger(Env env) {
        if (appPurger != null) {
            return appPurger;
        }
        if (env != purgerEnv) {
            envPurger = CloudflareZonePurger.fromEnv(env);
            purgerEnv = env;
        }
        return envPurger;
    }

    private static boolean developmentMode(Request request) {
        String mode = request.env().var(ISR_MODE);
        if (mode == null || mode.isEmpty() || mode.equals("production")) {
            return false;
        }
        if (mode.equals("development")) {
            return true;
        }
        throw new IllegalArgumentException("ISR_MODE must be \"production\" or \"development\", got \"" + mode
                + "\"; fix the vars entry in wrangler.jsonc");
    }

    /**
     * A 404 for a path the app does not serve: the app's 404 page for a client that accepts HTML, else a short
     * text (an API client, or a page's data route, has no use for a page). Never cached: a new route may answer
     * the path after the next deployment.
     */
    private Response notFound(Request request, boolean dataRoute) {
        if (dataRoute) {
            return plain(404, "Not Found");
        }
        // Read from the request as received: this answer is never cached, and no handler ran.
        String accept = request.header("accept");
        Response response = accept != null && dev.isr4j.text.Text.asciiLowerCase(accept).contains("text/html")
                ? Response.html(notFoundPage).withStatus(404)
                : plain(404, "Not Found");
        return response.withHeader("vary", "accept");
    }

    private static Response plain(int status, String text) {
        return Response.of(status, Headers.of("content-type", "text/plain; charset=utf-8"), Body.of(text));
    }
}
