package dev.isr4j;

import dev.isr4j.text.CanonicalPath;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A declared page as the runtime reads it ({@link Route#page()}): its props loader and renderer, its static paths
 * and its fallback mode. Declare it with {@link App#page} and {@link PageBuilder}; here it is read-only.
 */
public final class Page {
    private final String pattern;
    private PageBuilder.PropsLoader loader;
    private PageBuilder.Renderer renderer;
    private Class<?> propsType;
    private PageBuilder.TypedRenderer<?> typedRenderer;
    private final List<String> staticPaths = new ArrayList<>();
    private PageBuilder.StaticPaths staticPathsLoader;
    private boolean staticPathsOnFirstRequest;
    private Fallback fallback = Fallback.BLOCKING;
    private String fallbackHtml;

    Page(String pattern) {
        this.pattern = pattern;
    }

    /** The props loader, or null when none was declared (the runtime refuses to start then). */
    public PageBuilder.PropsLoader propsLoader() {
        return loader;
    }

    /** The renderer, or null when none was declared (the runtime refuses to start then). */
    public PageBuilder.Renderer renderer() {
        return renderer;
    }

    /** The type a typed renderer takes its props as, or null for a renderer of parsed JSON. */
    public Class<?> propsType() {
        return propsType;
    }

    /** The typed renderer ({@link PageBuilder#render(Class, PageBuilder.TypedRenderer)}), or null. */
    public PageBuilder.TypedRenderer<?> typedRenderer() {
        return typedRenderer;
    }

    /** The static paths as declared, each in its canonical spelling. */
    public List<String> staticPaths() {
        return Collections.unmodifiableList(staticPaths);
    }

    /** The function that lists more static paths from the deployment's data at build time, or null. */
    public PageBuilder.StaticPaths staticPathsLoader() {
        return staticPathsLoader;
    }

    /** True when the build leaves the static paths to their first request ({@link PageBuilder#renderStaticPathsOnFirstRequest}). */
    public boolean staticPathsOnFirstRequest() {
        return staticPathsOnFirstRequest;
    }

    public Fallback fallback() {
        return fallback;
    }

    /** The HTML served at once under {@link Fallback#SHOW_FALLBACK}, or null for the runtime's plain default. */
    public String fallbackHtml() {
        return fallbackHtml;
    }

    void props(PageBuilder.PropsLoader loader) {
        this.loader = loader;
    }

    void renderer(PageBuilder.Renderer renderer) {
        this.renderer = renderer;
        this.propsType = null;
        this.typedRenderer = null;
    }

    <T> void renderer(Class<T> type, PageBuilder.TypedRenderer<T> renderer) {
        this.renderer = null;
        this.propsType = type;
        this.typedRenderer = renderer;
    }

    void staticPaths(String... paths) {
        for (String p : paths) {
            if (p == null || !p.startsWith("/")) {
                throw new IllegalArgumentException("Page " + pattern + ": static path must start with '/': " + p);
            }
            staticPaths.add(CanonicalPath.of(p));
        }
    }

    void staticPaths(PageBuilder.StaticPaths loader) {
        if (loader == null) {
            throw new IllegalArgumentException("Page " + pattern + ": staticPaths(null)");
        }
        this.staticPathsLoader = loader;
    }

    void leaveStaticPathsToFirstRequest() {
        this.staticPathsOnFirstRequest = true;
    }

    void fallback(Fallback mode) {
        if (mode == null) {
            throw new IllegalArgumentException("Page " + pattern + ": fallback(null); use Fallback.NONE, "
                    + "BLOCKING or SHOW_FALLBACK");
        }
        this.fallback = mode;
    }

    void fallbackHtml(String html) {
        this.fallbackHtml = html;
    }
}
