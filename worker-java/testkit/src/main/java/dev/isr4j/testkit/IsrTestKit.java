package dev.isr4j.testkit;

import dev.isr4j.App;
import dev.isr4j.AppProvider;
import dev.isr4j.Body;
import dev.isr4j.D1;
import dev.isr4j.Env;
import dev.isr4j.Fetcher;
import dev.isr4j.Headers;
import dev.isr4j.JsonCodec;
import dev.isr4j.Kv;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.Clock;
import dev.isr4j.api.Log;
import dev.isr4j.build.D1Migrations;
import dev.isr4j.build.JdbcSqlDatabase;
import dev.isr4j.cache.InMemoryKvStore;
import dev.isr4j.cache.KvCacheHandler;
import dev.isr4j.runtime.Deadlines;
import dev.isr4j.runtime.Exchange;
import dev.isr4j.runtime.IsrRuntime;
import dev.isr4j.build.IsrBuild;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an isr4j app in-process on the JVM, exactly as the Wasm build runs it in workerd: same router, same
 * ISR layer, same KV cache handler (over an in-memory KV namespace), with a clock the test moves and
 * background work ({@code ctx.waitUntil}) the test drains.
 *
 * <pre>{@code
 * IsrTestKit kit = IsrTestKit.start(new BlogApp());
 * assertEquals("MISS", kit.get("/api/posts/1").cacheState());
 * kit.drain();                                   // the MISS write
 * assertEquals("HIT", kit.get("/api/posts/1").cacheState());
 * kit.clock().advanceSeconds(61);
 * assertEquals("STALE", kit.get("/api/posts/1").cacheState());
 * }</pre>
 *
 * <p>D1 databases are SQLite in memory, fresh for every kit, with the app's migrations applied:
 * {@code IsrTestKit.builder(app).d1("DB", Path.of("migrations")).build()}; {@link #d1} seeds and inspects them.
 */
public final class IsrTestKit {
    private static final int MAX_DRAIN_TASKS = 100_000;

    private final TestClock clock;
    private final Map<String, String> vars;
    private final Map<String, InMemoryKvStore> namespaces = new HashMap<>();
    private final Map<String, D1> databases = new HashMap<>();
    private int answeredNow;
    private final StubFetcher fetcher = new StubFetcher();
    private final RecordingLog log = new RecordingLog();
    private final ArrayDeque<Runnable> background = new ArrayDeque<>();
    private final IsrRuntime runtime;
    private final Env env;

    private IsrTestKit(Builder b) {
        this.clock = b.clock;
        this.vars = new HashMap<>(b.vars);
        for (String name : b.kvBindings) {
            namespaces.put(name, new InMemoryKvStore(clock));
        }
        b.d1Bindings.forEach((binding, migrations) -> {
            JdbcSqlDatabase sqlite = JdbcSqlDatabase.inMemory();
            if (migrations != null) {
                D1Migrations.apply(sqlite, migrations);
            }
            databases.put(binding, D1.over(binding, sqlite));
        });
        this.env = new KitEnv();
        for (var seed : b.seeds) {
            seed.accept(env); // the site's data exists before the build, as local state before `mvn package`
        }
        // As `mvn package` does for the Wasm build: static paths are prerendered before the first request.
        String prerendered = IsrBuild.prerender(b.app, env, clock, log); // with the kit's vars and bindings
        this.runtime = IsrRuntime.start(b.app, namespaces.get(IsrRuntime.KV_BINDING), KvCacheHandler.Tiers.NONE, clock,
                log, prerendered);
    }

    /** Starts the app with a KV-backed cache (as deployed with {@code CACHE_KV}) and a fresh clock. */
    public static IsrTestKit start(AppProvider provider) {
        return builder(provider.create()).build();
    }

    public static IsrTestKit start(App app) {
        return builder(app).build();
    }

    public static Builder builder(App app) {
        return new Builder(app);
    }

    public TestResponse get(String path) {
        return request("GET", path).send();
    }

    public TestResponse head(String path) {
        return request("HEAD", path).send();
    }

    public TestResponse post(String path, String body) {
        return request("POST", path).body(body).send();
    }

    /** A request to build up (headers, body) and {@link TestRequest#send()}. */
    public TestRequest request(String method, String path) {
        return new TestRequest(method, path);
    }

    public TestClock clock() {
        return clock;
    }

    /** Runs queued background work (MISS writes, regenerations) until none is left; returns how many ran. */
    public int drain() {
        int ran = 0;
        while (true) {
            Runnable task;
            synchronized (background) {
                task = background.poll();
            }
            if (task == null) {
                return ran;
            }
            if (++ran > MAX_DRAIN_TASKS) {
                throw new IllegalStateException("background work keeps scheduling more work (over "
                        + MAX_DRAIN_TASKS + " tasks)");
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("background task failed", e);
            }
        }
    }

    /**
     * How many requests so far were answered at once from an entry the runtime could classify without waiting
     * (as workerd answers most HITs: no green thread, no promise); the rest went through the full path.
     */
    public int answeredAtOnce() {
        return answeredNow;
    }

    /** Background tasks queued and not yet run. */
    public int pendingBackgroundWork() {
        synchronized (background) {
            return background.size();
        }
    }

    /** The KV namespace bound as {@code binding} (CACHE_KV holds the cache), for seeding and inspection. */
    public InMemoryKvStore kvStore(String binding) {
        var store = namespaces.get(binding);
        if (store == null) {
            throw new IllegalArgumentException("no KV binding " + binding + "; add it with builder.kv(\"" + binding
                    + "\")");
        }
        return store;
    }

    /** The handler's view of a KV binding. */
    public Kv kv(String binding) {
        return IsrRuntime.kv(kvStore(binding));
    }

    /**
     * The D1 database bound as {@code binding} (the one handlers get from {@code env().d1(binding)}), for seeding
     * and inspection: {@code kit.d1("DB").prepare("INSERT INTO posts (slug) VALUES (?)").bind("a").run()}.
     *
     * @throws dev.isr4j.D1Exception when the builder bound no database of that name, as a handler's lookup does
     */
    public D1 d1(String binding) {
        return env.d1(binding);
    }

    /** Stubs for outbound fetch; unstubbed URLs throw. */
    public StubFetcher fetcher() {
        return fetcher;
    }

    /** Every warning and error the runtime logged. */
    public List<String> logs() {
        return log.lines();
    }

    public Env env() {
        return env;
    }

    /** The patterns of the app's routes and pages, in declaration order (e.g. {@code /api/posts/{id}}). */
    public List<String> routePatterns() {
        return runtime.routePatterns();
    }

    /** A request under construction. */
    public final class TestRequest {
        private final String method;
        private final String path;
        private final List<Map.Entry<String, String>> headers = new ArrayList<>();
        private byte[] body = new byte[0];

        private TestRequest(String method, String path) {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("paths start with '/': " + path);
            }
            this.method = method;
            this.path = path;
        }

        public TestRequest header(String name, String value) {
            headers.add(Map.entry(name, value));
            return this;
        }

        public TestRequest body(String text) {
            this.body = text.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        public TestRequest body(byte[] bytes) {
            this.body = bytes.clone();
            return this;
        }

        public TestResponse send() {
            Request request = Request.builder(method, "http://localhost" + path)
                    .headers(Headers.of(headers))
                    .body(Body.of(body))
                    .env(env)
                    .build();
            BackgroundWork queue = task -> {
                synchronized (background) {
                    background.add(task);
                }
            };
            // The path workerd takes, the same steps in the same loop as its shim: the runtime names the one read a
            // cached answer needs, then answers a fresh entry it can serve from what it knows at once (a stale one
            // too, its regeneration queued; tag records it lacks are read first), and otherwise runs the request,
            // what the read found standing in for the first cache lookup.
            Exchange exchange = runtime.begin(request, queue);
            Response response = HostLoop.answer(exchange, namespaces.get(IsrRuntime.KV_BINDING));
            if (exchange.step() == Exchange.Step.ANSWER) {
                answeredNow++;
            }
            return new TestResponse(response);
        }
    }

    public static final class Builder {
        private final App app;
        private TestClock clock = new TestClock();
        private final Map<String, String> vars = new HashMap<>();
        private final List<String> kvBindings = new ArrayList<>(List.of(IsrRuntime.KV_BINDING));
        private final List<java.util.function.Consumer<Env>> seeds = new ArrayList<>();
        private final Map<String, Path> d1Bindings = new LinkedHashMap<>();

        private Builder(App app) {
            if (app == null) {
                throw new IllegalArgumentException("IsrTestKit needs an App");
            }
            this.app = app;
        }

        /** A variable or secret, as in wrangler.jsonc vars or {@code wrangler secret put}. */
        public Builder var(String name, String value) {
            vars.put(name, value);
            return this;
        }

        /** Another KV binding. */
        public Builder kv(String binding) {
            kvBindings.add(binding);
            return this;
        }

        /** A D1 database ({@code d1_databases} in wrangler.jsonc): SQLite in memory, empty, fresh for each kit. */
        public Builder d1(String binding) {
            d1Bindings.put(binding, null);
            return this;
        }

        /**
         * A D1 database with the migrations in {@code migrationsDir} applied, as {@code wrangler d1 migrations apply}
         * applies them to a fresh database: every {@code *.sql} file in the folder, in wrangler's order (by the
         * number their name starts with, {@code 0001_init.sql}, then by name). See {@link D1Migrations}.
         */
        public Builder d1(String binding, Path migrationsDir) {
            if (migrationsDir == null) {
                throw new IllegalArgumentException("d1(\"" + binding + "\", migrationsDir) needs a folder; d1(\""
                        + binding + "\") binds an empty database");
            }
            D1Migrations.list(migrationsDir); // a folder that is not there fails here, where the test names it
            d1Bindings.put(binding, migrationsDir);
            return this;
        }

        /** No CACHE_KV binding: the cache is in memory, as with `wrangler dev` without KV. */
        public Builder withoutCacheKv() {
            kvBindings.remove(IsrRuntime.KV_BINDING);
            return this;
        }

        /**
         * Puts data into the kit's bindings before static paths are prerendered, as the site's data exists before
         * its build: {@code .seed(env -> env.kv("PRODUCTS").put("1", "Kettle"))}. Seeds run in order.
         */
        public Builder seed(java.util.function.Consumer<Env> seed) {
            seeds.add(seed);
            return this;
        }

        public Builder clock(TestClock clock) {
            this.clock = clock;
            return this;
        }

        public IsrTestKit build() {
            return new IsrTestKit(this);
        }
    }

    private final class KitEnv implements Env {
        @Override
        public String var(String name) {
            return vars.get(name);
        }

        @Override
        public Kv kv(String binding) {
            var store = namespaces.get(binding);
            return store == null ? null : IsrRuntime.kv(store);
        }

        @Override
        public D1 d1(String binding) {
            D1 db = databases.get(binding);
            if (db == null) {
                return Env.super.d1(binding); // throws, naming the binding, as in workerd
            }
            Deadlines.d1Millis(this); // a bad ISR_D1_TIMEOUT_MS fails here as it does in workerd
            return db;
        }

        @Override
        public Fetcher fetcher() {
            return fetcher;
        }

        @Override
        public Clock clock() {
            return clock;
        }

        @Override
        public Log log() {
            return log;
        }

        @Override
        public JsonCodec json() {
            return JacksonJsonCodec.INSTANCE;
        }
    }
}
