package dev.isr4j.build;

import dev.isr4j.Body;
import dev.isr4j.D1;
import dev.isr4j.Env;
import dev.isr4j.Kv;
import dev.isr4j.api.Clock;
import dev.isr4j.api.Log;
import dev.isr4j.api.SqlDatabase;
import dev.isr4j.cache.InMemoryKvStore;
import dev.isr4j.json.JsonReader;
import dev.isr4j.runtime.IsrRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The env static paths are prerendered with: the site's own data, as {@code npm start} serves it. Vars come from
 * wrangler.jsonc (and {@code .dev.vars} beside it, as {@code wrangler dev} reads it); KV namespaces and D1 databases
 * from the local state wrangler keeps in {@code .wrangler/state} beside the config, read only. A D1 database with no
 * local state yet is built from its migrations folder on an empty database, as
 * {@code wrangler d1 migrations apply --local} would. A binding the config does not declare is an error naming it and
 * the two ways out.
 */
public final class BuildEnv implements Env, AutoCloseable {
    /** Where wrangler and Miniflare keep local data, beside the config ({@code wrangler dev}'s default). */
    static final String STATE = ".wrangler/state/v3";

    private final WranglerConfig config;
    private final Map<String, String> vars = new HashMap<>();
    private final Map<String, Kv> kvs = new HashMap<>();
    private final Map<String, D1> databases = new HashMap<>();
    private final List<JdbcSqlDatabase> opened = new ArrayList<>();
    private final Path state;
    private final Clock clock;
    private final Log log;

    private BuildEnv(WranglerConfig config, Clock clock, Log log) {
        this.config = config;
        this.clock = clock;
        this.log = log;
        Path dir = config.file().toAbsolutePath().getParent();
        this.state = dir.resolve(STATE);
        vars.putAll(config.vars());
        vars.putAll(DevVars.read(dir.resolve(".dev.vars")));
    }

    /** The env of the site configured by {@code wranglerConfig}. */
    public static BuildEnv of(Path wranglerConfig, Clock clock, Log log) {
        return new BuildEnv(WranglerConfig.read(wranglerConfig), clock, log);
    }

    @Override
    public String var(String name) {
        return vars.get(name);
    }

    @Override
    public synchronized Kv kv(String binding) {
        Kv found = kvs.get(binding);
        if (found == null) {
            var declared = config.kvNamespaces().stream().filter(k -> k.binding().equals(binding)).findFirst()
                    .orElseThrow(() -> unavailable("KV namespace", binding, "kv_namespaces"));
            found = IsrRuntime.kv(localKv(declared));
            kvs.put(binding, found);
        }
        return found;
    }

    @Override
    public synchronized D1 d1(String binding) {
        D1 found = databases.get(binding);
        if (found == null) {
            var declared = config.d1Databases().stream().filter(d -> d.binding().equals(binding)).findFirst()
                    .orElseThrow(() -> unavailable("D1 database", binding, "d1_databases"));
            found = D1.over(binding, localD1(declared));
            databases.put(binding, found);
        }
        return found;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Log log() {
        return log;
    }

    private IllegalStateException unavailable(String kind, String binding, String section) {
        return new IllegalStateException(kind + " \"" + binding + "\" is not available at build time: declare it in "
                + section + " of " + config.file() + " (the build reads its local data from .wrangler/state, as "
                + "npm start leaves it), or call .renderStaticPathsOnFirstRequest() on the page so its static paths "
                + "render on their first request");
    }

    /** The namespace's entries as wrangler's local state holds them, copied into memory (writes stay there). */
    private InMemoryKvStore localKv(WranglerConfig.KvBinding declared) {
        var store = new InMemoryKvStore(clock);
        Path index = state.resolve("kv/miniflare-KVNamespaceObject")
                .resolve(MiniflareIds.idFromName("miniflare-KVNamespaceObject", declared.id()) + ".sqlite");
        if (!Files.isRegularFile(index)) {
            log.warn("build: KV " + declared.binding() + " has no local data in " + state + " (run npm start once, "
                    + "or `wrangler kv key put --local`); it is empty while prerendering");
            return store;
        }
        Path blobs = state.resolve("kv").resolve(declared.id()).resolve("blobs");
        try (var db = JdbcSqlDatabase.openReadOnly(index)) {
            String outcome = db.run(new SqlDatabase.Query("SELECT key, blob_id, expiration, metadata FROM _mf_entries",
                    "[]"));
            long now = clock.millis();
            for (Object row : (List<?>) ((Map<?, ?>) JsonReader.parse(outcome)).get("results")) {
                var entry = (Map<?, ?>) row;
                if (entry.get("expiration") instanceof Number expiration && expiration.longValue() <= now) {
                    continue;
                }
                byte[] value = Files.readAllBytes(blobs.resolve((String) entry.get("blob_id")));
                store.put((String) entry.get("key"), Body.of(value), (String) entry.get("metadata"), 0);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read KV " + declared.binding() + "'s local data in " + state + ": "
                    + e.getMessage(), e);
        }
        log.warn("build: KV " + declared.binding() + " read from " + state);
        return store;
    }

    /** The database's local state, read only; without one, its migrations on an empty database. */
    private JdbcSqlDatabase localD1(WranglerConfig.D1Binding declared) {
        Path file = state.resolve("d1/miniflare-D1DatabaseObject")
                .resolve(MiniflareIds.idFromName("miniflare-D1DatabaseObject", declared.databaseId()) + ".sqlite");
        JdbcSqlDatabase db;
        if (Files.isRegularFile(file)) {
            db = JdbcSqlDatabase.openReadOnly(file);
            List<String> pending = Files.isDirectory(declared.migrationsDir())
                    ? D1Migrations.pending(db, declared.migrationsDir()) : List.of();
            if (!pending.isEmpty()) {
                db.close();
                throw new IllegalStateException("D1 " + declared.binding() + "'s local database in " + state
                        + " lacks " + pending.size() + " migration(s) of " + declared.migrationsDir() + " ("
                        + String.join(", ", pending) + "): apply them with `npx wrangler d1 migrations apply "
                        + declared.binding() + " --local` (npm start does), then build again");
            }
            log.warn("build: D1 " + declared.binding() + " read from " + state + " (read only)");
        } else {
            db = JdbcSqlDatabase.inMemory();
            int applied = Files.isDirectory(declared.migrationsDir())
                    ? D1Migrations.apply(db, declared.migrationsDir()).size() : 0;
            log.warn("build: D1 " + declared.binding() + " has no local data yet; prerendering from its " + applied
                    + " migration(s) in " + declared.migrationsDir() + " on an empty database");
        }
        opened.add(db);
        return db;
    }

    @Override
    public synchronized void close() {
        opened.forEach(JdbcSqlDatabase::close);
        opened.clear();
    }

    /** {@code .dev.vars}: {@code NAME=value} lines, {@code #} comments, optional quotes, as wrangler reads it. */
    static final class DevVars {
        private DevVars() {
        }

        static Map<String, String> read(Path file) {
            var out = new HashMap<String, String>();
            if (!Files.isRegularFile(file)) {
                return out;
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
            }
            for (String line : lines) {
                String l = line.trim();
                int eq = l.indexOf('=');
                if (l.isEmpty() || l.startsWith("#") || eq <= 0) {
                    continue;
                }
                String value = l.substring(eq + 1).trim();
                if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                        || value.startsWith("'") && value.endsWith("'"))) {
                    value = value.substring(1, value.length() - 1);
                }
                out.put(l.substring(0, eq).trim(), value);
            }
            return out;
        }
    }
}
