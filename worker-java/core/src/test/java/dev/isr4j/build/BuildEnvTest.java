package dev.isr4j.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.Env;
import dev.isr4j.Fallback;
import dev.isr4j.Json;
import dev.isr4j.Props;
import dev.isr4j.json.JsonReader;
import dev.isr4j.runtime.Prerenderer;
import dev.isr4j.testing.ManualClock;
import dev.isr4j.testing.RecordingLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prerendering sees the site's data: vars from wrangler.jsonc and .dev.vars, D1 and KV from wrangler's local state
 * (or, for D1 without state, its migrations), static paths listed from that data; a binding the config lacks fails
 * the build naming it.
 */
class BuildEnvTest {
    static final long NOW = 1_800_000_000_000L;
    static final String DB_ID = "00000000-0000-0000-0000-000000000001";

    @TempDir
    Path site;

    Path config(String extra) throws IOException {
        Path file = site.resolve("wrangler.jsonc");
        Files.writeString(file, """
                {
                  // comments and trailing commas, as wrangler allows
                  "name": "blog", /* inline */ "main": "worker-shim/isr4j-worker.mjs",
                  "vars": { "SITE_NAME": "The // Blog", "LIMIT": 3, },
                  "kv_namespaces": [{ "binding": "DATA", "id": "abc123" }],
                  "d1_databases": [
                    { "binding": "DB", "database_name": "blog", "database_id": "%s", %s },
                  ],
                }
                """.formatted(DB_ID, extra));
        return file;
    }

    void migrations(String folder) throws IOException {
        Path dir = Files.createDirectories(site.resolve(folder));
        Files.writeString(dir.resolve("0001_posts.sql"), "CREATE TABLE posts (slug TEXT PRIMARY KEY, title TEXT);");
        Files.writeString(dir.resolve("0002_seed.sql"), "INSERT INTO posts VALUES ('hello', 'Hello'); "
                + "INSERT INTO posts VALUES ('second', 'Second');");
    }

    BuildEnv env(Path config) {
        return BuildEnv.of(config, new ManualClock(NOW), new RecordingLog());
    }

    @Test
    void miniflareNamesLocalStateAsWranglerDoes() {
        // the file `wrangler d1 migrations apply DB --local` wrote for this database id
        assertEquals("a36f84ea60804f30bb0c7f7cad9f5336a6cca0165abdab8b9241d93dbf0b6006",
                MiniflareIds.idFromName("miniflare-D1DatabaseObject", DB_ID));
        assertEquals("aef91bdfb405bfb5b9f6b37bb22913ea371a31a917d25e6fa469a45d2cfad734",
                MiniflareIds.idFromName("miniflare-KVNamespaceObject", "abc123"));
    }

    @Test
    void varsComeFromTheConfigAndDevVarsOverride() throws IOException {
        Path config = config("\"migrations_dir\": \"db\"");
        Files.writeString(site.resolve(".dev.vars"), "# local secrets\nAPI_TOKEN=\"s3cret\"\nSITE_NAME=Local\n");
        try (var env = env(config)) {
            assertEquals("Local", env.var("SITE_NAME"));
            assertEquals("s3cret", env.var("API_TOKEN"));
            assertNull(env.var("LIMIT"), "a var that is not text is not a string var, as in workerd");
        }
    }

    @Test
    void withoutLocalStateD1IsItsMigrationsOnAnEmptyDatabase() throws IOException {
        migrations("db");
        try (var env = env(config("\"migrations_dir\": \"db\""))) {
            assertEquals(2L, env.d1("DB").prepare("SELECT count(*) AS n FROM posts").first("n", Long.class));
        }
    }

