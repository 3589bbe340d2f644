package dev.isr4j.testkit;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.isr4j.Json;
import dev.isr4j.JsonCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON on the JVM: Jackson-jr, with numbers normalised the way the Wasm build reports them. */
public final class JacksonJsonCodec implements JsonCodec {
    public static final JacksonJsonCodec INSTANCE = new JacksonJsonCodec();

    private static final JSON JSON_STD = JSON.std;

    private JacksonJsonCodec() {
    }

    @Override
    public Object parse(String json) {
        try {
            return normalise(JSON_STD.anyFrom(json));
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public String stringify(Object value) {
        try {
            return JSON_STD.asString(plain(value));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write as JSON: " + e.getMessage(), e);
        }
    }

    /** Integral numbers become Long, others Double, as in the Wasm build. */
    private static Object normalise(Object v) {
        if (v instanceof Map<?, ?> m) {
            var out = new LinkedHashMap<String, Object>();
            m.forEach((k, val) -> out.put(String.valueOf(k), normalise(val)));
            return out;
        }
        if (v instanceof List<?> l) {
            var out = new ArrayList<Object>(l.size());
            l.forEach(e -> out.add(normalise(e)));
            return out;
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15 ? (Object) n.longValue() : (Object) d;
        }
        return v;
    }

    private static Object plain(Object v) throws IOException {
        if (v instanceof Json.Value j) {
            return JSON_STD.anyFrom(j.toJson());
        }
        return v;
    }
}
