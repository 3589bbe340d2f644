package dev.isr4j.example;

import dev.isr4j.App;
import dev.isr4j.CachedFunction;
import dev.isr4j.Json;
import dev.isr4j.Kv;
import dev.isr4j.Response;

/**
 * Routes that fail on purpose, one per kind of failure a handler can hit, and routes that reflect request
 * input into a response header or body (the request's own URL). The e2e tests use them to show that each failure is a short 500 in workerd
 * as on the JVM, and that a reflected line break never becomes a header of its own.
 */
final class FailureRoutes {
    private FailureRoutes() {
    }

    static void register(App app) {
        CachedFunction<String> failing = app.cachedText("always-fails", (scope, args) -> {
            throw new IllegalStateException("the cached computation failed on purpose");
        }).revalidate(60);
        CachedFunction<String> nothing = app.cachedText("always-null", (scope, args) -> null).revalidate(60);

        // /api/fail/{kind}: null, index, cast, stack, stack-after-read, stack-in-background, json-null, cached, unbound,
        // throw
        app.route("/api/fail/{kind}").get(req -> {
            String kind = req.param("kind");
            switch (kind) {
                case "null" -> {
                    String absent = kind.length() > 0 ? null : kind; // opaque to the compiler
                    return Response.text("length " + absent.length());
                }
                case "index" -> {
                    int[] two = new int[2];
                    return Response.text("value " + two[kind.length()]);
                }
                case "cast" -> {
                    Object text = kind;
                    return Response.text("number " + (Integer) text);
                }
                case "stack" -> {
                    return Response.text("depth " + recurse(kind.length()));
                }
                case "stack-after-read" -> { // fails after the green thread resumed from a KV read
                    Kv kv = req.env().kv("CACHE_KV");
                    String absent = kv == null ? null : kv.getText("example:never-written");
                    return Response.text("depth " + recurse(String.valueOf(absent).length()));
                }
                case "stack-in-background" -> { // the answer is fine; the work after it fails
                    req.waitUntil(() -> recurse(kind.length()));
                    return Response.text("answered; the background task will fail");
                }
                case "json-null" -> {
                    return Response.json(nothing.get(req)); // a cached null, handed to Response.json
                }
                case "cached" -> {
                    return Response.json(failing.get(req));
                }
                case "unbound" -> { // a record without @Jsonable: fails alike in workerd and the test kit
                    return Response.json(java.util.List.of(new NotBound(kind)));
                }
                case "throw" -> throw new IllegalStateException("this handler fails on purpose");
                default -> {
                    return Response.text("no such failure: " + kind).withStatus(404);
                }
            }
        });

        // A cached redirect that reflects a path parameter into Location (a typical short-link route).
        app.route("/api/go/{target}").revalidate(60).get(req ->
                Response.status(302).withHeader("location", "/blog/" + req.param("target")));
        // The same from the query string (dynamic: reading the query is per request).
        // A cached page that builds an absolute link from its own URL: the Host a client sends must not end up in it.
        app.route("/api/self-link").revalidate(60).get(req ->
                Response.json(Json.object().put("self", req.url())));
        app.route("/api/redirect-to").get(req ->
                Response.status(302).withHeader("location", String.valueOf(req.queryParam("to"))));
    }

    /** Not @Jsonable, so it has no adapter: writing it as JSON fails, naming it. */
    record NotBound(String kind) {
    }

    private static int recurse(int n) {
        return recurse(n + 1) + 1;
    }
}
