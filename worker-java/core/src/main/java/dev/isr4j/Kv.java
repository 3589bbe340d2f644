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
}
