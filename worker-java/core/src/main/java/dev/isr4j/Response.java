package dev.isr4j;

/**
 * An HTTP response: status, headers and body. Immutable; {@code with...} methods return changed copies.
 *
 * <pre>{@code
 * return Response.json("{\"ok\":true}").withStatus(201).withHeader("x-request-id", id);
 * }</pre>
 */
public final class Response {
    private final int status;
    private final Headers headers;
    private final Body body;
    /** A page's props JSON, kept with its answer for the page's data route and its entry; never a header. */
    private final String props;

    private Response(int status, Headers headers, Body body, String props) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("HTTP status must be between 200 and 599, got " + status);
        }
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.props = props;
    }

    public static Response of(int status, Headers headers, Body body) {
        return new Response(status, headers == null ? Headers.empty() : headers, body == null ? Body.EMPTY : body,
                null);
    }

    public static Response text(String text) {
        present(text, "text");
        return of(200, Headers.of("content-type", "text/plain; charset=utf-8"), Body.of(text));
    }

    public static Response html(String html) {
        present(html, "html");
        return of(200, Headers.of("content-type", "text/html; charset=utf-8"), Body.of(html));
    }

    /** A response with an already serialised JSON document. */
    public static Response json(String json) {
        present(json, "json");
        return of(200, Headers.of("content-type", "application/json"), Body.of(json));
    }

    public static Response json(Json.Value value) {
        present(value, "json");
        return json(value.toJson());
    }

    /**
     * {@code value} as JSON: a {@link dev.isr4j.bind.Jsonable} record or class, or lists, maps, strings, numbers
     * and booleans holding them. The same bytes on the JVM (the test kit) and in Wasm; a value of a type that
     * cannot be bound fails alike in both. (A {@code String} argument is taken as JSON text already written:
     * see {@link #json(String)}.)
     */
    public static Response json(Object value) {
        present(value, "json");
        return json(dev.isr4j.bind.JsonBinding.toJson(value));
    }

    public static Response bytes(byte[] bytes, String contentType) {
        present(bytes, "bytes");
        return of(200, Headers.of("content-type", contentType), Body.of(bytes));
    }

    public static Response status(int status) {
        return of(status, Headers.empty(), Body.EMPTY);
    }

    // A null body is a bug in the handler; say so here rather than fail later with a bare NullPointerException.
    private static void present(Object body, String factory) {
        if (body == null) {
            throw new IllegalArgumentException("Response." + factory + "(null): the body is null; check what the"
                    + " handler passed (a cached function or KV read can return null)");
        }
    }

    public int status() {
        return status;
    }

    public Headers headers() {
        return headers;
    }

    public String header(String name) {
        return headers.get(name);
    }

    public Body body() {
        return body;
    }

    public String text() {
        return body.text();
    }

    public Response withStatus(int status) {
        return new Response(status, headers, body, props);
    }

    /** Sets a header, replacing any earlier value of the same name. */
    public Response withHeader(String name, String value) {
        return new Response(status, headers.with(name, value), body, props);
    }

    /** Adds a header value, keeping earlier ones (Set-Cookie). */
    public Response plusHeader(String name, String value) {
        return new Response(status, headers.plus(name, value), body, props);
    }

    public Response withHeaders(Headers headers) {
        return new Response(status, headers, body, props);
    }

    public Response withBody(Body body) {
        return new Response(status, headers, body, props);
    }

    /**
     * A page's props JSON carried with its answer, or null for any other answer: the runtime stores it in the
     * page's entry and answers the page's data route ({@code /_isr/data/<path>.json}) with it. Never a header, so
     * it cannot reach a client as one.
     */
    public String props() {
        return props;
    }

    /** This answer carrying a page's props JSON (see {@link #props()}). */
    public Response withProps(String json) {
        return new Response(status, headers, body, json);
    }
}
