package dev.isr4j.runtime;

import dev.isr4j.Body;
import dev.isr4j.Kv;
import dev.isr4j.api.KvStore;

/**
 * A handler's {@link Kv} over a host's {@link KvStore} (the JS binding, the in-memory namespace): each write waits
 * for its completion, so a handler reads its own writes. Hosts get one from {@link IsrRuntime#kv}.
 */
final class BlockingKv implements Kv {
    private final KvStore store;

    BlockingKv(KvStore store) {
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
