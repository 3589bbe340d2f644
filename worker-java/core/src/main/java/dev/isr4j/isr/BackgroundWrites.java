package dev.isr4j.isr;

import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.Completion;
import dev.isr4j.api.Log;
import java.util.function.Supplier;

/**
 * How every cache write and delete runs after the response: scheduled without ever failing the request,
 * registered with the runtime on its own, and awaited so the enclosing background task settles only once the
 * storage has.
 */
public final class BackgroundWrites {
    private BackgroundWrites() {
    }

    /** Schedules {@code task}; work that cannot even be scheduled costs the write, never the response. */
    public static void submit(BackgroundWork background, Runnable task, Log log, String what) {
        try {
            background.submit(task);
        } catch (RuntimeException e) {
            log.error("could not schedule the " + what, e);
        }
    }

    /**
     * Starts a storage operation, keeps its completion alive with the runtime, awaits it; failures are logged.
     * True when it succeeded.
     */
    public static boolean awaitDurably(Supplier<Completion> operation, BackgroundWork background, Log log, String failure) {
        try {
            Completion completion = operation.get();
            background.keepAlive(completion);
            completion.await();
            return true;
        } catch (RuntimeException e) {
            log.error(failure, e);
            return false;
        }
    }
}
