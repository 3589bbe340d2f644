package dev.isr4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.D1;
import dev.isr4j.D1Exception;
import dev.isr4j.Response;
import dev.isr4j.bind.Jsonable;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** D1 in the test kit: a handler's env().d1 is SQLite in memory with the app's migrations, rows bound to records. */
class D1TestKitTest {
    static final Path MIGRATIONS = Path.of("src/test/resources/d1-migrations");
    static final String NOTE = "SELECT id, slug, title, body, score, pinned FROM notes WHERE slug = ?";

    /** A row of notes; pinned is an int: SQLite stores a flag as 0 or 1. */
    @Jsonable
    record Note(long id, String slug, String title, String body, double score, int pinned) {
    }

    @Jsonable
    record NewNote(String slug, String title) {
    }

    @Jsonable
    record Written(long id, long changes) {
    }

    /** The same row with a boolean flag, which a 0 or 1 does not fit. */
    @Jsonable
    record FlaggedNote(String slug, boolean pinned) {
    }

    @Jsonable
    record Migration(String name) {
    }

    private final AtomicInteger renders = new AtomicInteger();

    private App notesApp() {
        App app = App.create();
        app.route("/notes/{slug}").get(req -> {
            Note note = req.env().d1("DB").prepare(NOTE).bind(req.param("slug")).first(Note.class);
            return note == null ? Response.text("no note " + req.param("slug")).withStatus(404) : Response.json(note);
        });
        app.route("/notes").post(req -> {
            NewNote note = req.body().json(NewNote.class);
            D1.Result done = req.env().d1("DB").prepare("INSERT INTO notes (slug, title) VALUES (?, ?)")
                    .bind(note.slug(), note.title()).run();
            return Response.json(new Written(done.lastRowId(), done.changes()));
        });
        // Two notes in one batch: both or neither.
        app.route("/notes/pair/{a}/{b}").post(req -> {
            D1 db = req.env().d1("DB");
            var insert = db.prepare("INSERT INTO notes (slug, title) VALUES (?, ?)");
            List<D1.Result> done = db.batch(insert.bind(req.param("a"), "first"), insert.bind(req.param("b"), "second"));
            return Response.json(done.stream().map(r -> new Written(r.lastRowId(), r.changes())).toList());
        });
        app.route("/fail/{kind}").get(req -> {
            String kind = req.param("kind");
            String sql = switch (kind) {
                case "syntax" -> "SELEC 1";
                case "table" -> "SELECT * FROM nope";
                default -> "INSERT INTO notes (slug, title) VALUES ('hello', 'again')"; // constraint
            };
            return Response.json(req.env().d1(kind.equals("unbound") ? "NOPE" : "DB").prepare(sql).run().changes());
        });
        app.route("/cached/{slug}").revalidate(60).tags("notes").get(req -> {
            renders.incrementAndGet();
            return Response.json(req.env().d1("DB").prepare(NOTE).bind(req.param("slug")).first(Note.class));
        });
        return app;
    }

    private IsrTestKit kit() {
        return IsrTestKit.builder(notesApp()).d1("DB", MIGRATIONS).build();
    }

    @Test
    void aRouteReadsARowIntoARecordAndAnswersItsJson() {
        var kit = kit();
        var r = kit.get("/notes/hello");
        assertEquals(200, r.status(), r::text);
        assertEquals("{\"id\":1,\"slug\":\"hello\",\"title\":\"Hello, \\\"D1\\\"\",\"body\":\"Line one\\nline two\","
                + "\"score\":4.5,\"pinned\":1}", r.text());
        assertEquals("{\"id\":2,\"slug\":\"empty\",\"title\":\"No body\",\"body\":null,\"score\":0,\"pinned\":0}",
                kit.get("/notes/empty").text());
        assertEquals(404, kit.get("/notes/none").status());
    }

