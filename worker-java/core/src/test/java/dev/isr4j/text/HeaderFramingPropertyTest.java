package dev.isr4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class HeaderFramingPropertyTest {
    /** Any names and values, line breaks, colons and digits included, come back exactly as they went in. */
    @Property
    void decodeOfEncodeIsTheSameFields(@ForAll("fields") List<Map.Entry<String, String>> fields) {
        assertEquals(fields, HeaderFraming.decode(HeaderFraming.encode(fields)));
    }

    /** Arbitrary text either decodes or is refused with IllegalArgumentException, nothing else. */
    @Property
    void decodeOfAnyTextThrowsOnlyIllegalArgument(@ForAll String text) {
        decodeOrRefuse(text);
    }

    /** A damaged frame (cut short, or a character dropped or added) is refused or decodes; it never throws otherwise. */
    @Property
    void decodeOfADamagedFrameThrowsOnlyIllegalArgument(@ForAll("fields") List<Map.Entry<String, String>> fields,
                                                        @ForAll @IntRange(min = 0, max = 10_000) int at,
                                                        @ForAll char inserted) {
        String framed = HeaderFraming.encode(fields);
        int i = framed.isEmpty() ? 0 : at % framed.length();
        decodeOrRefuse(framed.substring(0, i));
        decodeOrRefuse(framed.substring(0, i) + framed.substring(Math.min(framed.length(), i + 1)));
        decodeOrRefuse(framed.substring(0, i) + inserted + framed.substring(i));
    }

    @Example
    void aValueHoldingLineBreaksAndAFieldStaysOneValue() {
        var fields = List.of(Map.entry("location", "/blog/x\r\nset-cookie: a=b"),
                Map.entry("x", "/blog/x\nset-cookie\na=b\n"), Map.entry("y", "3:abc5:hello"));
        String framed = HeaderFraming.encode(fields);
        assertEquals(fields, HeaderFraming.decode(framed));
        assertEquals("8:location5:/blog", HeaderFraming.encode(List.of(Map.entry("location", "/blog"))));
    }

    /** One byte per character: read back as the characters of those codes, it is the text encode() writes. */
    @Property
    void latin1FramingIsTheTextFraming(@ForAll("latin1Fields") List<Map.Entry<String, String>> fields) {
        byte[] bytes = HeaderFraming.encodeLatin1(fields);
        var text = new StringBuilder();
        for (byte b : bytes) {
            text.append((char) (b & 0xff));
        }
        assertEquals(HeaderFraming.encode(fields), text.toString());
        assertEquals(fields, HeaderFraming.decode(text.toString()));
    }

    @Example
    void latin1FramingRefusesACharacterAboveLatin1() {
        assertThrows(IllegalArgumentException.class,
                () -> HeaderFraming.encodeLatin1(List.of(Map.entry("x-name", "caf\u00e9 \u20ac"))));
        assertEquals(7, HeaderFraming.encodeLatin1(List.of(Map.entry("a", "\u00ff\u0080"))).length);
    }

    @Example
    void latin1FramingWritesLengthsOfManyDigits() {
        var fields = List.of(Map.entry("x-long", "v".repeat(12345)), Map.entry("", ""), Map.entry("x-ten", "0123456789"));
        byte[] bytes = HeaderFraming.encodeLatin1(fields);
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(HeaderFraming.encode(fields), text);
        assertTrue(text.startsWith("6:x-long12345:vvv"), text.substring(0, 20));
        assertTrue(text.endsWith("0:0:5:x-ten10:0123456789"));
    }

    @Example
    void aNameWithoutItsValueIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> HeaderFraming.decode("4:name"));
        assertThrows(IllegalArgumentException.class, () -> HeaderFraming.decode("4:name9:short"));
        assertThrows(IllegalArgumentException.class, () -> HeaderFraming.decode("9999999999:x"));
    }

    private static void decodeOrRefuse(String text) {
        try {
            HeaderFraming.decode(text);
        } catch (IllegalArgumentException refused) {
            // the documented error
        }
    }

    @Provide
    Arbitrary<List<Map.Entry<String, String>>> latin1Fields() {
        Arbitrary<String> text = Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(300);
        return text.list().ofMaxSize(8).flatMap(names -> text.list().ofSize(names.size()).map(values -> {
            var out = new ArrayList<Map.Entry<String, String>>();
            for (int i = 0; i < names.size(); i++) {
                out.add(Map.entry(names.get(i), values.get(i)));
            }
            return out;
        }));
    }

    @Provide
    Arbitrary<List<Map.Entry<String, String>>> fields() {
        Arbitrary<String> text = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(30),
                Arbitraries.strings().withChars("\r\n:0123456789 ab").ofMaxLength(30));
        return text.list().ofMaxSize(8).flatMap(names -> text.list().ofSize(names.size()).map(values -> {
            var out = new ArrayList<Map.Entry<String, String>>();
            for (int i = 0; i < names.size(); i++) {
                out.add(Map.entry(names.get(i), values.get(i)));
            }
            return out;
        }));
    }
}
