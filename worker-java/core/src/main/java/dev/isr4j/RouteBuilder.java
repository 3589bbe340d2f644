package dev.isr4j;

/** Options and method handlers of one route; every method returns this builder for chaining. */
public final class RouteBuilder {
    private final Route spec;

    RouteBuilder(Route spec) {
        this.spec = spec;
    }

    /**
     * Caches GET (and HEAD) responses for {@code seconds}, then serves them stale while one background
     * regeneration runs. Zero, negative, NaN or infinite values mean: not ISR, never cached.
     * Fractions are rounded up to whole seconds.
     */
    public RouteBuilder revalidate(double seconds) {
        spec.revalidate(seconds);
        return this;
    }

    /** Cache tags of this route; {@code {param}} is replaced by the path parameter, e.g. {@code post-{id}}. */
    public RouteBuilder tags(String... tags) {
        spec.addTags(tags);
        return this;
    }

    /** Revalidate and expire from a named cache profile (checked when the app starts). */
    public RouteBuilder cacheLife(String profile) {
        spec.profile(profile);
        return this;
    }

    public RouteBuilder dynamic(Dynamic mode) {
        spec.dynamic(mode);
        return this;
    }

    public RouteBuilder get(Handler handler) {
        return on("GET", handler);
    }

    public RouteBuilder post(Handler handler) {
        return on("POST", handler);
    }

    public RouteBuilder put(Handler handler) {
        return on("PUT", handler);
    }

    public RouteBuilder patch(Handler handler) {
        return on("PATCH", handler);
    }

    public RouteBuilder delete(Handler handler) {
        return on("DELETE", handler);
    }

    /** A handler for any method (an explicit HEAD or OPTIONS handler replaces the automatic one). */
    public RouteBuilder on(String method, Handler handler) {
        spec.handler(method, handler);
        return this;
    }
}