    @Test
    void aParameterIsAValueNeverSql() {
        var kit = kit();
        assertEquals(404, kit.get("/notes/x'%20OR%20'1'='1").status());
        var written = kit.request("POST", "/notes").body("{\"slug\":\"a' OR '1'='1\",\"title\":\"'); DROP TABLE notes;--\"}")
                .send();
        assertEquals("{\"id\":3,\"changes\":1}", written.text());
        var r = kit.get("/notes/a'%20OR%20'1'='1");
        assertEquals(200, r.status(), r::text);
        assertTrue(r.text().contains("\"title\":\"'); DROP TABLE notes;--\""), r.text());
    }

    @Test
    void aWriteReportsTheRowsItChangedAndTheRowIdItInserted() {
        var kit = kit();
        assertEquals("{\"id\":3,\"changes\":1}", kit.post("/notes", "{\"slug\":\"third\",\"title\":\"Three\"}").text());
        assertEquals("{\"id\":4,\"changes\":1}", kit.post("/notes", "{\"slug\":\"fourth\",\"title\":\"Four\"}").text());
        D1.Result updated = kit.d1("DB").prepare("UPDATE notes SET pinned = ? WHERE id > ?").bind(true, 1).run();
        assertEquals(3, updated.changes());
        assertEquals(4, updated.lastRowId(), "an UPDATE inserts nothing: the last insert's row id stays");
        assertEquals(3L, kit.d1("DB").prepare("SELECT count(*) AS n FROM notes WHERE pinned = 1 AND id > 1")
                .first("n", Long.class));
    }

    @Test
    void aBatchThatFailsHalfWayKeepsNothing() {
        var kit = kit();
        var failed = kit.request("POST", "/notes/pair/kept-not/hello").send(); // hello's slug is taken
        assertEquals(500, failed.status());
        assertNull(kit.d1("DB").prepare(NOTE).bind("kept-not").first(Note.class), "the first insert was rolled back");
        var done = kit.request("POST", "/notes/pair/one/two").send();
        assertEquals("[{\"id\":3,\"changes\":1},{\"id\":4,\"changes\":1}]", done.text());
        assertEquals(4L, kit.d1("DB").prepare("SELECT count(*) AS n FROM notes").first("n", Long.class));
    }

    @Test
    void aD1ErrorInAHandlerIsA500WhoseLogNamesTheRouteAndD1sMessage() {
        var kit = kit();
        var expected = List.of(
                List.of("syntax", "D1 DB: D1_ERROR: near \"SELEC\": syntax error"),
                List.of("table", "D1 DB: D1_ERROR: no such table: nope: SQLITE_ERROR"),
                List.of("constraint", "D1 DB: D1_ERROR: UNIQUE constraint failed: notes.slug"),
                List.of("unbound", "D1 NOPE: no D1 database is bound as \"NOPE\": add it to d1_databases"));
        for (List<String> c : expected) {
            var r = kit.get("/fail/" + c.get(0));
            assertEquals(500, r.status(), c.get(0));
            assertEquals("Internal Server Error", r.text());
            String line = "ERROR handler for GET /fail/{kind} (/fail/" + c.get(0) + ") failed: dev.isr4j.D1Exception: "
                    + c.get(1);
            assertTrue(kit.logs().stream().anyMatch(l -> l.startsWith(line)), () -> line + " in " + kit.logs());
        }
    }

    @Test
    void aRouteReadingD1IsCachedLikeAnyOther() {
        var kit = kit();
        var miss = kit.get("/cached/hello");
        assertEquals("MISS", miss.cacheState());
        kit.drain();
        kit.d1("DB").prepare("UPDATE notes SET title = ? WHERE slug = ?").bind("Changed", "hello").run();
        var hit = kit.get("/cached/hello");
        assertEquals("HIT", hit.cacheState());
        assertEquals(miss.text(), hit.text(), "served from the cache: D1 is not read again");
        assertEquals(1, renders.get());
        kit.clock().advanceSeconds(60);
        assertEquals("STALE", kit.get("/cached/hello").cacheState());
        kit.drain();
        var renewed = kit.get("/cached/hello");
        assertEquals("HIT", renewed.cacheState());
        assertTrue(renewed.text().contains("\"title\":\"Changed\""), renewed.text());
    }

