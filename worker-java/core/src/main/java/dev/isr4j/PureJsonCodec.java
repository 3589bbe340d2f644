package dev.isr4j;

import dev.isr4j.bind.JsonBinding;
import dev.isr4j.json.JsonReader;

/** A JSON codec in plain Java, for environments that bring none of their own ({@link Env#json()}). */
final class PureJsonCodec implements JsonCodec {
    static final PureJsonCodec INSTANCE = new PureJsonCodec();

    private PureJsonCodec() {
    }

    @Override
    public Object parse(String json) {
        return JsonReader.parse(json);
    }

    /**
     * Writes through the JSON binding ({@link JsonBinding#toJson}): maps, lists, strings, numbers, booleans,
     * {@code Json} values and {@code @Jsonable} records, the same on the JVM (the test kit) and in Wasm; what it
     * cannot write is an {@link IllegalArgumentException} ({@code JsonBindingException}) naming the type.
     */
    @Override
    public String stringify(Object value) {
        return JsonBinding.toJson(value);
    }
}
