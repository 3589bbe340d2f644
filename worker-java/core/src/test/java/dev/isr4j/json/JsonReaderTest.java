package dev.isr4j.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.Json;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonReaderTest {
    private static String error(String text) {
        return assertThrows(IllegalArgumentException.class, () -> JsonReader.parse(text), text).getMessage();
    }

    private static void assertErrorAt(String text, int offset, String what) {
        String message = error(text);
        assertTrue(message.endsWith("at offset " + offset), () -> text + " -> " + message);
        assertTrue(message.contains(what), () -> text + " -> " + message);
    }

    @Test
    void objectsKeepKeyOrderAndNest() {
        var m = (Map<?, ?>) JsonReader.parse(" { \"b\" : 1 , \"a\" : { \"c\" : [ ] } , \"d\":{} }\n");
        assertEquals(List.of("b", "a", "d"), List.copyOf(m.keySet()));
        assertEquals(Map.of("c", List.of()), m.get("a"));
        assertEquals(Map.of(), m.get("d"));
    }

    @Test
    void arraysHoldAnyValues() {
        assertEquals(Arrays.asList(1L, "two", 3.5, true, false, null, List.of(), Map.of()),
                JsonReader.parse("[1,\"two\",3.5,true,false,null,[],{}]"));
        assertEquals(List.of(), JsonReader.parse("[]"));
        assertEquals(List.of(List.of(List.of(1L))), JsonReader.parse("[[[1]]]"));
    }

    @Test
    void stringsDecodeEveryEscape() {
        assertEquals("é", JsonReader.parse("\"\\u00e9\""));
        assertEquals("É", JsonReader.parse("\"\\u00C9\""));
        assertEquals("a\nb", JsonReader.parse("\"a\\nb\""));
        assertEquals("say \"hi\"", JsonReader.parse("\"say \\\"hi\\\"\""));
        assertEquals("\\/\b\f\r\t", JsonReader.parse("\"\\\\\\/\\b\\f\\r\\t\""));
        assertEquals("😀", JsonReader.parse("\"\\ud83d\\ude00\""), "surrogate pairs combine");
        assertEquals("ünï ✓ 😀", JsonReader.parse("\"ünï ✓ 😀\""), "raw non-ASCII passes through");
        assertEquals("", JsonReader.parse("\"\""));
    }

    @Test
    void whatJsonWritesJsonReaderReadsBack() {
        String tricky = "q\" b\\ n\n r\r t\t c\u0001 s\u2028 é 😀";
        var written = Json.object().put("s", tricky).put("n", Long.MIN_VALUE + 1).put("a", Json.array().add("x"))
                .toJson();
        var m = (Map<?, ?>) JsonReader.parse(written);
        assertEquals(tricky, m.get("s"));
        assertEquals(List.of("x"), m.get("a"));
    }

    @Test
    void integersAreLongsAndEverythingElseIsDouble() {
        assertEquals(0L, JsonReader.parse("0"));
        assertEquals(-0L, JsonReader.parse("-0"));
        assertEquals(42L, JsonReader.parse("42"));
        assertEquals(-7L, JsonReader.parse("-7"));
        assertEquals(1_700_000_000_000L, JsonReader.parse("1700000000000"));
        assertInstanceOf(Long.class, JsonReader.parse("123456789012345678"));
        assertEquals(1.5, JsonReader.parse("1.5"));
        assertEquals(-0.25, JsonReader.parse("-0.25"));
        assertEquals(1000.0, JsonReader.parse("1e3"));
        assertEquals(0.01, JsonReader.parse("1E-2"));
        assertEquals(2.5e10, JsonReader.parse("2.5e+10"));
    }

    /** Epoch-ms timestamps saturate at Long.MAX_VALUE (CacheHandler.SetOptions); they must stay exact longs. */
    @Test
    void nineteenDigitIntegersWithinLongRangeAreLongs() {
        assertEquals(Long.MAX_VALUE, JsonReader.parse(String.valueOf(Long.MAX_VALUE)));
        assertEquals(Long.MIN_VALUE, JsonReader.parse(String.valueOf(Long.MIN_VALUE)));
        assertEquals(1_000_000_000_000_000_000L, JsonReader.parse("1000000000000000000"));
        assertEquals(-123_456_789_012_345_678L, JsonReader.parse("-123456789012345678"));
    }

    @Test
    void integersBeyondLongRangeAreDoubles() {
        assertEquals(9.223372036854775808e18, JsonReader.parse("9223372036854775808"));
        assertEquals(1e20, JsonReader.parse("100000000000000000000"));
    }

    @Test
    void literals() {
        assertEquals(true, JsonReader.parse("true"));
        assertEquals(false, JsonReader.parse(" false "));
        assertNull(JsonReader.parse("null"));
    }

    @Test
    void truncatedInputIsAnErrorAtItsEnd() {
        assertErrorAt("", 0, "unexpected end");
        assertErrorAt("   ", 3, "unexpected end");
        assertErrorAt("{\"a\":1", 6, "unexpected end");
        assertErrorAt("[1,2", 4, "unexpected end");
        assertErrorAt("\"abc", 4, "unexpected end");
        assertErrorAt("{\"a\":", 5, "unexpected end");
        assertErrorAt("\"\\u00e", 3, "\\u escape");
        assertTrue(error("tru").contains("offset 0"));
        assertTrue(error("{").contains("offset 1"));
    }

    @Test
    void trailingGarbageIsAnErrorAtItsStart() {
        assertErrorAt("{} x", 3, "after the JSON value");
        assertErrorAt("1 2", 2, "after the JSON value");
        assertErrorAt("[1]]", 3, "after the JSON value");
        assertErrorAt("nullx", 4, "after the JSON value");
    }

    @Test
    void badEscapesAreErrors() {
        assertTrue(error("\"\\x\"").contains("bad escape \\x"));
        assertTrue(error("\"\\u12g4\"").contains("bad \\u escape"));
        assertTrue(error("\"\\uZZZZ\"").contains("\\u escape"));
        assertTrue(error("\"a\nb\"").contains("control character"), "raw newline inside a string");
    }

    @Test
    void structuralErrorsNameTheOffset() {
        assertErrorAt("{\"a\" 1}", 5, "expected ':'");
        assertErrorAt("{a:1}", 1, "quoted key");
        assertErrorAt("{\"a\":1,}", 7, "quoted key");
        assertErrorAt("[1,]", 3, "unexpected character");
        assertErrorAt("[1 2]", 4, "expected ',' or ']'");
        assertErrorAt("{\"a\":1 \"b\":2}", 8, "expected ',' or '}'");
        assertErrorAt("'a'", 0, "unexpected character");
        assertTrue(error("-").contains("bad number"));
        assertTrue(error("1-2").contains("bad number"));
        assertTrue(error("--1").contains("bad number"));
    }

    @Test
    void nestingUpTo64LevelsIsAcceptedAndDeeperIsRejected() {
        String ok = "[".repeat(64) + "]".repeat(64);
        assertInstanceOf(List.class, JsonReader.parse(ok));
        String okObjects = "{\"a\":".repeat(63) + "{}" + "}".repeat(63);
        assertInstanceOf(Map.class, JsonReader.parse(okObjects));
        String deep = "[".repeat(100) + "]".repeat(100);
        assertTrue(error(deep).contains("nesting deeper than 64"), error(deep));
        String deeper = "[".repeat(100_000);
        assertTrue(error(deeper).contains("nesting deeper than 64"), "no StackOverflowError");
    }

    @Test
    void nullTextIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> JsonReader.parse(null));
    }
}
