package dev.isr4j.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.D1;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A migrations folder applied as wrangler applies it to a fresh database: its order, its record, its failures. */
class D1MigrationsTest {
    @TempDir
    Path folder;

    private void write(String name, String sql) throws IOException {
        Files.writeString(folder.resolve(name), sql);
    }

    @Test
    void appliesEverySqlFileInWranglersOrderAndRecordsEach() throws IOException {
        write("10_add_pinned.sql", "ALTER TABLE notes ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;");
        write("2_notes.sql", "CREATE TABLE notes (id INTEGER PRIMARY KEY, slug TEXT UNIQUE NOT NULL);\n"
                + "-- a comment, and a statement over two lines\nINSERT INTO notes (slug)\n  VALUES ('it''s');");
        write("seed.sql", "UPDATE notes SET pinned = 1;"); // no number: after the numbered ones
        write("README.md", "not a migration");
        write(".hidden.sql", "DROP TABLE notes;");
        Files.createDirectory(folder.resolve("old.sql"));
        try (var sqlite = JdbcSqlDatabase.inMemory()) {
            assertEquals(List.of("2_notes.sql", "10_add_pinned.sql", "seed.sql"), D1Migrations.apply(sqlite, folder));
            D1 db = D1.over("DB", sqlite);
            assertEquals(1L, db.prepare("SELECT pinned FROM notes WHERE slug = ?").bind("it's").first("pinned", Long.class));
            assertEquals("2_notes.sql,10_add_pinned.sql,seed.sql", db.prepare("SELECT group_concat(name) AS names "
                    + "FROM (SELECT name FROM d1_migrations ORDER BY id)").first("names", String.class));
        }
    }

    @Test
    void ordersAsWranglerDoes() {
        var names = new java.util.ArrayList<>(List.of("b.sql", "0003_c.sql", "a.sql", "0001_z.sql", "1_a.sql",
                "20_x.sql", "3x_y.sql", "_lead.sql"));
        names.sort(D1Migrations::compare);
        // equal numbers (0001, 1) by name; "3x" counts as 3, as parseInt reads it; no number: by name, after
        assertEquals(List.of("0001_z.sql", "1_a.sql", "0003_c.sql", "3x_y.sql", "20_x.sql", "_lead.sql", "a.sql",
                "b.sql"), names);
    }

    @Test
    void aFailingMigrationNamesItselfAndD1sMessageAndStopsThere() throws IOException {
        write("0001_notes.sql", "CREATE TABLE notes (id INTEGER PRIMARY KEY);");
        write("0002_broken.sql", "ALTER TABLE nope ADD COLUMN x;");
        write("0003_after.sql", "CREATE TABLE after (id INTEGER);");
        try (var sqlite = JdbcSqlDatabase.inMemory()) {
            var e = assertThrows(IllegalStateException.class, () -> D1Migrations.apply(sqlite, folder));
            assertTrue(e.getMessage().startsWith("migration 0002_broken.sql in " + folder + " failed: D1_ERROR: "),
                    e.getMessage());
            assertTrue(e.getMessage().contains("no such table: nope"), e.getMessage());
            D1 db = D1.over("DB", sqlite);
            assertEquals(0L, db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'after'")
                    .first("n", Long.class));
        }
    }

    @Test
    void aMissingFolderSaysWhere() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> D1Migrations.list(folder.resolve("migrations")));
        assertTrue(e.getMessage().startsWith("no migrations folder at " + folder.resolve("migrations")), e.getMessage());
    }
}
