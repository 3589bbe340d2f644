package dev.isr4j.testkit;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.isr4j.JsonCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON on the JVM: parsed by Jackson-jr with numbers normalised as the Wasm build reports them; written as Wasm writes it. */
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

    /**
     * Writes exactly as the Wasm build does (isr4j's own JSON binding), so a value workerd cannot write fails
     * here too instead of passing a JUnit test.
     */
    @Override
    public String stringify(Object value) {
        return dev.isr4j.Env.NONE.json().stringify(value); // the plain-Java writer the Wasm build uses
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
}
