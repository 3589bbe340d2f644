package dev.isr4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {
    @Test
    void encodesAsTheJdk() {
        var random = new Random(7);
        String[] fixed = {"", "abc", "é", "€", "\uD83D\uDE00", "\uD800", "\uDC00x", "a\uD800\uD800\uDC00", "\uFFFF"};
        for (String s : fixed) {
            assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), Utf8.encode(s), s);
            assertEquals(s.getBytes(StandardCharsets.UTF_8).length, Utf8.length(s), s);
        }
        for (int k = 0; k < 20000; k++) {
            var chars = new char[random.nextInt(8)];
            for (int i = 0; i < chars.length; i++) {
                int pick = random.nextInt(5);
                chars[i] = (char) (pick == 0 ? random.nextInt(0x80) : pick == 1 ? 0xD800 + random.nextInt(0x800)
                        : random.nextInt(0x10000));
            }
            String s = new String(chars);
            assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), Utf8.encode(s), s);
            assertEquals(s.getBytes(StandardCharsets.UTF_8).length, Utf8.length(s), s);
        }
    }

    @Test
    void decodesAsTheJdk() {
        var random = new Random(11);
        int[] interesting = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0,
            0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
        for (int k = 0; k < 200000; k++) {
            var bytes = new byte[random.nextInt(7)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) (random.nextBoolean() ? interesting[random.nextInt(interesting.length)]
                        : random.nextInt(256));
            }
            assertEquals(jdkDecoder(bytes), Utf8.decode(bytes), () -> hex(bytes));
            assertEquals(new String(bytes, StandardCharsets.UTF_8), Utf8.decode(bytes), () -> hex(bytes));
        }
        for (String s : new String[] {"", "plain", "héllo €", "\uD83D\uDE00!"}) {
            assertEquals(s, Utf8.decode(s.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** The JDK's decoder with replacement: U+FFFD for each maximal malformed subsequence (Unicode's practice). */
    private static String jdkDecoder(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new AssertionError(e);
        }
    }

    private static String hex(byte[] bytes) {
        var sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02x ", b & 0xFF));
        }
        return sb.toString();
    }
}
