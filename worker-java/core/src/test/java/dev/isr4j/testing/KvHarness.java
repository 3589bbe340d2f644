package dev.isr4j.testing;

import dev.isr4j.App;
import dev.isr4j.Env;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.api.KvCacheOptions;
import dev.isr4j.api.KvStore;
import dev.isr4j.cache.InMemoryKvStore;
import dev.isr4j.cache.KvCacheHandler;
import dev.isr4j.routing.Dispatcher;
import java.util.function.Function;

/**
 * The real {@link Dispatcher} over the real {@link KvCacheHandler} on an {@link InMemoryKvStore} (KV's limits
 * enforced), with a {@link ManualClock}, a {@link QueuedBackgroundWork} and one {@link RecordingLog} shared by
 * the dispatcher and the KV handler. A test can put a wrapper (faults, recording) between handler and store.
 */
public final class KvHarness {
    public final ManualClock clock = new ManualClock(IsrHarness.T0);
    public final QueuedBackgroundWork background = new QueuedBackgroundWork();
    public final RecordingLog log = new RecordingLog();
    /** The namespace itself (raw access, limits). */
    public final InMemoryKvStore memory = new InMemoryKvStore(clock);
    /** What the handler talks to: {@link #memory} or a wrapper around it. */
    public final KvStore store;
    public final KvCacheHandler kv;
    public final Dispatcher dispatcher;
    private Env env = Env.NONE;

    public KvHarness(App app) {
        this(app, KvCacheOptions.defaults(), Function.identity());
    }

    public KvHarness(App app, KvCacheOptions options) {
        this(app, options, Function.identity());
    }

    public KvHarness(App app, KvCacheOptions options, Function<KvStore, KvStore> wrap) {
        this.store = wrap.apply(memory);
        this.kv = new KvCacheHandler(store, clock, log, options);
        this.dispatcher = new Dispatcher(app, kv, log, java.util.Map.of(), clock);
    }

    /** The Env every request of {@link #get} and {@link #request} carries. */
    public KvHarness env(Env env) {
        this.env = env;
        return this;
    }

    public Response get(String path) {
        return request("GET", path);
    }

    public Response request(String method, String path) {
        return send(Request.builder(method, IsrHarness.ORIGIN + path).env(env).build());
    }

    public Response send(Request request) {
        return dispatcher.handle(request, background);
    }

    /** The cache key the dispatcher uses for this path. */
    public String key(String path) {
        return dispatcher.cache().keyFor(path);
    }

    /** The KV key the entry for this path lives under. */
    public String entryKey(String path) {
        return kv.entryKey(key(path));
    }
}
