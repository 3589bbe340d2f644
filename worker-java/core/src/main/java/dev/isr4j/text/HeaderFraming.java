package dev.isr4j.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Header fields as one text, for crossing between Java and JS in a single buffer. Each name and each value
 * is written as its length in UTF-16 code units, a {@code ':'}, then the text itself ({@code 8:location5:/blog}).
 * A reader skips exactly the announced length, so no character of a name or value (CR, LF, ':', digits) can
 * end a field early or start another. The JS half of the boundary (the wasm module's JsConversions) writes
 * and reads the same layout; UTF-8 between the two keeps the lengths, since Java and JS count the same units.
 */
public final class HeaderFraming {
    /** Longest length prefix read: nine digits, so a length never overflows an int. */
    private static final int MAX_DIGITS = 9;

    private HeaderFraming() {
    }

    /** The fields in order, as one framed text. */
    public static String encode(List<Map.Entry<String, String>> fields) {
        int size = 0;
        for (var f : fields) {
            size += f.getKey().length() + f.getValue().length() + 8;
        }
        var out = new StringBuilder(size);
        for (var f : fields) {
            append(out, f.getKey());
            append(out, f.getValue());
        }
        return out.toString();
    }

    /**
     * The fields as {@link #encode} lays them out, one byte per character: for fields that are all Latin-1 (as
     * response fields are once checked), so the reader maps each byte back to the character of that code.
     *
     * @throws IllegalArgumentException when a name or value holds a character above U+00FF
     */
    public static byte[] encodeLatin1(List<Map.Entry<String, String>> fields) {
        int size = 0;
        for (var f : fields) {
            size += framedLength(f.getKey()) + framedLength(f.getValue());
        }
        byte[] out = new byte[size];
        int at = 0;
        for (var f : fields) {
            at = putLatin1(out, at, f.getKey());
            at = putLatin1(out, at, f.getValue());
        }
        return out;
    }

    private static int framedLength(String text) {
        return digits(text.length()) + 1 + text.length();
    }

    private static int digits(int n) {
        int d = 1;
        for (int v = n; v >= 10; v /= 10) {
            d++;
        }
        return d;
    }

    /** Writes one framed name or value from {@code at}; returns where the next begins. */
    private static int putLatin1(byte[] out, int at, String text) {
        int n = text.length();
        int end = at + digits(n);
        int v = n;
        for (int i = end - 1; i >= at; i--, v /= 10) {
            out[i] = (byte) ('0' + v % 10);
        }
        out[end++] = ':';
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c > 0xff) {
                throw new IllegalArgumentException("a header field holds a character above U+00FF");
            }
            out[end++] = (byte) c;
        }
        return end;
    }

    private static void append(StringBuilder out, String text) {
        out.append(text.length()).append(':').append(text);
    }

    /**
     * The fields of a framed text, in order.
     *
     * @throws IllegalArgumentException when {@code framed} is not a sequence of whole name, value pairs
     */
    public static List<Map.Entry<String, String>> decode(String framed) {
        var fields = new ArrayList<Map.Entry<String, String>>();
        int[] at = {0};
        while (at[0] < framed.length()) {
            String name = next(framed, at);
            if (at[0] >= framed.length()) {
                throw new IllegalArgumentException("framed header text ends after the name \"" + name + "\"");
            }
            fields.add(Map.entry(name, next(framed, at)));
        }
        return fields;
    }

    private static String next(String framed, int[] at) {
        int start = at[0];
        int length = 0;
        int i = start;
        while (i < framed.length() && framed.charAt(i) != ':') {
            char c = framed.charAt(i);
            if (c < '0' || c > '9' || i - start >= MAX_DIGITS) {
                throw new IllegalArgumentException("framed header text has no length at offset " + start);
            }
            length = length * 10 + (c - '0');
            i++;
        }
        if (i == start || i >= framed.length()) {
            throw new IllegalArgumentException("framed header text has no length at offset " + start);
        }
        int from = i + 1;
        if (length > framed.length() - from) {
            throw new IllegalArgumentException("framed header text announces " + length + " characters at offset "
                    + start + " but holds only " + (framed.length() - from));
        }
        at[0] = from + length;
        return framed.substring(from, from + length);
    }
}
