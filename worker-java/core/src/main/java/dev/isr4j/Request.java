package dev.isr4j;

import dev.isr4j.api.BackgroundWork;
import dev.isr4j.spi.RequestContext;
import dev.isr4j.text.CanonicalPath;
import dev.isr4j.text.Text;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * An incoming HTTP request as a handler sees it.
 *
 * <p>Reading headers, cookies or the query string marks the request <em>dynamic</em> (as {@code headers()}
 * and {@code cookies()} do in Next.js): its response then depends on who asked, so it is never cached.
 * The method, the path and the path parameters do not.
 *
 * <pre>{@code
 * app.route("/api/posts/{id}").get(req -> Response.json("{\"id\":\"" + req.param("id") + "\"}"));
 * }</pre>
 */
public final class Request {
    private final String method;
    private final String url;
    private final String path;
    private final String query;
    private final Supplier<Headers> headerSource;
    private final Supplier<Body> bodySource;
    private final UnaryOperator<String> headerLookup;
    private final Env env;
    private RequestContext context = RequestContext.NONE;
    private Map<String, String> params = Map.of();
    private Headers headers;
    private Body body;
    private boolean dynamic;

    /** A copy with another method: the URL as parsed already (same path, same query), nothing read yet. */
    private Request(Request from, String method) {
        this.method = method;
        this.url = from.url;
        this.path = from.path;
        this.query = from.query;
        this.headerSource = from.headerSource;
        this.bodySource = from.bodySource;
        this.headerLookup = from.headerLookup;
        this.env = from.env;
    }

    private Request(Builder b) {
        this.method = Text.asciiUpperCase(b.method);
        this.url = b.url;
        int scheme = url.indexOf("://");
        int pathStart = scheme < 0 ? url.indexOf('/') : url.indexOf('/', scheme + 3);
        String rest = pathStart < 0 ? "/" : url.substring(pathStart);
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        int q = rest.indexOf('?');
        this.path = canonical(q < 0 ? rest : rest.substring(0, q));
        this.query = q < 0 ? "" : rest.substring(q + 1);
        this.headerSource = b.headerSource;
        this.bodySource = b.bodySource;
        this.headerLookup = b.headerLookup;
        this.env = b.env;
    }

    public static Builder builder(String method, String url) {
        return new Builder(method, url);
    }

    /** Upper-case method, e.g. {@code GET}. */
    public String method() {
        return method;
    }

    /**
     * The full URL. Its origin is the variable {@value #ORIGIN_VAR} when set (the site's canonical origin, e.g.
     * {@code https://www.example.com}); otherwise it is the one the client sent (its Host), and reading it marks
     * the request dynamic, so a client-chosen host never reaches a cached answer. A query string marks it dynamic too.
     */
    public String url() {
        if (!query.isEmpty()) {
            dynamic = true;
        }
        return origin() + url.substring(pathStart());
    }

    /** The URL without its query string; its origin as for {@link #url()}. */
    public String urlWithoutQuery() {
        int q = url.indexOf('?');
        int hash = url.indexOf('#');
        int end = q >= 0 ? q : hash >= 0 ? hash : url.length();
        return origin() + url.substring(Math.min(pathStart(), end), end);
    }

    /** Variable holding the site's canonical origin, reported by {@link #url()} instead of the client's Host. */
    public static final String ORIGIN_VAR = "ISR_ORIGIN";

    private int pathStart() {
        int scheme = url.indexOf("://");
        int start = scheme < 0 ? url.indexOf('/') : url.indexOf('/', scheme + 3);
        return start < 0 ? url.length() : start;
    }

    private String origin() {
        String configured = env.var(ORIGIN_VAR);
        if (configured == null || configured.isEmpty()) {
            dynamic = true; // the client chose this host
            return url.substring(0, pathStart());
        }
        int scheme = configured.indexOf("://");
        if (!(configured.startsWith("https://") || configured.startsWith("http://"))
                || configured.indexOf('/', scheme + 3) >= 0 || configured.length() == scheme + 3) {
            throw new IllegalArgumentException(ORIGIN_VAR + " must be an origin such as https://www.example.com"
                    + " (scheme and host, no path), got \"" + configured + "\"; fix the vars entry in wrangler.jsonc");
        }
        return configured;
    }

    /**
     * The pathname without query string, in the one spelling every equivalent spelling shares:
     * {@code /api/posts/%31}, {@code /api/posts//1} and {@code /api/posts/1/} are all {@code /api/posts/1}
     * (escapes of characters allowed raw decoded, others upper-case, empty and dot segments removed).
     * A path with no such spelling (a bad escape, NUL, an encoded '/') is kept as received; it is answered 400.
     */
    public String path() {
        return path;
    }

    private static String canonical(String rawPath) {
        try {
            return CanonicalPath.of(rawPath);
        } catch (CanonicalPath.Invalid e) {
            return rawPath;
        }
    }

    /** A path parameter of the matched route ({@code {id}} or {@code {...rest}}), or null. */
    public String param(String name) {
        return params.get(name);
    }

    public Map<String, String> params() {
        return params;
    }

    /** A request header (marks the request dynamic). */
    public String header(String name) {
        if (headers == null && headerLookup != null) {
            dynamic = true;
            return headerLookup.apply(name); // one field, without converting them all
        }
        return headers().get(name);
    }

    /** All request headers (marks the request dynamic). */
    public Headers headers() {
        dynamic = true;
        if (headers == null) {
            headers = headerSource == null ? Headers.empty() : headerSource.get();
        }
        return headers;
    }