    @Test
    void theKitsDatabaseIsTheHandlersAndAnUnboundNameThrowsAsInWorkerd() {
        var kit = kit();
        assertSame(kit.d1("DB"), kit.env().d1("DB"));
        assertEquals("DB", kit.d1("DB").binding());
        var e = assertThrows(D1Exception.class, () -> kit.d1("NOPE"));
        assertEquals("NOPE", e.binding());
        assertEquals("D1 NOPE: no D1 database is bound as \"NOPE\": add it to d1_databases in wrangler.jsonc (the "
                + "test kit: IsrTestKit.builder(app).d1(\"NOPE\", ...))", e.getMessage());
        assertThrows(D1Exception.class, () -> IsrTestKit.start(notesApp()).d1("DB"), "no d1(...) on the builder");
    }

    @Test
    void everyKitHasAFreshDatabaseWithTheMigrationsApplied() {
        var one = kit();
        var two = kit();
        assertNotSame(one.d1("DB"), two.d1("DB"));
        one.post("/notes", "{\"slug\":\"only-in-one\",\"title\":\"x\"}");
        assertEquals(404, two.get("/notes/only-in-one").status());
        assertEquals(List.of(new Migration("0001_notes.sql"), new Migration("0002_seed.sql")),
                two.d1("DB").prepare("SELECT name FROM d1_migrations ORDER BY id").all(Migration.class));

        var empty = IsrTestKit.builder(notesApp()).d1("DB").build();
        assertEquals(0L, empty.d1("DB").prepare("SELECT count(*) AS n FROM sqlite_master").first("n", Long.class));
        empty.d1("DB").prepare("CREATE TABLE notes (id INTEGER PRIMARY KEY, slug TEXT, title TEXT, body TEXT, "
                + "score REAL, pinned INTEGER)").run();
        empty.d1("DB").prepare("INSERT INTO notes (slug, title, score, pinned) VALUES (?, ?, ?, ?)")
                .bind("seeded", "By the test", 1.25, false).run();
        assertEquals("{\"id\":1,\"slug\":\"seeded\",\"title\":\"By the test\",\"body\":null,\"score\":1.25,\"pinned\":0}",
                empty.get("/notes/seeded").text());
    }

    @Test
    void aFlagComesBackAsZeroOrOneSoABooleanComponentDoesNotFit() {
        var db = kit().d1("DB");
        assertEquals(1, db.prepare(NOTE).bind("hello").first(Note.class).pinned());
        var e = assertThrows(D1Exception.class,
                () -> db.prepare("SELECT slug, pinned FROM notes WHERE slug = ?").bind("hello").first(FlaggedNote.class));
        assertTrue(e.getMessage().contains("a row does not fit FlaggedNote"), e.getMessage());
    }

    @Test
    void aMissingMigrationsFolderFailsTheBuilderNamingIt() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> IsrTestKit.builder(notesApp()).d1("DB", Path.of("no/such/migrations")));
        assertTrue(e.getMessage().startsWith("no migrations folder at "), e.getMessage());
        assertTrue(e.getMessage().contains("no/such/migrations"), e.getMessage());
    }

    @Test
    void aBadD1DeadlineIsAConfigurationErrorAsInWorkerd() {
        var kit = IsrTestKit.builder(notesApp()).d1("DB", MIGRATIONS).var("ISR_D1_TIMEOUT_MS", "soon").build();
        assertEquals(500, kit.get("/notes/hello").status());
        assertTrue(kit.logs().stream().anyMatch(l -> l.contains("ISR_D1_TIMEOUT_MS must be a whole number")),
                kit.logs()::toString);
    }
}
