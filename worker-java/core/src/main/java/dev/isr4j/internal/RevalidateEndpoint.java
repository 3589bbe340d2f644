package dev.isr4j.internal;

import dev.isr4j.Body;
import dev.isr4j.Headers;
import dev.isr4j.Json;
import dev.isr4j.PathType;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.Revalidator;
import dev.isr4j.api.Log;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /__isr/revalidate} with {@code Authorization: Bearer <ISR_REVALIDATE_SECRET>} and a JSON body
 * {@code {"tags": [...], "paths": [...], "type": "page"|"layout", "profile": "max"}}. Without a configured
 * secret the endpoint does not exist (404). Responses are never cached.
 */
final class RevalidateEndpoint {
    static final String PATH = "/__isr/revalidate";
    static final String SECRET_VAR = "ISR_REVALIDATE_SECRET";

    private RevalidateEndpoint() {
    }

    static Response handle(Request request, Revalidator revalidator, Log log) {
        String secret = request.env().var(SECRET_VAR);
        if (secret == null || secret.isEmpty()) {
            return reply(404, Json.object().put("error", "Not Found"));
        }
        if (!request.method().equals("POST")) {
            return reply(405, Json.object().put("error", "use POST")).withHeader("allow", "POST");
        }
        String auth = request.header("authorization");
        String token = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : "";
        if (!constantTimeEquals(token, secret)) {
            return reply(401, Json.object().put("error", "missing or wrong bearer token"))
                    .withHeader("www-authenticate", "Bearer");
        }
        Map<?, ?> body;
        try {
            Object parsed = JsonReader.parse(request.text());
            if (!(parsed instanceof Map<?, ?> m)) {
                return bad("the body must be a JSON object like {\"tags\":[\"posts\"]}");
            }
            body = m;
        } catch (IllegalArgumentException e) {
            return bad("the body is not valid JSON: " + e.getMessage());
        }
        List<String> tags;
        List<String> paths;
        try {
            tags = strings(body, "tags");
            paths = strings(body, "paths");
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
        Object profileRaw = body.get("profile");
        if (profileRaw != null && !(profileRaw instanceof String)) {
            return bad("\"profile\" must be a string such as \"max\"");
        }
        String profile = (String) profileRaw;
        Object typeRaw = body.get("type");
        PathType type = PathType.PAGE;
        if (typeRaw != null) {
            if ("layout".equals(typeRaw)) {
                type = PathType.LAYOUT;
            } else if (!"page".equals(typeRaw)) {
                return bad("\"type\" must be \"page\" or \"layout\"");
            }
        }
        if (tags.isEmpty() && paths.isEmpty()) {
            return bad("give at least one entry in \"tags\" or \"paths\"");
        }
        try {
            for (String t : tags) {
                Tags.validate(t);
            }
            for (String p : paths) {
                CacheRevalidator.validatePath(p);
            }
            if (profile != null && profile.isBlank()) {
                throw new IllegalArgumentException("\"profile\" must not be empty");
            }
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
        try {
            if (!tags.isEmpty()) {
                revalidator.tags(tags, profile);
            }
            for (String p : paths) {
                revalidator.path(p, type, profile);
            }
        } catch (RuntimeException e) {
            log.error("on-demand revalidation failed", e);
            return reply(503, Json.object().put("error", "revalidation could not be stored; retry"));
        }
        var tagArr = Json.array();
        tags.forEach(tagArr::add);
        var pathArr = Json.array();
        paths.forEach(pathArr::add);
        return reply(200, Json.object().put("revalidated", true).put("tags", tagArr).put("paths", pathArr)
                .put("type", type == PathType.LAYOUT ? "layout" : "page")
                .put("mode", profile == null ? "hard" : "soft"));
    }

    private static List<String> strings(Map<?, ?> body, String field) {
        Object v = body.get(field);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException("\"" + field + "\" must be an array of strings");
        }
        var out = new ArrayList<String>();
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw new IllegalArgumentException("\"" + field + "\" must contain only strings, found " + o);
            }
            out.add(s);
        }
        return out;
    }

    /** Compares without an early exit, so timing does not reveal how much of the secret matched. */
    static boolean constantTimeEquals(String given, String expected) {
        byte[] a = given.getBytes(StandardCharsets.UTF_8);
        byte[] b = expected.getBytes(StandardCharsets.UTF_8);
        int diff = a.length ^ b.length;
        for (int i = 0; i < b.length; i++) {
            diff |= (i < a.length ? a[i] : 0) ^ b[i];
        }
        return diff == 0;
    }

    private static Response bad(String problem) {
        return reply(400, Json.object().put("error", problem));
    }

    private static Response reply(int status, Json.Obj body) {
        return Response.of(status, Headers.of("content-type", "application/json", "cache-control", Dispatcher.NO_STORE),
                Body.of(body.toJson()));
    }
}
