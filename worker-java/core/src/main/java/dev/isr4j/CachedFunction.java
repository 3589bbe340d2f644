package dev.isr4j;

import dev.isr4j.spi.ComputationContext;
import dev.isr4j.text.Tags;
import dev.isr4j.text.Text;
import dev.isr4j.bind.JsonBinding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
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

    private final String name;
    private final Computation<T> computation;
    private final boolean bytes;
    /** A typed function's class: the runtime stores its value's JSON text and {@code get} reads it back. */
    private final Class<T> jsonType;
    private final List<String> tags = new ArrayList<>();
    private final List<String> tagView = Collections.unmodifiableList(tags);
    private String profile;
    private long revalidateSeconds;

    CachedFunction(String name, Computation<T> computation, boolean bytes) {
        this(name, computation, bytes, null);
    }

    CachedFunction(String name, Computation<T> computation, boolean bytes, Class<T> jsonType) {
        if (!Text.isWord(name, "._-", 1, 64)) {
            throw new IllegalArgumentException("a cached function needs a name of 1-64 letters, digits, '.', "
                    + "'_' or '-', got: " + name);
        }
        if (computation == null) {
            throw new IllegalArgumentException("cached function '" + name + "' has no computation");
        }
        this.name = name;
        this.computation = computation;
        this.bytes = bytes;
        this.jsonType = jsonType;
    }

    /** Cache tags of every entry of this function ({@code {0}}, {@code {1}}... are replaced by arguments). */
    public CachedFunction<T> tags(String... tags) {
        for (String t : tags) {
            Tags.validate(t.replace("{", "").replace("}", ""));
            this.tags.add(t);
        }
        return this;
    }

    /**
     * Revalidate and expire from a named cache-life profile (checked when the app starts): the same name and
     * profiles as {@code RouteBuilder.cacheLife} and, inside a computation, {@code scope.cacheLife}.
     */
    public CachedFunction<T> cacheLife(String profile) {
        this.profile = profile;
        return this;
    }

    /** Revalidate after {@code seconds} (expire stays the app's). */
    public CachedFunction<T> revalidate(long seconds) {
        if (seconds < 1) {
            throw new IllegalArgumentException("cached function '" + name + "': revalidate must be at least "
                    + "1 second, got " + seconds);
        }
        this.revalidateSeconds = seconds;
        return this;
    }

    /** The cached result for these arguments, computing it when absent. */
    public T get(Request request, String... args) throws Exception {
        Object stored = request.context().cached(this, request, Arrays.asList(args.clone()));
        return decode(stored);
    }

    /** The same, called from inside another cached computation (its entry is bounded by this one). */
    public T get(CacheScope scope, String... args) throws Exception {
        if (scope instanceof ComputationContext computing) {
            Object stored = computing.cached(this, Arrays.asList(args.clone()));
            return decode(stored);
        }
        throw new IllegalArgumentException("this CacheScope was not created by isr4j");
    }

    public String name() {
        return name;
    }

    /** A typed function's value from the text the runtime stored (its JSON); others' values as they are. */
    @SuppressWarnings("unchecked")
    private T decode(Object stored) {
        return jsonType == null || stored == null ? (T) stored : JsonBinding.fromJson((String) stored, jsonType);
    }

    /**
     * What computes a value (the runtime calls it). A typed function's computation gives the runtime its value's
     * JSON text, which is what is stored and shared.
     */
    @SuppressWarnings("unchecked")
    public Computation<T> computation() {
        if (jsonType != null) {
            Computation<String> asJson = (scope, args) -> {
                T value = computation.compute(scope, args);
                return value == null ? null : JsonBinding.toJson(value);
            };
            return (Computation<T>) (Computation<?>) asJson;
        }
        return computation;
    }

    /** True for {@code byte[]} values ({@link App#cachedBytes}), false for text. */
    public boolean returnsBytes() {
        return bytes;
    }

    /** Tag templates in declaration order. */
    public List<String> tagTemplates() {
        return tagView;
    }

    /** The cache-life profile's name, or null. */
    public String cacheLifeName() {
        return profile;
    }

    /** The revalidate set with {@link #revalidate(long)}, or 0. */
    public long revalidateSeconds() {
        return revalidateSeconds;
    }
}
