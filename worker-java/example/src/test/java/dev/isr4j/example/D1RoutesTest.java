package dev.isr4j.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.testkit.IsrTestKit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The JVM half of test-e2e/d1.test.mjs: the same migrations (test-e2e/fixtures/d1-migrations) through the test kit,
 * the same row answered as the same bytes (fixtures/d1-note.json), the same errors in the log.
 */
class D1RoutesTest {
    static final Path MIGRATIONS = Path.of("../../test-e2e/fixtures/d1-migrations");
    static final Path NOTE = Path.of("../../test-e2e/fixtures/d1-note.json");

    private final IsrTestKit kit = IsrTestKit.builder(new ExampleApp().create()).d1("DB", MIGRATIONS).build();

    @Test
    void aRowAnswersAsItsRecordsJsonTheBytesWorkerdAnswers() throws IOException {
        var r = kit.get("/api/d1/notes/hello");
        assertEquals(200, r.status(), r.text());
        assertEquals("application/json", r.header("content-type"));
        assertEquals(Files.readString(NOTE).strip(), r.text());
        assertEquals("{\"id\":2,\"slug\":\"plain\",\"title\":\"No body\",\"body\":null,\"score\":0,\"pinned\":0}",
                kit.get("/api/d1/notes/plain").text());
        assertEquals(404, kit.get("/api/d1/notes/x'%20OR%20'1'='1").status());
    }

    @Test
    void theCachedRouteIsAMissThenAHitWithTheSameBody() {
        var miss = kit.get("/api/d1/cached/hello");
        assertEquals("MISS", miss.cacheState());
        kit.drain();
        var hit = kit.get("/api/d1/cached/hello");
        assertEquals("HIT", hit.cacheState());
        assertEquals(miss.text(), hit.text());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "syntax|D1 DB: D1_ERROR: near \"SELEC\": syntax error",
            "table|D1 DB: D1_ERROR: no such table: no_such_table: SQLITE_ERROR",
            "constraint|D1 DB: D1_ERROR: UNIQUE constraint failed: notes.slug: SQLITE_CONSTRAINT",
            "unbound|D1 NOPE: no D1 database is bound as \"NOPE\""})
    void eachD1FailureIsA500WhoseLogLineCarriesD1sMessage(String kind, String message) {
        var r = kit.get("/api/d1/fail/" + kind);
        assertEquals(500, r.status());
        String line = "ERROR handler for GET /api/d1/fail/{kind} (/api/d1/fail/" + kind + ") failed: "
                + "dev.isr4j.D1Exception: " + message;
        assertTrue(kit.logs().stream().anyMatch(l -> l.startsWith(line)), () -> line + " in " + kit.logs());
    }
}
