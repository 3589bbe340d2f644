package dev.isr4j.testkit;

import dev.isr4j.runtime.IsrRuntime;
import dev.isr4j.cache.KvCacheHandler;

import dev.isr4j.App;
import dev.isr4j.Body;
import dev.isr4j.Env;
import dev.isr4j.Headers;
import dev.isr4j.Kv;
import dev.isr4j.Request;
import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.Clock;
import dev.isr4j.api.KvStore;
import dev.isr4j.api.Log;
import dev.isr4j.coord.CoordinatorOptions;
import dev.isr4j.coord.InProcessCoordinator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The test kit's cluster mode: many isolates of one app, each with its own memory (dedup, tag cache) and its own
 * location, over one {@link SimulatedKv} (propagation delay per location, one write per second per key) and,
 * in {@link Mode#COORDINATOR}, one in-process coordinator - all on one {@link TestClock}. Deterministic: nothing
 * runs unless the test sends a request or {@link #drain()}s background work.
 *
 * <pre>{@code
 * IsrCluster cluster = IsrCluster.builder(BlogApp::create).isolates(1000).locations(100)
 *         .mode(IsrCluster.Mode.COORDINATOR).build();
 * cluster.isolate(7).get("/api/posts/1");
 * cluster.drain();
 * long rejected = cluster.kv().writesRejected();
 * }</pre>
 */
public final class IsrCluster {
    /** How isolates avoid duplicate regenerations. */
    public enum Mode {
        /** Each isolate deduplicates its own requests; tag records in KV (isr4j without ISR_COORDINATOR). */
        PER_ISOLATE,
        /** Regeneration leases and tag records in the coordinator (isr4j with ISR_COORDINATOR bound). */
        COORDINATOR
    }

    private final TestClock clock;
    private final SimulatedKv kv;
    private final InProcessCoordinator coordinator;
    private final List<Isolate> isolates = new ArrayList<>();
    private final CountingLog log = new CountingLog();

    private IsrCluster(Builder b) {
        this.clock = b.clock;
        this.kv = SimulatedKv.spread(clock, b.locations, b.maxPropagationMillis);
        this.coordinator = b.mode == Mode.COORDINATOR
                ? new InProcessCoordinator(b.coordinatorOptions.shards(), clock) : null;
        for (int i = 0; i < b.isolates; i++) {
            isolates.add(new Isolate(i, i % b.locations, b));
        }
    }

    public static Builder builder(Supplier<App> app) {
        return new Builder(app);
    }

    public Isolate isolate(int index) {
        return isolates.get(index);
    }

    public List<Isolate> isolates() {
        return List.copyOf(isolates);
    }

    public TestClock clock() {
        return clock;
    }

    public SimulatedKv kv() {
        return kv;
    }

    /** The coordinator, or null in {@link Mode#PER_ISOLATE}. */
    public InProcessCoordinator coordinator() {
        return coordinator;
    }

    /** Warnings and errors all isolates logged. */
    public long logged() {
        return log.count();
    }

    /** Runs every isolate's background work, round robin, until none is left; returns how many tasks ran. */
    public int drain() {
        int ran = 0;
        boolean any = true;
        while (any) {
            any = false;
            for (Isolate isolate : isolates) {
                Runnable task = isolate.background.poll();
                if (task != null) {
                    any = true;
                    ran++;
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        log.error("background task failed", e);
                    }
                }
            }
        }
        return ran;
    }

    /** One isolate: its own dispatcher (and so its own dedup and tag cache), in one location. */
    public final class Isolate {
        private final int index;
        private final int location;
        private final IsrRuntime runtime;
        /** KV as this isolate's location sees it: what its cache reads and what its host loop reads. */
        private final KvStore store;
        private final ArrayDeque<Runnable> background = new ArrayDeque<>();
        private final BackgroundWork queue = background::add;
        private final Env env;

        private Isolate(int index, int location, Builder b) {
            this.index = index;
            this.location = location;
            this.store = kv.at(location);
            this.runtime = IsrRuntime.start(b.app.get(), store, KvCacheHandler.Tiers.NONE, clock, log, null);
            if (coordinator != null) {
                runtime.coordinate(coordinator, b.coordinatorOptions, clock, log);
            }
            // A request waiting for another isolate's render lets simulated time pass and the others' work run.
            runtime.collapsePause(millis -> {
                clock.advanceMillis(millis);
                drain();
            });
            var vars = Map.copyOf(b.vars);
            this.env = new Env() {
                @Override
                public String var(String name) {
                    return vars.get(name);
                }

                @Override
                public Kv kv(String binding) {
                    return null;
                }

                @Override
                public Clock clock() {
                    return clock;
                }

                @Override
                public Log log() {
                    return log;
                }
            };
        }

        public int index() {
            return index;
        }

        public int location() {
            return location;
        }

        public TestResponse get(String path) {
            return send("GET", path, Map.of(), new byte[0]);
        }

        public TestResponse post(String path, String body, Map<String, String> headers) {
            return send("POST", path, headers, body.getBytes(StandardCharsets.UTF_8));
        }

        private TestResponse send(String method, String path, Map<String, String> headers, byte[] body) {
            var request = Request.builder(method, "http://localhost" + path)
                    .headers(Headers.of(new ArrayList<>(headers.entrySet())))
                    .body(Body.of(body)).env(env).build();
            return new TestResponse(HostLoop.answer(runtime.begin(request, queue), store));
        }
    }

    public static final class Builder {
        private final Supplier<App> app;
        private TestClock clock = new TestClock();
        private int isolates = 10;
        private int locations = 10;
        private long maxPropagationMillis = 60_000;
        private Mode mode = Mode.PER_ISOLATE;
        private CoordinatorOptions coordinatorOptions = CoordinatorOptions.defaults();
        private final Map<String, String> vars = new HashMap<>();

        private Builder(Supplier<App> app) {
            this.app = app;
        }

        public Builder isolates(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("a cluster needs at least one isolate, got " + n);
            }
            isolates = n;
            return this;
        }

        /** Locations the isolates are spread over, round robin; KV reaches them after 0 ... max propagation. */
        public Builder locations(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("a cluster needs at least one location, got " + n);
            }
            locations = n;
            return this;
        }

        /** How long a KV write takes to reach the farthest location (Workers KV: up to about 60 s). */
        public Builder maxPropagationMillis(long ms) {
            maxPropagationMillis = ms;
            return this;
        }

        public Builder mode(Mode mode) {
            this.mode = mode;
            return this;
        }

        public Builder coordinatorOptions(CoordinatorOptions options) {
            this.coordinatorOptions = options;
            return this;
        }

        public Builder clock(TestClock clock) {
            this.clock = clock;
            return this;
        }

        /** A variable every isolate's env has (a secret, ISR_ORIGIN...). */
        public Builder var(String name, String value) {
            vars.put(name, value);
            return this;
        }

        public IsrCluster build() {
            return new IsrCluster(this);
        }
    }

    /** Counts what 1,000 isolates log instead of keeping it (a storm logs every rejected write). */
    private static final class CountingLog implements Log {
        private long count;

        @Override
        public synchronized void warn(String message) {
            count++;
        }

        @Override
        public synchronized void error(String message, Throwable error) {
            count++;
        }

        synchronized long count() {
            return count;
        }
    }
}
