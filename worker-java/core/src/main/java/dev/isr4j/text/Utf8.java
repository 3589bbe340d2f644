package dev.isr4j.text;

/**
 * UTF-8 as the JDK's {@code StandardCharsets.UTF_8} has it (a lone surrogate is written as {@code '?'}; each
 * malformed subsequence reads as one U+FFFD, an encoded surrogate as one U+FFFD for its three bytes), without
 * {@code java.nio.charset}, whose encoder and decoder classes are a noticeable part of the Wasm module.
 */
public final class Utf8 {
    private Utf8() {
    }

    /** {@code s.getBytes(UTF_8)}. */
    public static byte[] encode(String s) {
        int n = s.length();
        byte[] out = new byte[length(s)];
        int j = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                out[j++] = (byte) c;
            } else if (c < 0x800) {
                out[j++] = (byte) (0xC0 | c >> 6);
                out[j++] = (byte) (0x80 | c & 0x3F);
            } else if (!Character.isSurrogate(c)) {
                out[j++] = (byte) (0xE0 | c >> 12);
                out[j++] = (byte) (0x80 | c >> 6 & 0x3F);
                out[j++] = (byte) (0x80 | c & 0x3F);
            } else if (pair(s, i)) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out[j++] = (byte) (0xF0 | cp >> 18);
                out[j++] = (byte) (0x80 | cp >> 12 & 0x3F);
                out[j++] = (byte) (0x80 | cp >> 6 & 0x3F);
                out[j++] = (byte) (0x80 | cp & 0x3F);
            } else {
                out[j++] = '?';
            }
        }
        return out;
    }

    /** {@code s.getBytes(UTF_8).length}, without the bytes. */
    public static int length(String s) {
        int n = s.length();
        int size = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    size++;
                } else if (!Character.isSurrogate(c)) {
                    size += 2;
                } else if (pair(s, i)) {
                    size += 2;
                    i++;
                }
            }
        }
        return size;
    }

    private static boolean pair(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length()
                && Character.isLowSurrogate(s.charAt(i + 1));
    }

    /** {@code new String(bytes, UTF_8)}. */
    public static String decode(byte[] bytes) {
        int n = bytes.length;
        char[] out = new char[n];
        int j = 0;
        int i = 0;
        while (i < n) {
            int c = bytes[i++] & 0xFF;
            if (c < 0x80) {
                out[j++] = (char) c;
                continue;
            }
            int more;
            int cp;
            int lo = 0x80;
            int hi = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                more = 1;
                cp = c & 0x1F;
            } else if (c >= 0xE0 && c <= 0xEF) {
                more = 2;
                cp = c & 0x0F;
                lo = c == 0xE0 ? 0xA0 : 0x80;
            } else if (c >= 0xF0 && c <= 0xF4) {
                more = 3;
                cp = c & 0x07;
                lo = c == 0xF0 ? 0x90 : 0x80;
                hi = c == 0xF4 ? 0x8F : 0xBF;
            } else {
                out[j++] = '\uFFFD';
                continue;
            }
            for (; more > 0; more--) {
                int d = i < n ? bytes[i] & 0xFF : -1;
                if (d < lo || d > hi) {
                    break;
                }
                cp = cp << 6 | d & 0x3F;
                i++;
                lo = 0x80;
                hi = 0xBF;
            }
            if (more > 0 || Character.isSurrogate((char) cp) && cp < 0x10000) {
                out[j++] = '\uFFFD';
            } else if (cp >= 0x10000) {
                out[j++] = Character.highSurrogate(cp);
                out[j++] = Character.lowSurrogate(cp);
            } else {
                out[j++] = (char) cp;
            }
        }
        return new String(out, 0, j);
    }
}