    @Test
    void localStateIsReadAsNpmStartLeftIt() throws IOException {
        migrations("migrations");
        Path d1 = Files.createDirectories(site.resolve(BuildEnv.STATE).resolve("d1/miniflare-D1DatabaseObject"));
        try (var state = JdbcSqlDatabase.open("jdbc:sqlite:" + d1.resolve(
                MiniflareIds.idFromName("miniflare-D1DatabaseObject", DB_ID) + ".sqlite"))) {
            D1Migrations.apply(state, site.resolve("migrations")); // as npm start leaves it
            state.execute("UPDATE posts SET title = 'Edited locally' WHERE slug = 'hello'; "
                    + "DELETE FROM posts WHERE slug = 'second';");
        }
        Path kv = Files.createDirectories(site.resolve(BuildEnv.STATE).resolve("kv/miniflare-KVNamespaceObject"));
        Path blobs = Files.createDirectories(site.resolve(BuildEnv.STATE).resolve("kv/abc123/blobs"));
        Files.writeString(blobs.resolve("b1"), "hello from local KV");
        Files.writeString(blobs.resolve("b2"), "expired");
        try (var index = JdbcSqlDatabase.open("jdbc:sqlite:" + kv.resolve(
                MiniflareIds.idFromName("miniflare-KVNamespaceObject", "abc123") + ".sqlite"))) {
            index.execute("CREATE TABLE _mf_entries (key TEXT PRIMARY KEY, blob_id TEXT NOT NULL, expiration INTEGER, "
                    + "metadata TEXT); INSERT INTO _mf_entries VALUES ('greeting', 'b1', NULL, NULL); "
                    + "INSERT INTO _mf_entries VALUES ('old', 'b2', " + (NOW - 1) + ", NULL);");
        }
        try (var env = env(config("\"migrations_dir\": \"migrations\""))) {
            assertEquals("Edited locally", env.d1("DB").prepare("SELECT title FROM posts").first("title",
                    String.class), "the local data, not a fresh copy of the migrations");
            assertEquals("hello from local KV", env.kv("DATA").getText("greeting"));
            assertNull(env.kv("DATA").getText("old"), "an entry past its expiration is gone, as in KV");
            var readOnly = assertThrows(RuntimeException.class,
                    () -> env.d1("DB").prepare("DELETE FROM posts").run());
            assertTrue(readOnly.getMessage().contains("readonly"), readOnly.getMessage());
        }
    }

    @Test
    void localStateWithoutTheNewestMigrationsFailsSayingHowToApplyThem() throws IOException {
        migrations("migrations");
        Path d1 = Files.createDirectories(site.resolve(BuildEnv.STATE).resolve("d1/miniflare-D1DatabaseObject"));
        Path file = d1.resolve(MiniflareIds.idFromName("miniflare-D1DatabaseObject", DB_ID) + ".sqlite");
        try (var state = JdbcSqlDatabase.open("jdbc:sqlite:" + file)) {
            state.execute("CREATE TABLE unrelated (x INTEGER);"); // `wrangler dev` ran before any migration
        }
        try (var env = env(config("\"migrations_dir\": \"migrations\""))) {
            var e = assertThrows(IllegalStateException.class, () -> env.d1("DB"));
            assertTrue(e.getMessage().contains("lacks 2 migration(s)") && e.getMessage().contains(
                    "0001_posts.sql, 0002_seed.sql") && e.getMessage().contains(
                    "npx wrangler d1 migrations apply DB --local"), e.getMessage());
        }
        try (var state = JdbcSqlDatabase.open("jdbc:sqlite:" + file)) {
            D1Migrations.apply(state, site.resolve("migrations"));
        }
        Files.writeString(site.resolve("migrations").resolve("0003_more.sql"), "INSERT INTO posts VALUES ('3', 'Three');");
        try (var env = env(config("\"migrations_dir\": \"migrations\""))) {
            var e = assertThrows(IllegalStateException.class, () -> env.d1("DB"));
            assertTrue(e.getMessage().contains("lacks 1 migration(s)") && e.getMessage().contains("(0003_more.sql)"),
                    e.getMessage());
        }
    }

    @Test
    void aBindingTheConfigLacksNamesItselfAndTheWaysOut() throws IOException {
        try (var env = env(config("\"migrations_dir\": \"db\""))) {
            var kv = assertThrows(IllegalStateException.class, () -> env.kv("PRODUCTS"));
            assertTrue(kv.getMessage().contains("KV namespace \"PRODUCTS\" is not available at build time"),
                    kv.getMessage());
            assertTrue(kv.getMessage().contains("kv_namespaces"), kv.getMessage());
            assertTrue(kv.getMessage().contains("renderStaticPathsOnFirstRequest"), kv.getMessage());
            var d1 = assertThrows(IllegalStateException.class, () -> env.d1("OTHER"));
            assertTrue(d1.getMessage().contains("d1_databases"), d1.getMessage());
        }
    }

