package dev.isr4j.text;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * String checks, splitting and percent-decoding without java.util.regex, which would add tens of kilobytes
 * to the Wasm module.
 */
public final class Text {
    private Text() {
    }

    /** True when {@code s} has {@code min..max} characters, each a letter, a digit or one of {@code extra}. */
    public static boolean isWord(String s, String extra, int min, int max) {
        if (s == null || s.length() < min || s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || extra.indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** {@code s} with A-Z made a-z and every other character kept: {@link #asciiUpperCase}'s mirror. */
    public static String asciiLowerCase(String s) {
        return shiftAscii(s, 'A', 'a' - 'A');
    }

    /**
     * {@code s} with a-z made A-Z and every other character kept: for HTTP methods (tokens), without the
     * Unicode case tables (which cost milliseconds to load in a fresh Wasm isolate).
     */
    public static String asciiUpperCase(String s) {
        return shiftAscii(s, 'a', 'A' - 'a');
    }

    /** {@code s} with each of the 26 letters from {@code first} moved by {@code shift}; {@code s} itself if none. */
    private static String shiftAscii(String s, char first, int shift) {
        char last = (char) (first + 25);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= first && c <= last) {
                char[] chars = s.toCharArray();
                for (int j = i; j < chars.length; j++) {
                    if (chars[j] >= first && chars[j] <= last) {
                        chars[j] = (char) (chars[j] + shift);
                    }
                }
                return new String(chars);
            }
        }
        return s;
    }

    public static boolean isLetters(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
                return false;
            }
        }
        return true;
    }

    /** Splits on a character, keeping empty parts. */
    public static List<String> split(String s, char separator) {
        var out = new ArrayList<String>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == separator) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    /**
     * Decodes %XX escapes as UTF-8 ({@code plusIsSpace} for query strings); a malformed escape is kept as
     * written.
     */
    public static String percentDecode(String s, boolean plusIsSpace) {
        if (s.indexOf('%') < 0 && (!plusIsSpace || s.indexOf('+') < 0)) {
            return s;
        }
        var bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hexValue(s.charAt(i + 1)) >= 0 && hexValue(s.charAt(i + 2)) >= 0) {
                bytes.write(hexValue(s.charAt(i + 1)) * 16 + hexValue(s.charAt(i + 2)));
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else {
                byte[] raw = Utf8.encode(String.valueOf(c));
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    raw = Utf8.encode(s.substring(i, i + 2));
                    i++;
                }
                bytes.write(raw, 0, raw.length);
            }
        }
        return Utf8.decode(bytes.toByteArray());
    }

    /**
     * {@code s} in single quotes for a message or a log line: control characters and lone surrogates as
     * a backslash, u and four hex digits (so user input cannot forge log lines), at most 80 characters shown.
     */
    public static String quote(String s) {
        if (s == null) {
            return "null";
        }
        var out = new StringBuilder("'");
        int end = Math.min(s.length(), 80);
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || Character.isSurrogate(c)) {
                out.append("\\u").append(hex4(c));
            } else {
                out.append(c);
            }
        }
        out.append('\'');
        if (s.length() > end) {
            out.append(" (").append(s.length()).append(" characters, shown in part)");
        }
        return out.toString();
    }

    /** Four lower-case hex digits. */
    public static String hex4(char c) {
        String h = Integer.toHexString(c);
        return "0".repeat(4 - h.length()) + h;
    }

    /** The value of a hex digit (either case), or -1. */
    public static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
