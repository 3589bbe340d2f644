package dev.isr4j.testing;

import dev.isr4j.Body;
import dev.isr4j.api.Completion;
import dev.isr4j.api.KvStore;

/**
 * A {@link KvStore} that hands every call to another; a test overrides the calls it watches or breaks.
 * {@link #getTexts} keeps the interface's default (one {@link #getText} per key), so an override of
 * {@code getText} sees batched reads too.
 */
public class ForwardingKvStore implements KvStore {
    protected final KvStore target;

    public ForwardingKvStore(KvStore target) {
        this.target = target;
    }

    @Override
    public Stored getWithMetadata(String key) {
        return target.getWithMetadata(key);
    }

    @Override
    public String getText(String key) {
        return target.getText(key);
    }

    @Override
    public Completion put(String key, Body value, String metadataJson, long expirationTtlSeconds) {
        return target.put(key, value, metadataJson, expirationTtlSeconds);
    }

    @Override
    public Completion putText(String key, String value, long expirationTtlSeconds) {
        return target.putText(key, value, expirationTtlSeconds);
    }

    @Override
    public Completion delete(String key) {
        return target.delete(key);
    }

    @Override
    public Page list(String prefix, String cursor) {
        return target.list(prefix, cursor);
    }
}
