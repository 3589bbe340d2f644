package dev.isr4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON writer that behaves identically on the JVM and compiled to WebAssembly.
 *
 * <pre>{@code
 * Json.object().put("id", id).put("timestamp", clock.millis()).toJson(); // {"id":"7","timestamp":...}
 * }</pre>
 */
public final class Json {
    private Json() {
    }

    /** Anything that can be written as JSON. */
    public interface Value extends dev.isr4j.bind.JsonText {
        void write(StringBuilder out);

        @Override
        default String toJson() {
            var sb = new StringBuilder();
            write(sb);
            return sb.toString();
        }
    }

    public static Obj object() {
        return new Obj();
    }

    public static Arr array() {
        return new Arr();
    }

    /** A JSON object; keys keep insertion order. */
    public static final class Obj implements Value {
        private final Map<String, Object> fields = new LinkedHashMap<>();

        public Obj put(String key, String value) {
            fields.put(key, value);
            return this;
        }

        public Obj put(String key, long value) {
            fields.put(key, value);
            return this;
        }

        public Obj put(String key, double value) {
            fields.put(key, value);
            return this;
        }

        public Obj put(String key, boolean value) {
            fields.put(key, value);
            return this;
        }

        public Obj put(String key, Value value) {
            fields.put(key, value);
            return this;
        }

        @Override
        public void write(StringBuilder out) {
            out.append('{');
            boolean first = true;
            for (var e : fields.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                writeString(out, e.getKey());
                out.append(':');
                writeAny(out, e.getValue());
            }
            out.append('}');
        }

        @Override
        public String toString() {
            return toJson();
        }
    }

    /** A JSON array. */
    public static final class Arr implements Value {
        private final List<Object> items = new ArrayList<>();

        public Arr add(String value) {
            items.add(value);
            return this;
        }

        public Arr add(long value) {
            items.add(value);
            return this;
        }

        public Arr add(Value value) {
            items.add(value);
            return this;
        }

        @Override
        public void write(StringBuilder out) {
            out.append('[');
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                writeAny(out, items.get(i));
            }
            out.append(']');
        }

        @Override
        public String toString() {
            return toJson();
        }
    }

    private static void writeAny(StringBuilder out, Object v) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof String s) {
            writeString(out, s);
        } else if (v instanceof Value j) {
            j.write(out);
        } else if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                out.append("null");
            } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                out.append(d.longValue());
            } else {
                out.append(d);
            }
        } else {
            out.append(v);
        }
    }

    /** Writes a JSON string literal, escaping quotes, backslashes and control characters. */
    public static void writeString(StringBuilder out, String s) {
        dev.isr4j.bind.JsonWriter.writeString(out, s); // one escaping for hand-built and bound JSON alike
    }
}
