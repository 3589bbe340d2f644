package dev.isr4j.bind;

import java.time.temporal.TemporalAccessor;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The front door of JSON binding: {@code toJson(value)} and {@code fromJson(text, Type.class)} for
 * {@link Jsonable} types, whose adapters the annotation processor generated and registered as services
 * (TeaVM resolves them at compile time, the JVM at run time: the same adapters either way, no reflection).
 *
 * <p>{@link #write} also takes what a handler builds by hand: strings, numbers, booleans, enums, optionals,
 * lists, sets and maps of those, and any bound type inside them. A value of a type that is neither fails
 * with the type's name, on the JVM exactly as in Wasm.
 */
public final class JsonBinding {
    private static volatile Map<Class<?>, JsonAdapter<?>> registry;
    /**
     * JDK types whose codecs are bound only once something uses them (so a module that never does leaves them
     * out): a {@code BigDecimal} codec registers here when a generated adapter, or the user, first asks
     * {@link JsonCodecs#decimal()} for it, which pulls java.math (~10 KB gzipped) into the Wasm module.
     */
    private static final Map<Class<?>, JsonAdapter<?>> USED_JDK_CODECS = new java.util.concurrent.ConcurrentHashMap<>();

    static <T> JsonAdapter<T> used(Class<T> type, JsonAdapter<T> codec) {
        USED_JDK_CODECS.putIfAbsent(type, codec);
        return codec;
    }

    private JsonBinding() {
    }

    /** {@code value} as compact JSON text. */
    public static String toJson(Object value) {
        var out = new JsonWriter();
        write(out, value);
        return out.toString();
    }

    /** Reads {@code json} as a {@code type}; text that does not fit throws {@link JsonBindingException}. */
    public static <T> T fromJson(String json, Class<T> type) {
        return fromJson(json, adapter(type));
    }

    public static <T> T fromJson(String json, JsonAdapter<T> adapter) {
        JsonParser in = JsonParser.of(json);
        T value = adapter.read(in);
        in.finish();
        return value;
    }

    /** The adapter for {@code type}: a bound type's, or the JDK's for strings, numbers and dates. */
    @SuppressWarnings("unchecked")
    public static <T> JsonAdapter<T> adapter(Class<T> type) {
        JsonAdapter<?> found = adapters().get(type);
        if (found == null) {
            found = builtin(type);
        }
        if (found == null) {
            throw notBound(type);
        }
        return (JsonAdapter<T>) found;
    }

    /** Writes any value: see the class comment for what is accepted. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static void write(JsonWriter out, Object value) {
        if (value == null) {
            out.nullValue();
        } else if (value instanceof String s) {
            out.value(s);
        } else if (value instanceof Boolean b) {
            out.value(b.booleanValue());
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte) {
            out.value(((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float) {
            out.value(((Number) value).doubleValue());
        } else if (value instanceof Number n && isBig(n)) {
            out.rawValue(n.toString()); // exact, scale included: 15.90 stays 15.90
        } else if (value instanceof Enum<?> e) { // bound by name: the processor writes no adapter for an enum
            out.value(e.name());
        } else if (value instanceof JsonText j) {
            out.rawValue(j.toJson());
        } else if (value instanceof Optional<?> o) {
            write(out, o.orElse(null));
        } else if (value instanceof Map<?, ?> m) {
            out.beginObject();
            for (Map.Entry<String, ?> e : Ordering.map((Map<String, ?>) checkKeys(m))) {
                out.name(e.getKey());
                write(out, e.getValue());
            }
            out.endObject();
        } else if (value instanceof Collection<?> c) {
            out.beginArray();
            for (Object item : value instanceof java.util.Set<?> ? Ordering.set(c) : c) {
                write(out, item);
            }
            out.endArray();
        } else if (value instanceof java.time.Instant i) {
            JsonCodecs.instant().write(out, i);
        } else if (value instanceof TemporalAccessor) {
            out.value(value.toString()); // LocalDate, OffsetDateTime, ...: their toString is ISO-8601
        } else {
            JsonAdapter adapter = adapters().get(value.getClass());
            if (adapter == null) {
                throw notBound(value.getClass());
            }
            adapter.write(out, value);
        }
    }

    /**
     * A {@code BigDecimal} or {@code BigInteger}, known by name: {@code instanceof} or a class literal here would keep
     * java.math (~4 KB gzipped) in every Wasm module, used or not.
     */
    private static boolean isBig(Number n) {
        String name = n.getClass().getName();
        return name.equals("java.math.BigDecimal") || name.equals("java.math.BigInteger");
    }

    private static Map<?, ?> checkKeys(Map<?, ?> m) {
        for (Object key : m.keySet()) {
            if (!(key instanceof String)) {
                throw new JsonBindingException(null, "cannot write a map with a " + (key == null ? "null"
                        : key.getClass().getName()) + " key as JSON: JSON object keys are strings");
            }
        }
        return m;
    }

    private static JsonBindingException notBound(Class<?> type) {
        // By name: a class literal here would keep java.math in every module
        if (type.getName().startsWith("java.math.Big")) {
            return new JsonBindingException(null, "cannot bind " + type.getName() + " on its own: it binds as a "
                    + "component of a @Jsonable record, or read it with JsonBinding.fromJson(text, JsonCodecs.decimal())"
                    + " (java.math stays out of the Wasm module until something uses it)");
        }
        return new JsonBindingException(null, "cannot bind " + type.getName() + " to JSON: annotate it with "
                + "@dev.isr4j.bind.Jsonable (isr4j-json-processor then generates its adapter at compile time), "
                + "or pass strings, numbers, booleans, lists and maps");
    }

    private static JsonAdapter<?> builtin(Class<?> type) {
        if (type == String.class) {
            return JsonCodecs.string();
        } else if (type == Boolean.class) {
            return JsonCodecs.bool();
        } else if (type == Integer.class) {
            return JsonCodecs.integer();
        } else if (type == Long.class) {
            return JsonCodecs.longs();
        } else if (type == Double.class) {
            return JsonCodecs.doubles();
        }
        return USED_JDK_CODECS.get(type);
    }

    private static Map<Class<?>, JsonAdapter<?>> adapters() {
        Map<Class<?>, JsonAdapter<?>> found = registry;
        if (found == null) {
            found = new HashMap<>();
            for (JsonAdapter<?> adapter : ServiceLoader.load(JsonAdapter.class)) {
                if (adapter.type() != null) {
                    found.put(adapter.type(), adapter);
                }
            }
            registry = found;
        }
        return found;
    }
}
