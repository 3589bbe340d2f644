package dev.isr4j.testing;

import dev.isr4j.api.CacheHandler;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.api.CacheValue;
import dev.isr4j.api.Clock;
import dev.isr4j.api.Completion;
import dev.isr4j.cache.InMemoryCacheHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory cache whose get, set and delete can be made to fail one way or another; everything else goes
 * straight to the real in-memory handler.
 */
public final class FaultyCacheHandler implements CacheHandler {
    public final InMemoryCacheHandler memory;
    public volatile boolean getThrows;
    public volatile boolean getReturnsNull;
    public volatile boolean getCorrupt;
    public volatile boolean setThrows;
    public volatile boolean awaitThrows;
    public volatile boolean deleteAwaitThrows;
    /** Runs (once per assignment, if it clears itself) at the start of each set, before anything is stored. */
    public volatile Runnable beforeSet;
    /** Keys whose deletion was asked for. */
    public final List<String> deleted = new CopyOnWriteArrayList<>();

    public FaultyCacheHandler(Clock clock) {
        this.memory = new InMemoryCacheHandler(clock);
    }

    @Override
    public CacheLookup get(String key) {
        if (getThrows) {
            throw new IllegalStateException("storage unreachable");
        }
        if (getReturnsNull) {
            return null;
        }
        if (getCorrupt) {
            return CacheLookup.CORRUPT;
        }
        return memory.get(key);
    }

    @Override
    public Completion set(String key, CacheValue value, SetOptions options) {
        Runnable hook = beforeSet;
        if (hook != null) {
            hook.run();
        }
        if (setThrows) {
            throw new IllegalStateException("set refused");
        }
        if (awaitThrows) {
            return Completion.failed(new IllegalStateException("write lost"));
        }
        return memory.set(key, value, options);
    }

    @Override
    public Completion delete(String key) {
        deleted.add(key);
        if (deleteAwaitThrows) {
            return Completion.failed(new IllegalStateException("delete lost"));
        }
        return memory.delete(key);
    }

    @Override
    public Completion revalidateTag(List<String> tags, boolean soft) {
        return memory.revalidateTag(tags, soft);
    }

    @Override
    public CacheLookup.State tagState(List<String> tags, long lastModified) {
        return memory.tagState(tags, lastModified);
    }
}
