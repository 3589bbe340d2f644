package dev.isr4j.testkit;

import dev.isr4j.Body;
import dev.isr4j.Kv;
import dev.isr4j.cache.InMemoryKvStore;

/** A handler's view ({@link Kv}) of an in-memory KV namespace. */
final class KvBinding implements Kv {
    private final InMemoryKvStore store;

    KvBinding(InMemoryKvStore store) {
        this.store = store;
    }

    @Override
    public String getText(String key) {
        return store.getText(key);
    }

    @Override
    public byte[] getBytes(String key) {
        var stored = store.getWithMetadata(key);
        return stored == null ? null : stored.value().bytes();
    }

    @Override
    public void put(String key, String value) {
        store.putText(key, value, 0).await();
    }

    @Override
    public void put(String key, byte[] value) {
        store.put(key, Body.of(value), null, 0).await();
    }

    @Override
    public void delete(String key) {
        store.delete(key).await();
    }
}
