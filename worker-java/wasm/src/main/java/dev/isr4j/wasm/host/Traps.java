package dev.isr4j.wasm.host;

import dev.isr4j.api.Log;
import dev.isr4j.wasm.adapters.ConsoleLog;
import dev.isr4j.wasm.adapters.JsPromises;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;

/**
 * Failures that escape Java's {@code catch}. In the Wasm build some errors are traps, not Java exceptions: a
 * stack overflow (V8's RangeError), or anything TeaVM leaves unchecked. A trap unwinds straight out of the
 * module to the JS code that called in (the shim's event queue, or a promise callback that resumed a green
 * thread), skipping every {@code catch} and {@code finally} on the way. Those callers catch it and report it
 * here; the green thread that was running is still {@link Thread#currentThread()} (TeaVM resets it only in a
 * {@code finally} the trap skipped), so it answers for itself: a request thread with the usual 500, a
 * background task with a log line and a settled {@code waitUntil} promise.
 */
final class Traps {
    private static final Log LOG = new ConsoleLog();
    /** The reporter handed to {@link JsPromises}, made once. */
    static final JsPromises.TrapReporter REPORTER = Traps::trapped;

    private Traps() {
    }

    /** A green thread that can still answer after a trap ended it. */
    abstract static class GuardedThread extends Thread {
        /** Called at most once, after a trap ended this thread's {@code run}. */
        abstract void trapped(Throwable error);
    }

    /** A trap (the JS error it surfaced as) ended whichever green thread was running. */
    static void trapped(JSObject jsError) {
        Throwable error = asThrowable(describe(jsError), isStackOverflow(jsError));
        if (Thread.currentThread() instanceof GuardedThread thread) {
            thread.trapped(error);
        } else {
            LOG.error("isr4j: a WebAssembly trap outside any request", error);
        }
    }

    /** What the JVM would have thrown, as near as the JS error tells: StackOverflowError, or a trap. */
    static Throwable asThrowable(String description, boolean stackOverflow) {
        return stackOverflow ? new StackOverflowError() : new WebAssemblyTrap(description);
    }

    /** A trap that is no Java exception (an unreachable instruction, an unchecked bad access). */
    static final class WebAssemblyTrap extends Error {
        WebAssemblyTrap(String message) {
            super(message);
        }
    }

    @JSBody(params = "e", script = "return e instanceof Error ? e.name + ': ' + e.message : String(e);")
    private static native String describe(JSObject error);

    @JSBody(params = "e", script = "return e instanceof RangeError && /call stack/i.test(e.message);")
    private static native boolean isStackOverflow(JSObject error);
}
