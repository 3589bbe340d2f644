package dev.isr4j.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonParserTest {
    private static JsonBindingException fails(String json, JsonAdapter<?> adapter) {
        return assertThrows(JsonBindingException.class, () -> JsonBinding.fromJson(json, adapter));
    }

    @Test
    void numbersFollowJsonsGrammarExactly() {
        for (String bad : List.of("01", "1.", ".5", "-", "1e", "+1", "0x10", "NaN", "Infinity")) {
            fails(bad, JsonCodecs.decimal());
        }
        assertEquals(new BigDecimal("-0.50E+3"), JsonBinding.fromJson("-0.50E+3", JsonCodecs.decimal()));
        assertEquals(Long.MAX_VALUE, JsonBinding.fromJson("9223372036854775807", JsonCodecs.longs()));
        var e = fails("9223372036854775808", JsonCodecs.longs());
        assertTrue(e.getMessage().contains("expected an integer, found 9223372036854775808"), e.getMessage());
        e = fails("2147483648", JsonCodecs.integer());
        assertTrue(e.getMessage().contains("between -2^31 and 2^31-1"), e.getMessage());
    }

    @Test
    void stringsDecodeEveryEscapeAndRefuseRawControlCharacters() {
        assertEquals("a\"\\/\b\f\n\r\t\u00e9\ud83d\ude00",
                JsonBinding.fromJson("\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"", JsonCodecs.string()));
        fails("\"a\u0001\"", JsonCodecs.string());
        fails("\"\\x\"", JsonCodecs.string());
        fails("\"\\u12\"", JsonCodecs.string());
        fails("\"\\u00e\uff19\"", JsonCodecs.string()); // a fullwidth 9 is a digit to Java, not a hex digit to JSON
        fails("\"open", JsonCodecs.string());
    }

    @Test
    void textAfterTheValueIsAnError() {
        var e = fails("\"a\" \"b\"", JsonCodecs.string());
        assertTrue(e.getMessage().contains("unexpected text after the JSON value"), e.getMessage());
        assertEquals("x", JsonBinding.fromJson(" \n\"x\"\t ", JsonCodecs.string()));
    }

    /** Reads an object and skips every member's value, as a generated adapter skips unknown members. */
    private static final JsonAdapter<Integer> SKIPPER = new JsonAdapter<>() {
        @Override
        public void write(JsonWriter out, Integer value) {
        }

        @Override
        public Integer read(JsonParser in) {
            int members = 0;
            in.beginObject();
            while (in.hasNext()) {
                in.nextName();
                in.skipValue();
                members++;
            }
            in.endObject();
            return members;
        }
    };

    @Test
    void hostileNestingIsRefusedNotOverflowed() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        var e = fails("[" + deep + "]", JsonCodecs.list(JsonCodecs.list(JsonCodecs.string())));
        assertEquals("$[0][0]", e.path()); // a string was expected there: refused before going deeper
        // an unknown member is skipped without recursion, and its nesting is bounded the same way
        e = fails("{\"unknown\":" + deep + "}", SKIPPER);
        assertTrue(e.getMessage().contains("nested deeper than " + JsonParser.MAX_DEPTH), e.getMessage());
        String ok = "[".repeat(200) + "{\"a\":[1,\"x\",{\"b\":null}],\"c\":true}" + "]".repeat(200);
        assertEquals(3, JsonBinding.fromJson("{\"x\":" + ok + ",\"y\":-1.5e3,\"z\":\"s\"}", SKIPPER));
    }

    @Test
    void containersReadInOrderAndNullsStayNull() {
        Map<String, List<Integer>> m = JsonBinding.fromJson("{\"b\":[1,null,3],\"a\":null}",
                JsonCodecs.map(JsonCodecs.list(JsonCodecs.integer())));
        assertEquals(List.of("b", "a"), List.copyOf(m.keySet()));
        assertEquals(java.util.Arrays.asList(1, null, 3), m.get("b"));
        assertEquals(null, m.get("a"));
        var e = fails("[1,2", JsonCodecs.list(JsonCodecs.integer()));
        assertTrue(e.getMessage().contains("end of the text"), e.getMessage());
        e = fails("[1 2]", JsonCodecs.list(JsonCodecs.integer()));
        assertEquals("$[0]", e.path());
    }

    @Test
    void theWriterEscapesAsJsonDoesAndRefusesNonFiniteNumbers() {
        var out = new JsonWriter();
        out.beginArray().value("q\"\\\n\u0001\u2028").value(1.5).value(2.0).value(-0.0).value(1e20).endArray();
        assertEquals("[\"q\\\"\\\\\\n\\u0001\\u2028\",1.5,2,0,1.0E20]", out.toString());
        var sb = new StringBuilder();
        JsonWriter.writeString(sb, "tab\t cr\r nul\u0000 \u001f \u2029 é 😀");
        assertEquals("\"tab\\t cr\\r nul\\u0000 \\u001f \\u2029 é 😀\"", sb.toString());
        assertThrows(JsonBindingException.class, () -> new JsonWriter().value(Double.NaN));
    }

    @Test
    void bigNumbersWrittenByHandKeepEveryDigit() {
        assertEquals("[15.90,1180591620717411303424,1E+3]", JsonBinding.toJson(List.of(new BigDecimal("15.90"),
                java.math.BigInteger.TWO.pow(70), new BigDecimal("1E+3"))));
    }

    @Test
    void bigDecimalBindsOnItsOwnOnceItsCodecIsUsedAndBigIntegerSaysHow() {
        JsonCodecs.decimal(); // what a generated adapter with a BigDecimal component does when it loads
        assertEquals(new BigDecimal("15.90"), JsonBinding.fromJson("15.90", BigDecimal.class));
        var e = assertThrows(JsonBindingException.class, () -> JsonBinding.fromJson("1", java.math.BigInteger.class));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("component of a @Jsonable record"),
                e.getMessage());
    }
}
