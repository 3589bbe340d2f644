package dev.isr4j.testing;

import dev.isr4j.Body;
import dev.isr4j.api.Completion;
import dev.isr4j.api.KvStore;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link KvStore} in front of another (usually an {@link dev.isr4j.cache.InMemoryKvStore}) that records the
 * calls the KV cache handler makes and can be switched to fail the way a KV binding fails: a read or write
 * that throws at once, or a write whose promise rejects ({@link Completion#await()} throws).
 */
public final class RecordingKvStore implements KvStore {
    public record Put(String key, String metadata, long expirationTtlSeconds) {
    }

    public record ListCall(String prefix, String cursor, int returned) {
    }

    private final KvStore target;
    public final List<Put> puts = new ArrayList<>();
    public final List<ListCall> lists = new ArrayList<>();
    public final List<String> deletes = new ArrayList<>();
    /** The keys read as text (tag records), in order. */
    public final List<String> textReads = java.util.Collections.synchronizedList(new ArrayList<>());

    public volatile boolean getThrows;
    public volatile boolean getTextThrows;
    public volatile boolean putThrows;
    /** The put reaches the store only when false; when true the write is lost and its completion fails. */
    public volatile boolean putAwaitThrows;
    public volatile boolean listThrows;

    public RecordingKvStore(KvStore target) {
        this.target = target;
    }

    @Override
    public Stored getWithMetadata(String key) {
        if (getThrows) {
            throw new IllegalStateException("KV GET failed: network connection lost");
        }
        return target.getWithMetadata(key);
    }

    @Override
    public String getText(String key) {
        textReads.add(key);
        if (getTextThrows) {
            throw new IllegalStateException("KV GET (text) failed: network connection lost");
        }
        return target.getText(key);
    }

    @Override
    public synchronized Completion put(String key, Body value, String metadataJson, long expirationTtlSeconds) {
        puts.add(new Put(key, metadataJson, expirationTtlSeconds));
        if (putThrows) {
            throw new IllegalStateException("KV PUT failed: too many requests");
        }
        if (putAwaitThrows) {
            return Completion.failed(new IllegalStateException("KV PUT rejected: 500 internal error"));
        }
        return target.put(key, value, metadataJson, expirationTtlSeconds);
    }

    @Override
    public synchronized Completion putText(String key, String value, long expirationTtlSeconds) {
        puts.add(new Put(key, null, expirationTtlSeconds));
        if (putThrows) {
            throw new IllegalStateException("KV PUT failed: too many requests");
        }
        if (putAwaitThrows) {
            return Completion.failed(new IllegalStateException("KV PUT rejected: 500 internal error"));
        }
        return target.putText(key, value, expirationTtlSeconds);
    }

    @Override
    public synchronized Completion delete(String key) {
        deletes.add(key);
        return target.delete(key);
    }

    @Override
    public synchronized Page list(String prefix, String cursor) {
        if (listThrows) {
            throw new IllegalStateException("KV LIST failed");
        }
        Page page = target.list(prefix, cursor);
        lists.add(new ListCall(prefix, cursor, page.keys().size()));
        return page;
    }

    /** The puts made to this key, oldest first. */
    public synchronized List<Put> putsTo(String key) {
        return puts.stream().filter(p -> p.key().equals(key)).toList();
    }
}
