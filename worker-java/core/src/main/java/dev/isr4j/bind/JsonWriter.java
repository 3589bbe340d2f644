package dev.isr4j.bind;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Writes compact JSON text into a {@link StringBuilder}, placing commas itself. Strings are escaped as
 * {@link dev.isr4j.Json} escapes them, so a value's bytes are the same whichever way it was written.
 * Non-finite numbers have no JSON form and are refused rather than written as something else.
 */
public final class JsonWriter {
    private static final int MAX_DEPTH = 512;

    private final StringBuilder out;
    /** Per open object or array: whether a value has been written in it (so the next one needs a comma). */
    private boolean[] written = new boolean[16];
    private int depth;
    /** A name was just written: its value follows without a comma. */
    private boolean afterName;

    public JsonWriter(StringBuilder out) {
        this.out = out;
    }

    public JsonWriter() {
        this(new StringBuilder());
    }

    /** The text written so far. */
    @Override
    public String toString() {
        return out.toString();
    }

    private void beforeValue() {
        if (afterName) {
            afterName = false;
            return;
        }
        if (depth > 0) {
            if (written[depth - 1]) {
                out.append(',');
            }
            written[depth - 1] = true;
        }
    }

    private void open(char c) {
        beforeValue();
        if (depth == MAX_DEPTH) {
            throw new JsonBindingException(null, "cannot write JSON nested deeper than " + MAX_DEPTH
                    + " levels (is a value its own part?)");
        }
        if (depth == written.length) {
            written = java.util.Arrays.copyOf(written, depth * 2);
        }
        written[depth++] = false;
        out.append(c);
    }

    public JsonWriter beginObject() {
        open('{');
        return this;
    }

    public JsonWriter endObject() {
        depth--;
        out.append('}');
        return this;
    }

    public JsonWriter beginArray() {
        open('[');
        return this;
    }

    public JsonWriter endArray() {
        depth--;
        out.append(']');
        return this;
    }

    /** An object member's name; its value comes next. */
    public JsonWriter name(String name) {
        beforeValue();
        writeString(out, name);
        out.append(':');
        afterName = true;
        return this;
    }

    public JsonWriter nullValue() {
        beforeValue();
        out.append("null");
        return this;
    }

    public JsonWriter value(String s) {
        if (s == null) {
            return nullValue();
        }
        beforeValue();
        writeString(out, s);
        return this;
    }

    public JsonWriter value(boolean b) {
        beforeValue();
        out.append(b);
        return this;
    }

    public JsonWriter value(long n) {
        beforeValue();
        out.append(n);
        return this;
    }

    /** A double as the shortest text that reads back as the same double; integral values without ".0". */
    public JsonWriter value(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new JsonBindingException(null, "cannot write " + d + " as JSON: JSON numbers are finite");
        }
        beforeValue();
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            out.append((long) d); // -0.0 too becomes 0, as JSON.stringify writes it
        } else {
            out.append(d);
        }
        return this;
    }

    /** A decimal exactly as it is, scale included: 15.90 stays 15.90. */
    public JsonWriter value(BigDecimal d) {
        if (d == null) {
            return nullValue();
        }
        beforeValue();
        out.append(d.toString());
        return this;
    }

    public JsonWriter value(BigInteger n) {
        if (n == null) {
            return nullValue();
        }
        beforeValue();
        out.append(n.toString());
        return this;
    }

    /** Appends text that is already JSON (one complete value); the caller vouches for it. */
    public JsonWriter rawValue(String json) {
        beforeValue();
        out.append(json);
        return this;
    }

    /** Writes a JSON string literal: quotes, backslashes, control characters and U+2028/2029 escaped. */
    public static void writeString(StringBuilder out, String s) {
        out.append('"');
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && c != 0x2028 && c != 0x2029) {
                continue;
            }
            out.append(s, start, i);
            start = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    String hex = Integer.toHexString(c);
                    out.append("\\u").append("0000", hex.length(), 4).append(hex);
                }
            }
        }
        out.append(s, start, s.length()).append('"');
    }
}
