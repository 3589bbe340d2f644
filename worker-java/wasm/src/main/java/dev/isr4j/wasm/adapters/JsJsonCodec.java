package dev.isr4j.wasm.adapters;

import dev.isr4j.Env;
import dev.isr4j.JsonCodec;
import dev.isr4j.wasm.js.JSRuntime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;

/** JSON in Wasm: parsing is the runtime's {@code JSON.parse}; writing goes straight to text in Java. */
final class JsJsonCodec implements JsonCodec {
    static final JsJsonCodec INSTANCE = new JsJsonCodec();

    @Override
    public Object parse(String json) {
        if (json == null) {
            throw new IllegalArgumentException("no JSON text");
        }
        String problem = check(json);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return toJava(jsonParse(json));
    }

    @Override
    public String stringify(Object value) {
        return Env.NONE.json().stringify(value); // the plain-Java writer
    }

    private static Object toJava(JSObject v) {
        switch (kind(v)) {
            case 0:
                return null;
            case 1:
                return asBoolean(v);
            case 2: {
                double d = asNumber(v);
                return d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15 ? (Object) (long) d : (Object) d;
            }
            case 3:
                return JSRuntime.asString(v);
            case 4: {
                int n = length(v);
                var list = new ArrayList<Object>(n);
                for (int i = 0; i < n; i++) {
                    list.add(toJava(element(v, i)));
                }
                return list;
            }
            default: {
                JSObject keys = keys(v);
                int n = length(keys);
                var map = new LinkedHashMap<String, Object>();
                for (int i = 0; i < n; i++) {
                    String key = JSRuntime.asString(element(keys, i));
                    map.put(key, toJava(property(v, key)));
                }
                return map;
            }
        }
    }

    @JSBody(params = "text", script = "try { JSON.parse(text); return null; } catch (e) { return String(e.message); }")
    private static native String check(String text);

    @JSBody(params = "text", script = "return JSON.parse(text);")
    private static native JSObject jsonParse(String text);

    @JSBody(params = "v", script = "return isr4jJs.jsonKind(v);")
    private static native int kind(JSObject v);

    @JSBody(params = "v", script = "return v;")
    private static native boolean asBoolean(JSObject v);

    @JSBody(params = "v", script = "return v;")
    private static native double asNumber(JSObject v);

    @JSBody(params = "v", script = "return v.length;")
    private static native int length(JSObject v);

    @JSBody(params = {"v", "i"}, script = "return v[i];")
    private static native JSObject element(JSObject v, int i);

    @JSBody(params = "v", script = "return Object.keys(v);")
    private static native JSObject keys(JSObject v);

    @JSBody(params = {"v", "k"}, script = "return v[k];")
    private static native JSObject property(JSObject v, String k);
}
