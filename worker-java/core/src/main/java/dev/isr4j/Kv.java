package dev.isr4j;

/**
 * A Workers KV namespace, in blocking style: in workerd each call awaits the runtime's promise (the
 * Java code suspends, the isolate keeps serving other requests).
 */
public interface Kv {
    /** The value as UTF-8 text, or null when absent. */
    String getText(String key);

    /** The value's bytes, or null when absent. */
    byte[] getBytes(String key);

    void put(String key, String value);

    void put(String key, byte[] value);

    void delete(String key);

    /**
     * The value read as JSON into a {@code type} (a {@link dev.isr4j.bind.Jsonable} record, or a box), or null
     * when absent; a stored value that is not that JSON throws {@link IllegalStateException} naming the key.
     */
    default <T> T getJson(String key, Class<T> type) {
        String text = getText(key);
        if (text == null) {
            return null;
        }
        try {
            return dev.isr4j.bind.JsonBinding.fromJson(text, type);
        } catch (dev.isr4j.bind.JsonBindingException e) {
            throw new IllegalStateException("KV key " + key + " does not hold a " + type.getSimpleName() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Stores {@code value} as its JSON text ({@link dev.isr4j.bind.JsonBinding#toJson}). */
    default void putJson(String key, Object value) {
        put(key, dev.isr4j.bind.JsonBinding.toJson(value));
    }
}
