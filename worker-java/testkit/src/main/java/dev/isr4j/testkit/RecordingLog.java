package dev.isr4j.testkit;

import dev.isr4j.api.Log;
import java.util.ArrayList;
import java.util.List;

/** Keeps what the runtime logged, for assertions; nothing is printed. */
final class RecordingLog implements Log {
    private final List<String> lines = new ArrayList<>();

    @Override
    public synchronized void warn(String message) {
        lines.add("WARN " + message);
    }

    @Override
    public synchronized void error(String message, Throwable error) {
        lines.add("ERROR " + message + (error == null ? "" : ": " + error));
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }
}
