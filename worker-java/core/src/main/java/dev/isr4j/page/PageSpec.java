package dev.isr4j.page;

import dev.isr4j.routing.ApiAccess;
import dev.isr4j.routing.RouteSpec;
import dev.isr4j.text.Router;
import dev.isr4j.store.CacheKeys;
import dev.isr4j.Body;
import dev.isr4j.Fallback;
import dev.isr4j.Headers;
import dev.isr4j.Json;
import dev.isr4j.PageBuilder;
import dev.isr4j.Props;
import dev.isr4j.Request;
import dev.isr4j.Response;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A page route's declaration and its GET handler: props -> HTML. The props JSON travels with the answer
 * ({@link ApiAccess#props}) into the page's entry ({@code CacheValue.props}), never as a header, so one entry
 * serves both the page and {@code /_isr/data/<path>.json}.
 */
public final class PageSpec {
    static final String DEFAULT_FALLBACK_HTML = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Loading"
            + "</title></head><body><p>Loading...</p></body></html>";

    private final RouteSpec route;
    private PageBuilder.PropsLoader loader;
    private PageBuilder.Renderer renderer;
    private final List<String> staticPaths = new ArrayList<>();
    private Set<String> listed = Set.of();
    private Fallback fallback = Fallback.BLOCKING;
    private String fallbackHtml = DEFAULT_FALLBACK_HTML;
    private String notFoundHtml = "";

    public PageSpec(RouteSpec route) {
        this.route = route;
        route.page(this);
        route.handler("GET", this::render);
    }

    public RouteSpec route() {
        return route;
    }

    public void props(PageBuilder.PropsLoader loader) {
        this.loader = loader;
    }

    public void renderer(PageBuilder.Renderer renderer) {
        this.renderer = renderer;
    }

    public void staticPaths(String... paths) {
        for (String p : paths) {
            if (p == null || !p.startsWith("/")) {
                throw new IllegalArgumentException("Page " + route.pattern() + ": static path must start with '/': " + p);
            }
            staticPaths.add(CacheKeys.normalisePath(p));
        }
    }

    public void fallback(Fallback mode) {
        if (mode == null) {
            throw new IllegalArgumentException("Page " + route.pattern() + ": fallback(null); use Fallback.NONE, "
                    + "BLOCKING or SHOW_FALLBACK");
        }
        this.fallback = mode;
    }

    public void fallbackHtml(String html) {
        this.fallbackHtml = html == null ? DEFAULT_FALLBACK_HTML : html;
    }

    public List<String> staticPaths() {
        return List.copyOf(staticPaths);
    }

    public Fallback fallback() {
        return fallback;
    }

    public String fallbackHtml() {
        return fallbackHtml;
    }

    public boolean isListed(String path) {
        return listed.contains(CacheKeys.normalisePath(path));
    }

    /**
     * Start-up checks: props and renderer present, every static path matches the page's pattern.
     * @param notFoundHtml what a not-found result renders as: the app's 404 page
     */
    public void check(String notFoundHtml) {
        this.notFoundHtml = notFoundHtml;
        if (loader == null || renderer == null) {
            throw new IllegalArgumentException("Page " + route.pattern() + " needs both .props(...) and .render(...)");
        }
        var router = new Router<String>();
        router.add(route.pattern(), "page");
        for (String p : staticPaths) {
            if (router.match(p) == null) {
                throw new IllegalArgumentException("Page " + route.pattern() + ": static path " + p
                        + " does not match the page's pattern");
            }
        }
        if (!route.pattern().contains("{") && !staticPaths.contains(CacheKeys.normalisePath(route.pattern()))) {
            staticPaths.add(CacheKeys.normalisePath(route.pattern())); // a page without parameters lists itself
        }
        listed = new LinkedHashSet<>(staticPaths);
    }

    private Response render(Request req) throws Exception {
        Props props = loader.load(req);
        if (props == null) {
            throw new IllegalStateException("the props function of page " + route.pattern() + " returned null; "
                    + "return Props.notFound() for a missing page");
        }
        ApiAccess.scope(req).noteResult(props.revalidateSeconds(), props.tags());
        if (props.isNotFound()) {
            return ApiAccess.withProps(Response.of(404, Headers.of("content-type", "text/html; charset=utf-8"),
                    Body.of(notFoundHtml)), "{\"notFound\":true}");
        }
        if (props.isRedirect()) {
            String json = Json.object().put("redirect", Json.object().put("destination", props.destination())
                    .put("permanent", props.permanent())).toJson();
            return ApiAccess.withProps(Response.of(props.permanent() ? 308 : 307,
                    Headers.of("location", props.destination()), Body.EMPTY), json);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = (Map<String, Object>) req.env().json().parse(props.json());
        String html = renderer.render(parsed);
        return ApiAccess.withProps(Response.html(html == null ? "" : html), props.json());
    }
}
