package dev.isr4j.bind;

/**
 * A value that is already JSON and writes itself (the hand-built {@code dev.isr4j.Json} objects): the binding
 * writes its text as it is, wherever it appears.
 */
public interface JsonText {
    /** One complete JSON value. */
    String toJson();
}
