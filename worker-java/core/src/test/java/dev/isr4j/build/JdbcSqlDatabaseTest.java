package dev.isr4j.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.D1;
import dev.isr4j.D1Exception;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** D1's API over SQLite on the JVM: bound parameters, results, changes, batches as transactions, D1-shaped errors. */
class JdbcSqlDatabaseTest {
    JdbcSqlDatabase sqlite;
    D1 db;

    @BeforeEach
    void open() {
        sqlite = JdbcSqlDatabase.inMemory();
        sqlite.execute("CREATE TABLE posts (id INTEGER PRIMARY KEY, slug TEXT UNIQUE NOT NULL, title TEXT, score REAL);"
                + "INSERT INTO posts (slug, title, score) VALUES ('a', 'First', 1.5);");
        db = D1.over("DB", sqlite);
    }

    @AfterEach
    void close() {
        sqlite.close();
    }

    @Test
    void runsAScriptOfSeveralStatementsAndReadsBack() {
        assertEquals("First", db.prepare("SELECT title FROM posts WHERE slug = ?").bind("a").first("title", String.class));
        assertEquals(1L, db.prepare("SELECT count(*) AS n FROM posts").first("n", Long.class));
    }

    @Test
    void aParameterIsAValueNeverSql() {
        String hostile = "a' OR '1'='1";
        assertNull(db.prepare("SELECT title FROM posts WHERE slug = ?").bind(hostile).first("title", String.class));
        var inserted = db.prepare("INSERT INTO posts (slug, title) VALUES (?, ?)").bind("b", hostile).run();
        assertEquals(1, inserted.changes());
        assertEquals(2, inserted.lastRowId());
        assertEquals(hostile, db.prepare("SELECT title FROM posts WHERE id = ?").bind(2).first("title", String.class));
    }

    @Test
    void writesReportTheRowsTheyChangedAndReadsNone() {
        db.prepare("INSERT INTO posts (slug) VALUES (?)").bind("b").run();
        assertEquals(2, db.prepare("UPDATE posts SET title = ?").bind("x").run().changes());
        assertEquals(0, db.prepare("SELECT * FROM posts").run().changes());
    }

    @Test
    void aFailedBatchKeepsNothing() {
        var e = assertThrows(D1Exception.class, () -> db.batch(
                db.prepare("INSERT INTO posts (slug) VALUES (?)").bind("c"),
                db.prepare("INSERT INTO posts (slug) VALUES (?)").bind("a"))); // unique slug
        assertTrue(e.getMessage().contains("UNIQUE constraint failed: posts.slug"), e.getMessage());
        assertEquals(1L, db.prepare("SELECT count(*) AS n FROM posts").first("n", Long.class));
        var done = db.batch(db.prepare("INSERT INTO posts (slug) VALUES (?)").bind("c"),
                db.prepare("UPDATE posts SET title = 'T' WHERE slug = ?").bind("c"));
        assertEquals(2, done.size());
        assertEquals(1, done.get(1).changes());
    }

    @Test
    void errorsCarryTheDatabasesMessageAndTheBinding() {
        var syntax = assertThrows(D1Exception.class, () -> db.prepare("SELEC 1").run());
        assertTrue(syntax.getMessage().startsWith("D1 DB: D1_ERROR: "), syntax.getMessage());
        assertTrue(syntax.getMessage().contains("syntax error"), syntax.getMessage());
        var table = assertThrows(D1Exception.class, () -> db.prepare("SELECT * FROM nope").run());
        assertTrue(table.getMessage().contains("no such table: nope"), table.getMessage());
        assertEquals("DB", table.binding());
        var column = assertThrows(D1Exception.class,
                () -> db.prepare("SELECT title FROM posts").first("missing", String.class));
        assertTrue(column.getMessage().contains("no column named missing"), column.getMessage());
    }

    @Test
    void valuesD1CannotTakeAreRefusedBeforeTheyReachIt() {
        var tooBig = assertThrows(IllegalArgumentException.class, () -> db.prepare("SELECT ?").bind(1L << 60));
        assertTrue(tooBig.getMessage().contains("past 2^53"), tooBig.getMessage());
        var odd = assertThrows(IllegalArgumentException.class, () -> db.prepare("SELECT ?").bind(new Object()));
        assertTrue(odd.getMessage().contains("parameter 1"), odd.getMessage());
        assertEquals(1L, db.prepare("SELECT ? AS b").bind(true).first("b", Long.class));
        assertEquals(1.5, db.prepare("SELECT score FROM posts").first("score", Double.class));
        assertNull(db.prepare("SELECT ? AS v").bind((Object) null).first("v", String.class));
    }
}
