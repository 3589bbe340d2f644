package dev.isr4j;

import dev.isr4j.json.JsonReader;
import java.util.List;
import java.util.Map;

/** A JSON codec in plain Java, for environments that bring none of their own ({@link Env#json()}). */
final class PureJsonCodec implements JsonCodec {
    static final PureJsonCodec INSTANCE = new PureJsonCodec();

    private PureJsonCodec() {
    }

    @Override
    public Object parse(String json) {
        return JsonReader.parse(json);
    }

    @Override
    public String stringify(Object value) {
        var sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            Json.writeString(sb, s);
        } else if (v instanceof Json.Value j) {
            j.write(sb);
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (var e : m.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                Json.writeString(sb, String.valueOf(e.getKey()));
                sb.append(':');
                write(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(sb, l.get(i));
            }
            sb.append(']');
        } else if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
            sb.append("null");
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else {
            throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON");
        }
    }
}
