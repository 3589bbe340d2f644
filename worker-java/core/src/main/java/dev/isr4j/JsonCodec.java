package dev.isr4j;

/**
 * JSON as plain Java values: objects are {@code Map<String, Object>}, arrays {@code List<Object>}, numbers
 * {@code Long} when integral else {@code Double}, plus {@code String}, {@code Boolean} and null. In Wasm it is
 * the JS {@code JSON} object; on the JVM it is Jackson-jr.
 */
public interface JsonCodec {
    /** Parses JSON text; malformed text throws {@link IllegalArgumentException}. */
    Object parse(String json);

    /** Writes maps, lists, strings, numbers, booleans, null and {@link Json.Value}s as JSON text. */
    String stringify(Object value);
}
