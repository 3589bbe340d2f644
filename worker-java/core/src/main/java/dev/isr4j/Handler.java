package dev.isr4j;

/** A route handler: plain blocking Java; awaiting I/O suspends it without blocking the isolate. */
@FunctionalInterface
public interface Handler {
    Response handle(Request request) throws Exception;
}
