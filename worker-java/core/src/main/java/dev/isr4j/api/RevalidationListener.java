package dev.isr4j.api;

/**
 * Told that this isolate made, or learnt of, a revalidation: a host drops whatever it replays from what was known
 * before (see {@code dev.isr4j.isr.Ticket}). Its own interface, not a {@code Runnable}: it is called where nothing
 * may suspend, and TeaVM counts a call as one that may when any implementation of the method called may (every
 * thread's {@code run} is a {@code Runnable}'s).
 */
@FunctionalInterface
public interface RevalidationListener {
    RevalidationListener NONE = () -> { };

    void revalidated();
}
