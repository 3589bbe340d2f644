package dev.isr4j.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.testkit.IsrTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The JVM half of test-e2e/failures.test.mjs and header-injection.test.mjs: the same routes give the same
 * short 500 and the same log line here as in workerd.
 */
class FailureRoutesTest {
    private final IsrTestKit kit = IsrTestKit.start(new ExampleApp());

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "null|java.lang.NullPointerException",
            "index|java.lang.ArrayIndexOutOfBoundsException",
            "cast|java.lang.ClassCastException",
            "stack|java.lang.StackOverflowError",
            "stack-after-read|java.lang.StackOverflowError",
            "json-null|java.lang.IllegalArgumentException: Response.json(null)",
            "cached|java.lang.IllegalStateException: the cached computation failed on purpose",
            "unbound|dev.isr4j.bind.JsonBindingException: cannot bind dev.isr4j.example.FailureRoutes$NotBound to JSON",
            "throw|java.lang.IllegalStateException: this handler fails on purpose"})
    void eachFailureIsTheShort500WithOneLogLine(String kind, String failure) {
        var r = kit.get("/api/fail/" + kind);
        assertEquals(500, r.status());
        assertEquals("Internal Server Error", r.text());
        assertEquals("text/plain; charset=utf-8", r.header("content-type"));
        String line = "ERROR handler for GET /api/fail/{kind} (/api/fail/" + kind + ") failed: " + failure;
        assertTrue(kit.logs().stream().anyMatch(l -> l.startsWith(line)), () -> "expected " + line + " in " + kit.logs());
        assertEquals(200, kit.get("/api/hello").status());
    }

    @Test
    void aReflectedLineBreakIsA500NamingRouteAndHeaderAndIsNotCached() {
        for (int i = 0; i < 2; i++) {
            var r = kit.get("/api/go/x%0aset-cookie%0aplanted=1");
            assertEquals(500, r.status());
            assertNull(r.header("set-cookie"));
            kit.drain();
        }
        long lines = kit.logs().stream().filter(l -> l.contains(
                "handler for GET /api/go/{target} (/api/go/x%0Aset-cookie%0Aplanted=1) failed")
                && l.contains("\"location\"") && l.contains("remove line breaks")).count();
        assertEquals(2, lines, () -> "the handler ran (and was refused) twice: " + kit.logs());
    }

    @Test
    void aRedirectWithoutLineBreaksIsCached() {
        assertEquals("/blog/3:ab5:hello", kit.get("/api/go/3:ab5:hello").header("location"));
        kit.drain();
        var hit = kit.get("/api/go/3:ab5:hello");
        assertEquals(302, hit.status());
        assertEquals("HIT", hit.cacheState());
    }
}
