package dev.isr4j.example;

import dev.isr4j.App;
import dev.isr4j.D1;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.bind.Jsonable;
import java.util.ArrayList;
import java.util.List;

/**
 * D1 from Java over the binding {@code DB} and its {@code notes} table (test-e2e/fixtures/d1-migrations): the e2e
 * suite (d1.test.mjs) creates it through Miniflare, the JVM test (D1RoutesTest) through the test kit, and both
 * expect the same answers.
 */
final class D1Routes {
    private D1Routes() {
    }

    static final String NOTE = "SELECT id, slug, title, body, score, pinned FROM notes WHERE slug = ?";

    /** A row of notes; {@code pinned} is an int, as SQLite keeps a flag (0 or 1). */
    @Jsonable
    public record Note(long id, String slug, String title, String body, double score, int pinned) {
    }

    @Jsonable
    public record NewNote(String slug, String title, String body) {
    }

    @Jsonable
    public record NewNotes(List<NewNote> notes) {
    }

    @Jsonable
    public record Written(long id, long changes) {
    }

    static void register(App app) {
        app.route("/api/d1/notes/{slug}").get(D1Routes::note);

        app.route("/api/d1/notes").post(req -> {
            NewNote n = req.body().json(NewNote.class);
            D1.Result done = insert(req.env().d1("DB"), n).run();
            return Response.json(new Written(done.lastRowId(), done.changes())).withStatus(201);
        });

        // Several notes as one batch: all of them are written, or none when one fails (a slug already taken).
        app.route("/api/d1/batch").post(req -> {
            D1 db = req.env().d1("DB");
            var statements = new ArrayList<D1.Statement>();
            for (NewNote n : req.body().json(NewNotes.class).notes()) {
                statements.add(insert(db, n));
            }
            var written = new ArrayList<Written>();
            for (D1.Result done : db.batch(statements)) {
                written.add(new Written(done.lastRowId(), done.changes()));
            }
            return Response.json(written);
        });

        // Cached like any other route: D1 is read on a MISS and on revalidation only.
        app.route("/api/d1/cached/{slug}").revalidate(60).tags("notes").get(D1Routes::note);

        // D1's own errors (syntax, table, constraint) and a binding the deployment lacks (unbound): each a 500
        // whose log line carries the database's message.
        app.route("/api/d1/fail/{kind}").get(req -> {
            String kind = req.param("kind");
            String sql = switch (kind) {
                case "syntax" -> "SELEC 1";
                case "table" -> "SELECT * FROM no_such_table";
                case "constraint", "unbound" -> "INSERT INTO notes (slug, title) VALUES ('hello', 'taken')";
                default -> null;
            };
            if (sql == null) {
                return Response.text("no such failure: " + kind).withStatus(404);
            }
            long changes = req.env().d1(kind.equals("unbound") ? "NOPE" : "DB").prepare(sql).run().changes();
            return Response.text("changed " + changes);
        });
    }

    private static Response note(Request req) {
        Note note = req.env().d1("DB").prepare(NOTE).bind(req.param("slug")).first(Note.class);
        return note == null ? Response.text("no note " + req.param("slug")).withStatus(404) : Response.json(note);
    }

    private static D1.Statement insert(D1 db, NewNote n) {
        return db.prepare("INSERT INTO notes (slug, title, body) VALUES (?, ?, ?)").bind(n.slug(), n.title(), n.body());
    }
}
