package dev.isr4j.api;

/** Where isr4j reports problems it recovers from (cache faults, failed regenerations, handler errors). */
public interface Log {
    Log STDERR = new Log() {
        @Override
        public void warn(String message) {
            System.err.println("[isr4j] " + message);
        }

        @Override
        public void error(String message, Throwable error) {
            System.err.println("[isr4j] " + message + (error == null ? "" : ": " + error));
        }
    };

    void warn(String message);

    void error(String message, Throwable error);
}
