package dev.isr4j.bind;

import dev.isr4j.text.Text;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A strict pull parser over JSON text (RFC 8259) for generated adapters: it knows where it is, so every
 * error names the place ({@code $.items[2].price}), what was expected and what was found, and the line and
 * column. Numbers are read from their text as the type asks (a long past 2^53 and a decimal's scale survive);
 * nesting is bounded, so hostile input cannot exhaust the stack.
 */
public final class JsonParser {
    /** Deeper JSON is refused: no document a site reads needs it, and a Wasm stack overflow is a trap. */
    public static final int MAX_DEPTH = 256;

    private final String s;
    private int pos;
    private int depth;
    /** Per open container: true for an array. */
    private final boolean[] arrays = new boolean[MAX_DEPTH];
    /** Per open container: members or elements seen so far. */
    private final int[] counts = new int[MAX_DEPTH];
    /** Per open object: the name of the member being read. */
    private final String[] names = new String[MAX_DEPTH];

    private JsonParser(String s) {
        this.s = s;
    }

    /** A parser at the start of {@code json}; null text is an error naming the root. */
    public static JsonParser of(String json) {
        if (json == null) {
            throw new JsonBindingException("$", "expected JSON, found no text");
        }
        return new JsonParser(json);
    }

    /** Checks that only whitespace follows the value just read. */
    public void finish() {
        skipSpace();
        if (pos < s.length()) {
            throw error("unexpected text after the JSON value", null);
        }
    }

    // ---- where we are

    /** The path of the value about to be read, from the document's root. */
    public String path() {
        var sb = new StringBuilder("$");
        for (int i = 0; i < depth; i++) {
            if (arrays[i]) {
                sb.append('[').append(Math.max(0, counts[i] - 1)).append(']');
            } else if (names[i] != null) {
                String n = names[i];
                if (isPlainName(n)) {
                    sb.append('.').append(n);
                } else {
                    sb.append('[');
                    JsonWriter.writeString(sb, n);
                    sb.append(']');
                }
            }
        }
        return sb.toString();
    }

    private static boolean isPlainName(String n) {
        if (n.isEmpty() || n.length() > 64) {
            return false;
        }
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (!(c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    /** An error at the current place: "$.a[1]: expected a string, found a number (line 1, column 9)". */
    public JsonBindingException error(String expected) {
        skipSpace();
        return error("expected " + expected + ", found " + describeNext(), null);
    }

    private JsonBindingException error(String message, Integer at) {
        int p = Math.min(at == null ? pos : at, s.length());
        int line = 1;
        int col = 1;
        for (int i = 0; i < p; i++) {
            if (s.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new JsonBindingException(path(), message + " (line " + line + ", column " + col + ")");
    }

    private String describeNext() {
        if (pos >= s.length()) {
            return "the end of the text";
        }
        char c = s.charAt(pos);
        return switch (c) {
            case '{' -> "an object";
            case '[' -> "an array";
            case '"' -> "a string";
            case 't', 'f' -> "a boolean";
            case 'n' -> "null";
            case '}', ']' -> "the end of the " + (c == '}' ? "object" : "array");
            default -> c == '-' || (c >= '0' && c <= '9') ? "the number " + numberText(pos) : "'" + c + "'";
        };
    }

    private String numberText(int from) {
        int end = from;
        while (end < s.length() && end - from < 40 && "+-.eE0123456789".indexOf(s.charAt(end)) >= 0) {
            end++;
        }
        return s.substring(from, end);
    }

    // ---- structure

    /** True when the next value is JSON null, which is then consumed. */
    public boolean nextIsNull() {
        skipSpace();
        if (s.startsWith("null", pos)) {
            pos += 4;
            return true;
        }
        return false;
    }

    public void beginObject() {
        open('{', false, "an object");
    }

    public void beginArray() {
        open('[', true, "an array");
    }

    private void open(char c, boolean array, String what) {
        skipSpace();
        if (pos >= s.length() || s.charAt(pos) != c) {
            throw error(what);
        }
        if (depth == MAX_DEPTH) {
            throw error("JSON nested deeper than " + MAX_DEPTH + " levels", null);
        }
        pos++;
        arrays[depth] = array;
        counts[depth] = 0;
        names[depth] = null;
        depth++;
    }

    /**
     * Whether the open object or array has another member or element; consumes the comma before it. After
     * false, {@link #endObject()} or {@link #endArray()} closes it.
     */
    public boolean hasNext() {
        skipSpace();
        int d = depth - 1;
        char close = arrays[d] ? ']' : '}';
        if (pos < s.length() && s.charAt(pos) == close) {
            return false;
        }
        if (counts[d] > 0) {
            if (pos >= s.length() || s.charAt(pos) != ',') {
                throw error("expected ',' or '" + close + "', found " + describeNext(), null);
            }
            pos++;
            skipSpace();
        }
        counts[d]++;
        return true;
    }

    /** The next member's name (after {@link #hasNext()} said there is one) and its colon. */
    public String nextName() {
        skipSpace();
        if (pos >= s.length() || s.charAt(pos) != '"') {
            throw error("expected a member name, found " + describeNext(), null);
        }
        String name = string();
        skipSpace();
        if (pos >= s.length() || s.charAt(pos) != ':') {
            throw error("expected ':' after the member name, found " + describeNext(), null);
        }
        pos++;
        names[depth - 1] = name;
        return name;
    }

    public void endObject() {
        close('}');
    }

    public void endArray() {
        close(']');
    }

    private void close(char c) {
        skipSpace();
        if (pos >= s.length() || s.charAt(pos) != c) {
            throw error("expected '" + c + "', found " + describeNext(), null);
        }
        pos++;
        depth--;
    }

    /** Skips one value of any kind (an unknown member's), without recursion. */
    public void skipValue() {
        int base = depth;
        do {
            skipSpace();
            if (pos >= s.length()) {
                throw error("a value");
            }
            char c = s.charAt(pos);
            if (c == '{' || c == '[') {
                open(c, c == '[', c == '[' ? "an array" : "an object");
            } else if (c == '"') {
                string();
            } else if (c == 't' || c == 'f') {
                nextBoolean();
            } else if (c == 'n') {
                if (!nextIsNull()) {
                    throw error("a value");
                }
            } else {
                numberEnd("a value");
            }
            while (depth > base && !hasNext()) {
                close(arrays[depth - 1] ? ']' : '}');
            }
            if (depth > base && !arrays[depth - 1]) {
                nextName();
            }
        } while (depth > base);
    }

    // ---- scalars

    public String nextString() {
        skipSpace();
        if (pos >= s.length() || s.charAt(pos) != '"') {
            throw error("a string");
        }
        return string();
    }

    public boolean nextBoolean() {
        skipSpace();
        if (s.startsWith("true", pos)) {
            pos += 4;
            return true;
        }
        if (s.startsWith("false", pos)) {
            pos += 5;
            return false;
        }
        throw error("a boolean");
    }

    /** An integer that fits a long, exactly (no fraction, no exponent). */
    public long nextLong() {
        return integer(Long.MIN_VALUE, Long.MAX_VALUE, "an integer");
    }

    public int nextInt() {
        return (int) integer(Integer.MIN_VALUE, Integer.MAX_VALUE, "an integer between -2^31 and 2^31-1");
    }

    /** An integer within [min, max]; {@code what} names the range in the error. */
    public long integer(long min, long max, String what) {
        skipSpace();
        int start = pos;
        int end = numberEnd(what);
        String text = s.substring(start, end);
        boolean integral = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '.' || c == 'e' || c == 'E') {
                integral = false;
                break;
            }
        }
        long v;
        try {
            v = integral ? Long.parseLong(text) : 0;
        } catch (NumberFormatException e) {
            integral = false;
            v = 0;
        }
        if (!integral || v < min || v > max) {
            pos = start;
            throw error("expected " + what + ", found " + text, start);
        }
        return v;
    }

    public double nextDouble() {
        skipSpace();
        int start = pos;
        return Double.parseDouble(s.substring(start, numberEnd("a number")));
    }

    /** A decimal from the number's own text: 15.90 keeps its scale. */
    public BigDecimal nextDecimal() {
        skipSpace();
        int start = pos;
        return new BigDecimal(s.substring(start, numberEnd("a number")));
    }

    public BigInteger nextBigInteger() {
        skipSpace();
        int start = pos;
        int end = numberEnd("an integer");
        String text = s.substring(start, end);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '.' || c == 'e' || c == 'E') {
                pos = start;
                throw error("expected an integer, found " + text, start);
            }
        }
        return new BigInteger(text);
    }

    /** Moves past a JSON number (RFC 8259's grammar exactly) and returns where it ends. */
    private int numberEnd(String what) {
        int p = pos;
        int n = s.length();
        if (p < n && s.charAt(p) == '-') {
            p++;
        }
        if (p >= n || !digit(s.charAt(p))) {
            throw error(what);
        }
        if (s.charAt(p) == '0') {
            p++;
        } else {
            while (p < n && digit(s.charAt(p))) {
                p++;
            }
        }
        if (p < n && s.charAt(p) == '.') {
            p++;
            if (p >= n || !digit(s.charAt(p))) {
                throw error("expected a digit after the decimal point", null);
            }
            while (p < n && digit(s.charAt(p))) {
                p++;
            }
        }
        if (p < n && (s.charAt(p) == 'e' || s.charAt(p) == 'E')) {
            p++;
            if (p < n && (s.charAt(p) == '+' || s.charAt(p) == '-')) {
                p++;
            }
            if (p >= n || !digit(s.charAt(p))) {
                throw error("expected a digit in the exponent", null);
            }
            while (p < n && digit(s.charAt(p))) {
                p++;
            }
        }
        if (p - pos > 1000) {
            throw error("a number longer than 1000 characters", null);
        }
        pos = p;
        return p;
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Reads a string literal at pos (which is a quote). */
    private String string() {
        int start = ++pos;
        StringBuilder sb = null;
        int n = s.length();
        while (true) {
            if (pos >= n) {
                throw error("unterminated string", start - 1);
            }
            char c = s.charAt(pos);
            if (c == '"') {
                String out = sb == null ? s.substring(start, pos) : sb.append(s, start, pos).toString();
                pos++;
                return out;
            }
            if (c < 0x20) {
                throw error("unescaped control character inside a string", null);
            }
            if (c != '\\') {
                pos++;
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder();
            }
            sb.append(s, start, pos);
            if (pos + 1 >= n) {
                throw error("unterminated string", start - 1);
            }
            char e = s.charAt(pos + 1);
            pos += 2;
            switch (e) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > n) {
                        throw error("expected four hex digits after \\u", pos - 2);
                    }
                    int v = 0;
                    for (int i = 0; i < 4; i++) {
                        int h = Text.hexValue(s.charAt(pos + i)); // ASCII only, as JSON says
                        if (h < 0) {
                            throw error("expected four hex digits after \\u", pos - 2);
                        }
                        v = v * 16 + h;
                    }
                    sb.append((char) v);
                    pos += 4;
                }
                default -> throw error("expected an escape such as \\n or \\u0041, found \\" + e, pos - 2);
            }
            start = pos;
        }
    }

    private void skipSpace() {
        int n = s.length();
        while (pos < n) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }
}
