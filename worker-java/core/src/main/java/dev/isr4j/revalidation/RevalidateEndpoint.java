package dev.isr4j.revalidation;

import dev.isr4j.isr.CachedAnswer;
import dev.isr4j.json.JsonReader;
import dev.isr4j.text.Tags;
import dev.isr4j.Body;
import dev.isr4j.Headers;
import dev.isr4j.Json;
import dev.isr4j.PathType;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.Revalidator;
import dev.isr4j.api.Log;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /__isr/revalidate} with {@code Authorization: Bearer <ISR_REVALIDATE_SECRET>} and a JSON body
 * {@code {"tags": [...], "paths": [...], "type": "page"|"layout", "profile": "max"}}. Without a configured
 * secret the endpoint does not exist (404). One call carries at most {@link #MAX_TAGS} tags and
 * {@link #MAX_PATHS} paths in at most {@link #MAX_BODY_BYTES} bytes, so its KV work is bounded. Responses are
 * never cached.
 */
public final class RevalidateEndpoint {
    public static final String PATH = "/__isr/revalidate";
    static final String SECRET_VAR = Request.REVALIDATE_SECRET_VAR;
    static final int MAX_TAGS = 64;
    static final int MAX_PATHS = 64;
    /** Room for the most tags and paths a call may carry, at their longest, with JSON escapes. */
    static final int MAX_BODY_BYTES = 256 * 1024;

    private RevalidateEndpoint() {
    }

    public static Response handle(Request request, Revalidator revalidator, Log log) {
        String secret = request.env().var(SECRET_VAR);
        if (secret == null || secret.isEmpty()) {
            return reply(404, Json.object().put("error", "Not Found"));
        }
        if (!request.method().equals("POST")) {
            return reply(405, Json.object().put("error", "use POST")).withHeader("allow", "POST");
        }
        if (!request.hasRevalidationSecret()) {
            return reply(401, Json.object().put("error", "missing or wrong bearer token"))
                    .withHeader("www-authenticate", "Bearer");
        }
        byte[] raw = request.body().bytes();
        if (raw.length > MAX_BODY_BYTES) {
            return reply(413, Json.object().put("error", "the body has " + raw.length + " bytes; the limit is "
                    + MAX_BODY_BYTES + " (" + MAX_TAGS + " tags and " + MAX_PATHS + " paths per call)"));
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
            tags = strings(body, "tags", MAX_TAGS);
            paths = strings(body, "paths", MAX_PATHS);
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
            if (profile != null && profile.isBlank()) {
                throw new IllegalArgumentException("\"profile\" must not be empty");
            }
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
        for (String p : paths) {
            String problem = CacheRevalidator.pathProblem(p);
            if (problem != null) {
                return bad(problem);
            }
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

    private static List<String> strings(Map<?, ?> body, String field, int limit) {
        Object v = body.get(field);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException("\"" + field + "\" must be an array of strings");
        }
        if (list.size() > limit) {
            throw new IllegalArgumentException("\"" + field + "\" has " + list.size() + " entries; one call may carry at "
                    + "most " + limit + " (split the work into several calls)");
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

    private static Response bad(String problem) {
        return reply(400, Json.object().put("error", problem));
    }

    private static Response reply(int status, Json.Obj body) {
        return Response.of(status, Headers.of("content-type", "application/json", "cache-control", CachedAnswer.NO_STORE),
                Body.of(body.toJson()));
    }
}
