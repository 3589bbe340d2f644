package dev.isr4j.internal;

import dev.isr4j.App;
import dev.isr4j.Body;
import dev.isr4j.Handler;
import dev.isr4j.Headers;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.CacheHandler;
import dev.isr4j.api.Log;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Turns a request into a response: routing, HTTP method semantics (404, 405 + Allow, automatic HEAD and
 * OPTIONS), error containment (a throwing handler is a 500, the isolate keeps serving) and, for ISR routes,
 * the {@link RouteCache}.
 */
public final class Dispatcher {
    public static final String ISR_MODE = "ISR_MODE";

    private final Router<RouteSpec> router = new Router<>();
    private final RouteCache cache;
    private final CacheRevalidator revalidator;
    private final DataCache dataCache;
    private final Log log;

    public Dispatcher(App app, CacheHandler cacheHandler, Log log) {
        this.log = log;
        for (var definition : app.cachedFunctions()) {
            definition.check(app.cacheProfiles());
        }
        for (var route : app.routes()) {
            route.applyProfile(app.cacheProfiles());
            if (route.handlers().isEmpty()) {
                throw new IllegalArgumentException("Route " + route.pattern()
                        + " has no handler; add one with .get(...), .post(...) or .on(method, ...)");
            }
            long expire = route.expireSeconds() > 0 ? route.expireSeconds() : app.expireSeconds();
            if (route.isIsr() && route.revalidateSeconds() >= expire) {
                throw new IllegalArgumentException("Route " + route.pattern() + " revalidates after "
                        + route.revalidateSeconds() + " s, which is not before expire (" + expire
                        + " s); lower revalidate or raise App.expire");
            }
            router.add(route.pattern(), route);
        }
        this.cache = new RouteCache(cacheHandler, log, app.expireSeconds(), app.buildId());
        this.revalidator = new CacheRevalidator(cacheHandler);
        this.dataCache = new DataCache(cacheHandler, log, app.cacheProfiles(), app.expireSeconds());
    }

    public DataCache dataCache() {
        return dataCache;
    }

    public RouteCache cache() {
        return cache;
    }

    public Response handle(Request request, BackgroundWork background) {
        boolean development;
        try {
            development = developmentMode(request);
        } catch (IllegalArgumentException e) {
            log.error("configuration error", e);
            return plain(500, "isr4j configuration error: " + e.getMessage());
        }
        request = request.withScope(new RequestScope(background, revalidator, dataCache));
        if (request.path().equals(RevalidateEndpoint.PATH)) {
            try {
                return RevalidateEndpoint.handle(request, revalidator, log);
            } catch (RuntimeException e) {
                log.error("revalidation endpoint failed", e);
                return plain(500, "Internal Server Error");
            }
        }
        var match = router.match(request.path());
        if (match == null) {
            return plain(404, "Not Found");
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
            String allow = allow(route);
            if (method.equals("OPTIONS")) {
                return Response.of(204, Headers.of("allow", allow), Body.EMPTY);
            }
            return Response.of(405, Headers.of("allow", allow, "content-type", "text/plain; charset=utf-8"),
                    Body.of("Method Not Allowed"));
        }
        String effective = headFromGet ? "GET" : method;
        Request routed = request.withRoute(effective, match.params());
        Response response;
        try {
            boolean cacheable = !development && route.isIsr() && (effective.equals("GET"));
            response = cacheable
                    ? cache.serve(route, handler, routed, match.params(), background)
                    : handler.handle(routed);
            if (response == null) {
                throw new IllegalStateException("the handler returned null instead of a Response");
            }
        } catch (Throwable e) {
            log.error("handler for " + method + " " + route.pattern() + " (" + request.path() + ") failed", e);
            return plain(500, "Internal Server Error");
        }
        return headFromGet || method.equals("HEAD") ? response.withBody(Body.EMPTY) : response;
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

    private static String allow(RouteSpec route) {
        Set<String> methods = new LinkedHashSet<>();
        for (Map.Entry<String, Handler> e : route.handlers().entrySet()) {
            methods.add(e.getKey());
            if (e.getKey().equals("GET")) {
                methods.add("HEAD");
            }
        }
        methods.add("OPTIONS");
        return String.join(", ", methods);
    }

    private static Response plain(int status, String text) {
        return Response.of(status, Headers.of("content-type", "text/plain; charset=utf-8"), Body.of(text));
    }
}
