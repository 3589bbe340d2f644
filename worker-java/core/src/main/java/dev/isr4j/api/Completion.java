package dev.isr4j.api;

/**
 * A handle on a cache write. {@link #await()} returns only once the write is durable, and throws if it
 * failed; a handler must never hand out a completion that finishes before its storage write does.
 */
public interface Completion {
    Completion DONE = () -> { };

    /** Blocks (suspends, in workerd) until the write has settled; throws when it failed. */
    void await();

    static Completion failed(RuntimeException error) {
        return () -> {
            throw error;
        };
    }
}
