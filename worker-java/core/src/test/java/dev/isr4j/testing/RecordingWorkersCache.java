package dev.isr4j.testing;

import dev.isr4j.api.WorkersCache;
import java.util.ArrayList;
import java.util.List;

/** ctx.cache as tests see it: every call, in order, as "purge [a, b]" or "invalidate everything"; failures on demand. */
public class RecordingWorkersCache implements WorkersCache {
    private final List<String> calls = new ArrayList<>();
    /** What {@link #canInvalidate} answers. */
    public volatile boolean canInvalidate = true;
    /** Calls that fail before one succeeds (-1: every one fails). */
    public volatile int failures;

    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    public synchronized void clear() {
        calls.clear();
    }

    private synchronized void call(String what) {
        calls.add(what);
        if (failures != 0) {
            failures--;
            throw new IllegalStateException("ctx.cache refused: " + what);
        }
    }

    @Override
    public void purgeTags(List<String> cacheTags) {
        call("purge " + cacheTags);
    }

    @Override
    public void invalidateTags(List<String> cacheTags) {
        call("invalidate " + cacheTags);
    }

    @Override
    public void purgeEverything() {
        call("purge everything");
    }

    @Override
    public void invalidateEverything() {
        call("invalidate everything");
    }

    @Override
    public boolean canInvalidate() {
        return canInvalidate;
    }
}
