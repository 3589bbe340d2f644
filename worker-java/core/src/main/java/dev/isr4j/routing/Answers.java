package dev.isr4j.routing;

import dev.isr4j.Body;
import dev.isr4j.Dynamic;
import dev.isr4j.Handler;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.isr.CachedAnswer;
import dev.isr4j.isr.Conditional;
import dev.isr4j.isr.Etags;
import dev.isr4j.route.RouteSpec;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** What every answer the {@link Dispatcher} gives goes through on its way out, whichever way it was found. */
final class Answers {
    private Answers() {
    }

    /**
     * What every answer gets on its way out: {@code Cache-Control} when nothing set one (not from isr4j's
     * cache: nobody may store it), never a shareable answer that sets a cookie, and {@code 304 Not Modified}
     * for a conditional GET or HEAD whose validators match a cached answer.
     */
    static Response forDownstream(Request request, Response response) {
        if (!response.headers().has("cache-control")) {
            response = response.withHeader("cache-control", CachedAnswer.NO_STORE);
        }
        if (response.headers().has("set-cookie")) {
            response = response.withHeader("cache-control", CachedAnswer.PRIVATE_NO_STORE);
        }
        String method = request.method();
        if (CachedAnswer.isCached(response) && (method.equals("GET") || method.equals("HEAD"))
                && response.status() >= 200 && response.status() < 300) {
            // Read from the request as received: validators are not data a handler used.
            if (Conditional.notModified(request.header("if-none-match"), request.header("if-modified-since"),
                    response.header("etag"), response.header("last-modified"))) {
                return Conditional.notModifiedResponse(response);
            }
        }
        return response;
    }

    /** What every routed answer goes through last: its cache rules, its data-route form, HEAD's empty body. */
    static Response finish(RouteSpec route, Response response, boolean dataRoute, boolean head) {
        if (route.dynamic() == Dynamic.FORCE_DYNAMIC && !response.headers().has("cache-control")) {
            response = response.withHeader("cache-control", CachedAnswer.NO_STORE);
        }
        if (dataRoute) {
            response = propsResponse(response);
        }
        if (dataRoute && response.headers().has("etag")) {
            // The props JSON is another representation of the same entry: its own tag, changing with the page's.
            String etag = Etags.variant(response.header("etag"), "json");
            response = etag == null ? response.withHeaders(response.headers().without("etag"))
                    : response.withHeader("etag", etag);
        }
        return head ? response.withBody(Body.EMPTY) : response;
    }

    /** A page response turned into its props JSON, keeping its status (404 for not-found) and cache headers. */
    static Response propsResponse(Response page) {
        String props = page.props();
        if (props == null) {
            return page;
        }
        int status = page.status() == 404 ? 404 : 200;
        return Response.of(status, page.headers().without("location").with("content-type", "application/json"),
                Body.of(props));
    }

    static String allow(RouteSpec route) {
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
}
