package dev.isr4j.testing;

import dev.isr4j.Body;
import dev.isr4j.api.Completion;
import dev.isr4j.api.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An object store in memory that can fail the way an R2 binding fails (a put whose promise rejects). */
public final class InMemoryObjectStore implements ObjectStore {
    private record Stored(byte[] body, Map<String, String> metadata) {
    }

    private final Map<String, Stored> objects = new TreeMap<>();
    public final List<String> deletes = new ArrayList<>();
    public volatile boolean putFails;

    @Override
    public synchronized Found get(String key) {
        Stored s = objects.get(key);
        return s == null ? null : new Found(Body.of(s.body()), s.metadata());
    }

    @Override
    public synchronized Completion put(String key, Body body, Map<String, String> metadata) {
        if (putFails) {
            return Completion.failed(new IllegalStateException("R2 PUT rejected: 500 internal error"));
        }
        objects.put(key, new Stored(body.bytes().clone(), Map.copyOf(metadata)));
        return Completion.DONE;
    }

    @Override
    public synchronized Completion delete(String key) {
        deletes.add(key);
        objects.remove(key);
        return Completion.DONE;
    }

    public synchronized List<String> keys() {
        return new ArrayList<>(objects.keySet());
    }

    public synchronized void putRaw(String key, byte[] body, Map<String, String> metadata) {
        objects.put(key, new Stored(body, metadata));
    }
}
