package dev.isr4j.testing;

import dev.isr4j.App;
import dev.isr4j.Env;
import dev.isr4j.Headers;
import dev.isr4j.Kv;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.api.CacheHandler;
import dev.isr4j.cache.InMemoryCacheHandler;
import dev.isr4j.routing.Dispatcher;
import java.util.Map;

/**
 * The real {@link Dispatcher} over a cache handler (by default the real {@link InMemoryCacheHandler}) with a
 * {@link ManualClock}, a {@link QueuedBackgroundWork} and a {@link RecordingLog}.
 */
public final class IsrHarness {
    /** An arbitrary, realistic epoch-ms start time. */
    public static final long T0 = 1_700_000_000_000L;
    public static final String ORIGIN = "http://localhost";

    public final ManualClock clock = new ManualClock(T0);
    public final QueuedBackgroundWork background = new QueuedBackgroundWork();
    public final RecordingLog log = new RecordingLog();
    public final CacheHandler cacheHandler;
    public final Dispatcher dispatcher;

    /** Real Dispatcher + InMemoryCacheHandler on the manual clock. */
    public IsrHarness(App app) {
        this.cacheHandler = new InMemoryCacheHandler(clock);
        this.dispatcher = new Dispatcher(app, cacheHandler, log, Map.of(), clock);
    }

    /** Real Dispatcher over the given cache handler (build it with {@link #clock} if it needs time). */
    public IsrHarness(App app, java.util.function.Function<ManualClock, CacheHandler> cacheFactory) {
        this.cacheHandler = cacheFactory.apply(clock);
        this.dispatcher = new Dispatcher(app, cacheHandler, log, Map.of(), clock);
    }

    public InMemoryCacheHandler memory() {
        return (InMemoryCacheHandler) cacheHandler;
    }

    public Response get(String path) {
        return send(Request.builder("GET", ORIGIN + path).build());
    }

    public Response head(String path) {
        return send(Request.builder("HEAD", ORIGIN + path).build());
    }

    public Response request(String method, String path) {
        return send(Request.builder(method, ORIGIN + path).build());
    }

    public Response send(Request request) {
        return dispatcher.handle(request, background);
    }

    /** A GET with the given request headers. */
    public Response getWithHeaders(String path, Headers headers) {
        return send(Request.builder("GET", ORIGIN + path).headers(headers).build());
    }

    /** The cache key the dispatcher uses for this path. */
    public String key(String path) {
        return dispatcher.cache().keyFor(path);
    }

    /** An Env with the given plain variables and no KV bindings. */
    public static Env env(Map<String, String> vars) {
        return new Env() {
            @Override
            public String var(String name) {
                return vars.get(name);
            }

            @Override
            public Kv kv(String binding) {
                return null;
            }
        };
    }
}
