package dev.isr4j.testing;

import dev.isr4j.api.Log;
import java.util.ArrayList;
import java.util.List;

/** A {@link Log} that keeps every line, for assertions. */
public final class RecordingLog implements Log {
    public enum Level { WARN, ERROR }

    public record Line(Level level, String message, Throwable error) {
        /** Message plus the error's message, as an operator would read it. */
        public String text() {
            return message + (error == null ? "" : ": " + error.getMessage());
        }
    }

    private final List<Line> lines = new ArrayList<>();

    @Override
    public synchronized void warn(String message) {
        lines.add(new Line(Level.WARN, message, null));
    }

    @Override
    public synchronized void error(String message, Throwable error) {
        lines.add(new Line(Level.ERROR, message, error));
    }

    public synchronized List<Line> lines() {
        return List.copyOf(lines);
    }

    public List<Line> errors() {
        return lines().stream().filter(l -> l.level() == Level.ERROR).toList();
    }

    public List<Line> warnings() {
        return lines().stream().filter(l -> l.level() == Level.WARN).toList();
    }

    /** True when some line of this level contains every fragment (in its message or its error's message). */
    public boolean has(Level level, String... fragments) {
        outer:
        for (Line l : lines()) {
            if (l.level() != level) {
                continue;
            }
            for (String f : fragments) {
                if (!l.text().contains(f)) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    public boolean hasError(String... fragments) {
        return has(Level.ERROR, fragments);
    }

    public boolean hasWarning(String... fragments) {
        return has(Level.WARN, fragments);
    }

    public synchronized boolean isEmpty() {
        return lines.isEmpty();
    }

    @Override
    public synchronized String toString() {
        var sb = new StringBuilder("log:");
        for (Line l : lines) {
            sb.append("\n  ").append(l.level()).append(' ').append(l.text());
        }
        return sb.toString();
    }
}
