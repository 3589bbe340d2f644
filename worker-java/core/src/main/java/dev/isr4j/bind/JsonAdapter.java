package dev.isr4j.bind;

/**
 * Reads and writes one Java type as JSON. The annotation processor writes one for every {@link Jsonable} type;
 * {@link JsonCodecs} has them for the JDK's types and for lists, sets, maps and optionals of others.
 * Both directions take null: {@code write} writes {@code null}, {@code read} returns null for JSON {@code null}
 * (adapters of primitives refuse it).
 */
public interface JsonAdapter<T> {
    void write(JsonWriter out, T value);

    T read(JsonParser in);

    /** The class this adapter binds, for the registry; null for adapters of generic or JDK types. */
    default Class<T> type() {
        return null;
    }
}
