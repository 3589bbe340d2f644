package dev.isr4j;

import dev.isr4j.data.DataCache;
import java.util.Arrays;
import java.util.List;

/**
 * A function whose results are cached (the {@code unstable_cache} / {@code "use cache"} equivalent): keyed by
 * its name and arguments (hashed, so keys never exceed KV's limits), tagged, revalidated on a profile. A stale
 * value is returned at once while one deduplicated recomputation runs in the background. {@code null} results
 * are cached too, distinctly from "absent".
 *
 * <pre>{@code
 * CachedFunction<String> price = app.cachedText("price", (scope, args) -> loadPrice(scope.env(), args.get(0)))
 *         .cacheLife("minutes").tags("prices");
 * app.route("/api/price/{id}").revalidate(600).get(req -> Response.json(price.get(req, req.param("id"))));
 * }</pre>
 *
 * @param <T> {@code String} (text or JSON) or {@code byte[]}
 */
public final class CachedFunction<T> {
    /** The computation: may do I/O through {@code scope.env()}; may set its profile and tags on the scope. */
    @FunctionalInterface
    public interface Computation<T> {
        T compute(CacheScope scope, List<String> args) throws Exception;
    }

    private final DataCache.Definition<T> definition;

    CachedFunction(DataCache.Definition<T> definition) {
        this.definition = definition;
    }

    /** Cache tags of every entry of this function ({@code {0}}, {@code {1}}... are replaced by arguments). */
    public CachedFunction<T> tags(String... tags) {
        definition.tags(tags);
        return this;
    }

    /**
     * Revalidate and expire from a named cache-life profile (checked when the app starts): the same name and
     * profiles as {@code RouteBuilder.cacheLife} and, inside a computation, {@code scope.cacheLife}.
     */
    public CachedFunction<T> cacheLife(String profile) {
        definition.profile(profile);
        return this;
    }

    /** Revalidate after {@code seconds} (expire stays the app's). */
    public CachedFunction<T> revalidate(long seconds) {
        definition.revalidate(seconds);
        return this;
    }

    /** The cached result for these arguments, computing it when absent. */
    public T get(Request request, String... args) throws Exception {
        return request.dataCache().get(definition, request, null, Arrays.asList(args.clone()));
    }

    /** The same, called from inside another cached computation (its entry is bounded by this one). */
    public T get(CacheScope scope, String... args) throws Exception {
        return DataCache.fromScope(scope).get(definition, null, scope, Arrays.asList(args.clone()));
    }

    public String name() {
        return definition.name();
    }
}
