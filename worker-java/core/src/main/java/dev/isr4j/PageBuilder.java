package dev.isr4j;

import java.util.Map;

/**
 * A page route: static props (path params -> props, not-found or redirect), a renderer (props -> HTML),
 * optional static paths (prerendered at build time) and a fallback mode for the others.
 *
 * <pre>{@code
 * app.page("/blog/{slug}")
 *    .staticPaths("/blog/hello-world", "/blog/second-post").fallback(Fallback.BLOCKING)
 *    .revalidate(60).tags("blog")
 *    .props(req -> Props.of(Json.object().put("slug", req.param("slug"))))
 *    .render(props -> "<h1>" + props.get("slug") + "</h1>");
 * }</pre>
 */
public final class PageBuilder {
    /** Loads a page's props; may do I/O through {@code req.env()}. */
    @FunctionalInterface
    public interface PropsLoader {
        Props load(Request request) throws Exception;
    }

    /** Renders HTML from the props (parsed JSON: maps, lists, strings, numbers). */
    @FunctionalInterface
    public interface Renderer {
        String render(Map<String, Object> props) throws Exception;
    }

    /**
     * Renders HTML from the props as a record (or class) of the page's own type, e.g. a jte template's method
     * on the generated {@code Templates} facade.
     */
    @FunctionalInterface
    public interface TypedRenderer<T> {
        String render(T props) throws Exception;
    }

    private final Route route;
    private final Page spec;

    PageBuilder(Route route, Page spec) {
        this.route = route;
        this.spec = spec;
    }

    public PageBuilder props(PropsLoader loader) {
        spec.props(loader);
        return this;
    }

    public PageBuilder render(Renderer renderer) {
        spec.renderer(renderer);
        return this;
    }

    /**
     * Renders from props of a {@link dev.isr4j.bind.Jsonable} type: {@code .props(req -> Props.of(product))
     * .render(Product.class, Templates::product)}. The props are stored as that record's JSON, which the page's
     * data route ({@code /_isr/data/<path>.json}) returns; the renderer gets the record itself.
     */
    public <T> PageBuilder render(Class<T> type, TypedRenderer<T> renderer) {
        if (type == null || renderer == null) {
            throw new IllegalArgumentException("render(type, renderer): both are needed, e.g. render(Product.class,"
                    + " Templates::product)");
        }
        spec.renderer(type, renderer);
        return this;
    }

    /** Concrete paths of this page, prerendered at build time. */
    public PageBuilder staticPaths(String... paths) {
        spec.staticPaths(paths);
        return this;
    }

    /**
     * Static paths listed from the deployment's data when the site is built, as {@code getStaticPaths} does: the
     * function gets the build's env (vars from wrangler.jsonc, KV and D1 from the local state {@code npm start}
     * uses; in the test kit, the kit's bindings) and returns concrete paths, e.g. the newest posts from D1. Added
     * to the listed ones. The runtime never calls it, so the page needs a fallback other than {@link Fallback#NONE}
     * for the paths it did not list.
     */
    public PageBuilder staticPaths(StaticPaths paths) {
        spec.staticPaths(paths);
        return this;
    }

    /**
     * Renders this page's static paths on their first request instead of at build time: for a page whose props read
     * a binding the build cannot provide. The build says which paths it left.
     */
    public PageBuilder renderStaticPathsOnFirstRequest() {
        spec.leaveStaticPathsToFirstRequest();
        return this;
    }

    public PageBuilder fallback(Fallback mode) {
        spec.fallback(mode);
        return this;
    }

    /** The HTML served at once for an unlisted path under {@link Fallback#SHOW_FALLBACK}. */
    public PageBuilder fallbackHtml(String html) {
        spec.fallbackHtml(html);
        return this;
    }

    public PageBuilder revalidate(double seconds) {
        route.revalidate(seconds);
        return this;
    }

    public PageBuilder tags(String... tags) {
        route.addTags(tags);
        return this;
    }

    public PageBuilder cacheLife(String profile) {
        route.profile(profile);
        return this;
    }

    public PageBuilder dynamic(Dynamic mode) {
        route.dynamic(mode);
        return this;
    }

    /** Lists concrete paths of a page from the build's env ({@link #staticPaths(StaticPaths)}). */
    @FunctionalInterface
    public interface StaticPaths {
        java.util.List<String> paths(Env env) throws Exception;
    }
}
