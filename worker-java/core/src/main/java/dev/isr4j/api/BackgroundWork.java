package dev.isr4j.api;

/**
 * Runs work after the response has been sent. In workerd each task becomes a promise registered with
 * {@code ctx.waitUntil}, which settles only when the task (including any write it awaits) has finished.
 */
@FunctionalInterface
public interface BackgroundWork {
    void submit(Runnable task);

    /**
     * Registers a pending storage write directly with the runtime as well (in workerd, its promise goes to
     * {@code ctx.waitUntil} on its own), so the write is kept alive even apart from the task that awaits it.
     */
    default void keepAlive(Completion write) {
    }
}
