package dev.isr4j;

import dev.isr4j.text.Router;
import dev.isr4j.text.Tags;
import dev.isr4j.text.Text;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A declared route as the runtime reads it ({@link App#routes()}): pattern, ISR options and one handler per method.
 * Declare it with {@link App#route} and {@link RouteBuilder} (or {@link App#page}); here it is read-only. Each
 * option is checked as it is declared, so a mistake fails when the app is built.
 */
public final class Route {
    private final String pattern;
    private final Map<String, Handler> handlers = new LinkedHashMap<>();
    private final List<String> tags = new ArrayList<>();
    private long revalidateSeconds;
    private Dynamic dynamic = Dynamic.AUTO;
    private String profile;
    private Page page;

    Route(String pattern) {
        new Router<Route>().add(pattern, this); // validates the pattern now, with its message
        this.pattern = pattern;
    }

    public String pattern() {
        return pattern;
    }

    /** Seconds until stale as declared (fractions rounded up), or 0 when the route does not revalidate. */
    public long revalidateSeconds() {
        return revalidateSeconds;
    }

    /** Tag templates in declaration order; {@code {param}} stands for a path parameter. */
    public List<String> tags() {
        return Collections.unmodifiableList(tags);
    }

    /** The cache-life profile's name, or null (checked against the app's profiles when the runtime starts). */
    public String cacheLife() {
        return profile;
    }

    public Dynamic dynamic() {
        return dynamic;
    }

    /** Handlers by upper-case method, in declaration order; a page's GET is the runtime's and is not here. */
    public Map<String, Handler> handlers() {
        return Collections.unmodifiableMap(handlers);
    }

    /** The page declaration when this route is a page ({@link App#page}), else null. */
    public Page page() {
        return page;
    }

    void revalidate(double seconds) {
        this.revalidateSeconds = Double.isNaN(seconds) || Double.isInfinite(seconds) || seconds <= 0
                ? 0 : (long) Math.ceil(seconds);
    }

    void addTags(String... newTags) {
        for (String t : newTags) {
            Tags.validate(t.replace("{", "").replace("}", ""));
            tags.add(t);
        }
    }

    void profile(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("Route " + pattern + ": cacheLife needs a profile name");
        }
        this.profile = name;
    }

    void dynamic(Dynamic mode) {
        if (mode == null) {
            throw new IllegalArgumentException("dynamic(null): pass Dynamic.AUTO or Dynamic.FORCE_DYNAMIC");
        }
        this.dynamic = mode;
    }

    void handler(String method, Handler handler) {
        if (!Text.isWord(method, "", 1, 32) || !Text.isLetters(method)) {
            throw new IllegalArgumentException("Route " + pattern + ": '" + method + "' is not an HTTP method");
        }
        if (handler == null) {
            throw new IllegalArgumentException("Route " + pattern + ": the " + method + " handler is null");
        }
        String m = Text.asciiUpperCase(method);
        if (handlers.containsKey(m) || (page != null && m.equals("GET"))) {
            throw new IllegalArgumentException("Route " + pattern + " has two " + m + " handlers");
        }
        handlers.put(m, handler);
    }

    void page(Page page) {
        this.page = page;
    }
}