    /** A blog whose post pages list the newest posts from D1 at build time and read them in their props. */
    static App blog(List<String> propsCalls) {
        App app = App.create();
        var site = app.cachedText("site-name", (scope, args) -> "cached").revalidate(60);
        app.page("/posts/{slug}").fallback(Fallback.BLOCKING).revalidate(60)
                .staticPaths(env -> env.d1("DB").prepare("SELECT slug FROM posts ORDER BY slug").all(String.class)
                        .stream().map(s -> "/posts/" + s).toList())
                .props(req -> {
                    propsCalls.add(req.param("slug") + ":" + site.get(req));
                    String title = req.env().d1("DB").prepare("SELECT title FROM posts WHERE slug = ?")
                            .bind(req.param("slug")).first("title", String.class);
                    return title == null ? Props.notFound()
                            : Props.of(Json.object().put("title", title).put("site", req.env().var("SITE_NAME")));
                })
                .render(p -> "<h1>" + String.valueOf(p.get("title")) + "</h1>" + String.valueOf(p.get("site")));
        return app;
    }

    @Test
    void staticPathsAreListedAndRenderedFromTheBuildsData() throws IOException {
        migrations("db");
        var calls = new ArrayList<String>();
        String bundle;
        try (var env = env(config("\"migrations_dir\": \"db\""))) {
            bundle = Prerenderer.render(blog(calls), env, new ManualClock(NOW), new RecordingLog());
        }
        assertEquals(List.of("hello:cached", "second:cached"), calls);
        var entries = (List<?>) ((Map<?, ?>) JsonReader.parse(bundle)).get("entries");
        assertEquals(2, entries.size(), "the two pages; the cached function's value is not bundled: " + bundle);
        String body = (String) ((List<?>) entries.get(0)).get(2); // an HTML page is bundled as text
        assertTrue(body.contains("Hello") && body.contains("The // Blog"), body);
    }

    @Test
    void aPageMayLeaveItsStaticPathsToTheirFirstRequestAndTheBuildSaysSo() {
        var calls = new ArrayList<String>();
        App app = App.create();
        app.page("/products/{id}").staticPaths("/products/1", "/products/2").renderStaticPathsOnFirstRequest()
                .props(req -> {
                    calls.add(req.param("id"));
                    return Props.of(Json.object().put("name", req.env().kv("PRODUCTS").getText(req.param("id"))));
                })
                .render(p -> String.valueOf(p.get("name")));
        var log = new RecordingLog();
        String bundle = Prerenderer.render(app, Env.NONE, new ManualClock(NOW), log);
        assertEquals(List.of(), calls);
        assertEquals(List.of(), ((Map<?, ?>) JsonReader.parse(bundle)).get("entries"));
        assertTrue(log.toString().contains("left to their first request"), log.toString());
        assertTrue(log.toString().contains("/products/1, /products/2"), log.toString());
    }

    @Test
    void aStaticPathThatReadsAMissingBindingFailsTheBuildWithTheReason() throws IOException {
        App app = App.create();
        app.page("/products/{id}").staticPaths("/products/1")
                .props(req -> Props.of(Json.object().put("name", req.env().kv("PRODUCTS").getText("1"))))
                .render(p -> String.valueOf(p.get("name")));
        try (var env = env(config("\"migrations_dir\": \"db\""))) {
            var e = assertThrows(IllegalStateException.class,
                    () -> Prerenderer.render(app, env, new ManualClock(NOW), new RecordingLog()));
            assertTrue(e.getMessage().contains("prerendering /products/1 failed"), e.getMessage());
            assertTrue(e.getMessage().contains("KV namespace \"PRODUCTS\" is not available at build time"),
                    e.getMessage());
        }
    }

    @Test
    void listedStaticPathsNeedAFallbackForTheRest() {
        App app = App.create();
        app.page("/posts/{slug}").fallback(Fallback.NONE).staticPaths(env -> List.of("/posts/a"))
                .props(req -> Props.of(Json.object())).render(p -> "x");
        var e = assertThrows(IllegalArgumentException.class,
                () -> Prerenderer.render(app, Env.NONE, new ManualClock(NOW), new RecordingLog()));
        assertTrue(e.getMessage().contains("Fallback.BLOCKING"), e.getMessage());
        assertFalse(e.getMessage().isEmpty());
    }
}
