package dev.isr4j.api;

/**
 * Runs work after the response has been sent. In workerd each task becomes a promise registered with
 * {@code ctx.waitUntil}, which settles only when the task (including any write it awaits) has finished.
 */
@FunctionalInterface
public interface BackgroundWork {
    void submit(Runnable task);
}
