package dev.isr4j.route;

import dev.isr4j.Body;
import dev.isr4j.Fallback;
import dev.isr4j.Headers;
import dev.isr4j.Json;
import dev.isr4j.Page;
import dev.isr4j.PageBuilder;
import dev.isr4j.Props;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.text.CanonicalPath;
import dev.isr4j.text.Router;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A declared {@link Page} as the runtime serves it, and its GET handler: props -> HTML. The props JSON travels with
 * the answer ({@link Response#props()}) into the page's entry ({@code CacheValue.props}), never as a header, so one
 * entry serves both the page and {@code /_isr/data/<path>.json}.
 */
public final class PageSpec {
    /** What SHOW_FALLBACK serves at once when the page set no {@code fallbackHtml}. */
    public static final String DEFAULT_FALLBACK_HTML = "<!doctype html><html><head><meta charset=\"utf-8\">"
            + "<title>Loading</title></head><body><p>Loading...</p></body></html>";

    private final RouteSpec route;
    private final PageBuilder.PropsLoader loader;
    private final PageBuilder.Renderer renderer;
    private final Class<?> propsType;
    private final PageBuilder.TypedRenderer<?> typedRenderer;
    private final List<String> staticPaths;
    private final PageBuilder.StaticPaths staticPathsLoader;
    private final boolean staticPathsOnFirstRequest;
    /** The page's pattern alone, to check static paths against; made at the first check. */
    private Router<String> pattern;
    private Set<String> listed = Set.of();
    private final Fallback fallback;
    private final String fallbackHtml;
    private String notFoundHtml = "";

    PageSpec(RouteSpec route, Page declared) {
        this.route = route;
        this.loader = declared.propsLoader();
        this.renderer = declared.renderer();
        this.propsType = declared.propsType();
        this.typedRenderer = declared.typedRenderer();
        this.staticPaths = new ArrayList<>(declared.staticPaths());
        this.staticPathsLoader = declared.staticPathsLoader();
        this.staticPathsOnFirstRequest = declared.staticPathsOnFirstRequest();
        this.fallback = declared.fallback();
        this.fallbackHtml = declared.fallbackHtml() == null ? DEFAULT_FALLBACK_HTML : declared.fallbackHtml();
    }

    public RouteSpec route() {
        return route;
    }

    public List<String> staticPaths() {
        return List.copyOf(staticPaths);
    }

    /** The build-time lister of more static paths, or null. */
    public PageBuilder.StaticPaths staticPathsLoader() {
        return staticPathsLoader;
    }

    /** True when the build leaves the static paths to their first request. */
    public boolean staticPathsOnFirstRequest() {
        return staticPathsOnFirstRequest;
    }

    /** Whether {@code path} is a concrete path of this page's pattern. */
    public boolean matches(String path) {
        if (pattern == null) {
            var router = new Router<String>();
            router.add(route.pattern(), "page");
            pattern = router;
        }
        return pattern.match(path) != null;
    }

    public Fallback fallback() {
        return fallback;
    }

    public String fallbackHtml() {
        return fallbackHtml;
    }

    public boolean isListed(String path) {
        return listed.contains(CanonicalPath.of(path));
    }

    /**
     * Start-up checks: props and renderer present, every static path matches the page's pattern.
     * @param notFoundHtml what a not-found result renders as: the app's 404 page
     */
    public void check(String notFoundHtml) {
        this.notFoundHtml = notFoundHtml;
        if (loader == null || (renderer == null && typedRenderer == null)) {
            throw new IllegalArgumentException("Page " + route.pattern() + " needs both .props(...) and .render(...)");
        }
        if (staticPathsLoader != null && fallback == Fallback.NONE) {
            throw new IllegalArgumentException("Page " + route.pattern() + ": static paths listed at build time "
                    + "need a fallback for the others (Fallback.BLOCKING or SHOW_FALLBACK), not Fallback.NONE");
        }
        for (String p : staticPaths) {
            if (!matches(p)) {
                throw new IllegalArgumentException("Page " + route.pattern() + ": static path " + p
                        + " does not match the page's pattern");
            }
        }
        if (!route.pattern().contains("{") && !staticPaths.contains(CanonicalPath.of(route.pattern()))) {
            staticPaths.add(CanonicalPath.of(route.pattern())); // a page without parameters lists itself
        }
        listed = new LinkedHashSet<>(staticPaths);
    }

    Response render(Request req) throws Exception {
        Props props = loader.load(req);
        if (props == null) {
            throw new IllegalStateException("the props function of page " + route.pattern() + " returned null; "
                    + "return Props.notFound() for a missing page");
        }
        RequestScope.of(req).noteResult(props.revalidateSeconds(), props.tags());
        if (props.isNotFound()) {
            return Response.of(404, Headers.of("content-type", "text/html; charset=utf-8"), Body.of(notFoundHtml))
                    .withProps("{\"notFound\":true}");
        }
        if (props.isRedirect()) {
            String json = Json.object().put("redirect", Json.object().put("destination", props.destination())
                    .put("permanent", props.permanent())).toJson();
            return Response.of(props.permanent() ? 308 : 307, Headers.of("location", props.destination()), Body.EMPTY)
                    .withProps(json);
        }
        String html;
        if (typedRenderer != null) {
            html = renderTyped(typedRenderer, props.as(propsType));
        } else {
            @SuppressWarnings("unchecked")
            Map<String, Object> parsed = (Map<String, Object>) req.env().json().parse(props.json());
            html = renderer.render(parsed);
        }
        return Response.html(html == null ? "" : html).withProps(props.json());
    }

    @SuppressWarnings("unchecked")
    private static <T> String renderTyped(PageBuilder.TypedRenderer<T> renderer, Object props) throws Exception {
        return renderer.render((T) props);
    }
}