    /** A cookie's value, or null (marks the request dynamic). */
    public String cookie(String name) {
        String all = header("cookie");
        if (all == null) {
            return null;
        }
        for (String part : Text.split(all, ';')) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).trim().equals(name)) {
                return part.substring(eq + 1).trim();
            }
        }
        return null;
    }

    /** The raw query string without '?', or "" (marks the request dynamic). */
    public String query() {
        dynamic = true;
        return query;
    }

    /** The first value of a query parameter, percent-decoded, or null (marks the request dynamic). */
    public String queryParam(String name) {
        for (String pair : Text.split(query(), '&')) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            if (decode(k).equals(name)) {
                return eq < 0 ? "" : decode(pair.substring(eq + 1));
            }
        }
        return null;
    }

    private static String decode(String s) {
        return Text.percentDecode(s, true);
    }

    /** The request body (awaits it from the runtime on first call). */
    public Body body() {
        if (body == null) {
            body = bodySource == null ? Body.EMPTY : bodySource.get();
        }
        return body;
    }

    public String text() {
        return body().text();
    }

    /** Bindings, variables and secrets of the deployment. */
    public Env env() {
        return env;
    }

    /**
     * Runs work after the response is sent (in workerd: registered with {@code ctx.waitUntil}, so the isolate
     * stays alive until it finishes). Errors are logged, never sent to the client.
     */
    public void waitUntil(Runnable task) {
        BackgroundWork background = context.background();
        if (background == null) {
            task.run(); // outside a running app (a handler called directly): there is no "after", so now
        } else {
            background.submit(task);
        }
    }

    /** Variable holding the revalidation secret ({@link #hasRevalidationSecret}, {@code POST /__isr/revalidate}). */
    public static final String REVALIDATE_SECRET_VAR = RevalidationSecret.VAR;

    /**
     * True when the deployment has a revalidation secret ({@code ISR_REVALIDATE_SECRET}) and this request
     * sends it as {@code Authorization: Bearer <secret>} (compared in constant time). Reads a header, so it
     * marks the request dynamic. {@link Handler#withRevalidationSecret} wraps a whole handler with this check.
     */
    public boolean hasRevalidationSecret() {
        return RevalidationSecret.check(this) == RevalidationSecret.Outcome.ACCEPTED;
    }

    /** On-demand revalidation of cached entries by tag or path. */
    public Revalidator revalidator() {
        return context.revalidator();
    }

    /** The runtime serving this request ({@link RequestContext#NONE} for a request built by hand). */
    public RequestContext context() {
        return context;
    }

    /**
     * A copy for another path on the same origin (keeps method, headers, body and context; drops the query): how
     * the runtime answers a page's data route ({@code /_isr/data/<path>.json}) from the page's own route.
     */
    public Request withPath(String newPath) {
        int scheme = url.indexOf("://");
        int pathStart = scheme < 0 ? url.indexOf('/') : url.indexOf('/', scheme + 3);
        String origin = pathStart < 0 ? url : url.substring(0, pathStart);
        var copy = new Builder(method, origin + newPath).headers(headerSource).headerLookup(headerLookup)
                .body(bodySource).env(env).build();
        copy.context = context;
        copy.body = body;
        return copy;
    }

    /** A copy bound to the runtime that serves it (see {@link RequestContext}); null unbinds it. */
    public Request withContext(RequestContext context) {
        var copy = withRoute(method, params);
        copy.context = context == null ? RequestContext.NONE : context;
        return copy;
    }

    /** True once the handler has read headers, cookies or the query string. */
    public boolean isDynamic() {
        return dynamic;
    }

    /**
     * A copy as a route sees it: another method (HEAD answered by GET) and the matched path parameters, with the
     * URL as parsed already, nothing read yet (a fresh dynamic flag) and the same context.
     */
    public Request withRoute(String method, Map<String, String> params) {
        var copy = new Request(this, Text.asciiUpperCase(method));
        copy.params = params.isEmpty() ? Map.of() : Map.copyOf(params);
        copy.context = context;
        copy.body = body;
        return copy;
    }



    public static final class Builder {
        private final String method;
        private final String url;
        private Supplier<Headers> headerSource;
        private Supplier<Body> bodySource;
        private UnaryOperator<String> headerLookup;
        private Env env = Env.NONE;

        private Builder(String method, String url) {
            if (method == null || method.isEmpty()) {
                throw new IllegalArgumentException("A request needs a method");
            }
            if (url == null) {
                throw new IllegalArgumentException("A request needs a URL");
            }
            this.method = method;
            this.url = url;
        }

        public Builder headers(Headers headers) {
            this.headerSource = () -> headers;
            return this;
        }

        /** Headers read on first use only (converting them costs time in some runtimes). */
        public Builder headers(Supplier<Headers> source) {
            this.headerSource = source;
            return this;
        }

        /**
         * Reads one header without converting them all (a host where that is cheaper than {@link #headers});
         * it must answer as {@link Headers#get} on the full set would: the field's value, or null.
         */
        public Builder headerLookup(UnaryOperator<String> lookup) {
            this.headerLookup = lookup;
            return this;
        }

        public Builder body(Body body) {
            this.bodySource = () -> body;
            return this;
        }

        public Builder body(Supplier<Body> source) {
            this.bodySource = source;
            return this;
        }

        public Builder env(Env env) {
            this.env = env == null ? Env.NONE : env;
            return this;
        }

        public Request build() {
            return new Request(this);
        }
    }

}
