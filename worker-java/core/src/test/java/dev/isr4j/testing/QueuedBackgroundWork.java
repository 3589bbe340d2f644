package dev.isr4j.testing;

import dev.isr4j.api.BackgroundWork;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Background work that only queues: the test decides when it runs ({@link #drain()}), so it can observe the
 * state between "response sent" and "ctx.waitUntil work finished". A task that throws propagates out of
 * {@link #drain()} (in workerd it would be a rejected waitUntil promise), failing the test.
 */
public final class QueuedBackgroundWork implements BackgroundWork {
    private final Deque<Runnable> queue = new ArrayDeque<>();
    private int submitted;

    @Override
    public synchronized void submit(Runnable task) {
        if (task == null) {
            throw new IllegalArgumentException("null task");
        }
        queue.add(task);
        submitted++;
    }

    /** Tasks queued and not yet started. */
    public synchronized int pending() {
        return queue.size();
    }

    /** Tasks submitted since creation. */
    public synchronized int submitted() {
        return submitted;
    }

    private synchronized Runnable poll() {
        return queue.poll();
    }

    /** Runs the oldest queued task, if any; returns whether one ran. */
    public boolean runNext() {
        Runnable task = poll();
        if (task == null) {
            return false;
        }
        task.run();
        return true;
    }

    /** Runs queued tasks, including ones they queue, until none is left; returns how many ran. */
    public int drain() {
        int n = 0;
        while (runNext()) {
            n++;
        }
        return n;
    }
}
