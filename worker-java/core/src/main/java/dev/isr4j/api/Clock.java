package dev.isr4j.api;

/** Wall-clock time in epoch milliseconds; tests substitute a controllable one. */
@FunctionalInterface
public interface Clock {
    Clock SYSTEM = System::currentTimeMillis;

    long millis();
}
