package dev.isr4j.wasm.adapters;

import dev.isr4j.api.Log;
import dev.isr4j.wasm.js.JSRuntime;

/** Logs to the worker's console (wrangler tail, Miniflare's output). */
public final class ConsoleLog implements Log {
    @Override
    public void warn(String message) {
        JSRuntime.consoleWarn("[isr4j] " + message);
    }

    @Override
    public void error(String message, Throwable error) {
        JSRuntime.consoleError("[isr4j] " + message + (error == null ? "" : ": " + describe(error)));
    }

    private static String describe(Throwable error) {
        String text = error.getClass().getName() + (error.getMessage() == null ? defaultMessage(error)
                : ": " + error.getMessage()) + where(error);
        return error.getCause() == null || error.getCause() == error ? text : text + " (caused by " + describe(error.getCause()) + ")";
    }

    /** What the JVM would say where TeaVM's exceptions carry no message. */
    private static String defaultMessage(Throwable error) {
        if (error instanceof NullPointerException) {
            return ": a null reference was used (read a field of it, called a method on it, or unboxed it)";
        } else if (error instanceof ArrayIndexOutOfBoundsException) {
            return ": an array index outside the array";
        } else if (error instanceof ClassCastException) {
            return ": a value cast to a class it is not an instance of";
        } else if (error instanceof StackOverflowError) {
            return ": the stack overflowed (unbounded recursion?)";
        }
        return "";
    }

    /**
     * The frames a development build names (the shim reads them from the module's name section): the first one
     * on one line, the rest below it. A production build has no names, and says nothing here.
     */
    private static String where(Throwable error) {
        StackTraceElement[] trace = error.getStackTrace();
        if (trace == null || trace.length == 0 || trace[0].getClassName().startsWith("java.lang.Throwable$")) {
            return "";
        }
        var out = new StringBuilder(" at ").append(frame(trace[0]));
        for (int i = 1; i < trace.length; i++) {
            out.append("\n    at ").append(frame(trace[i]));
        }
        return out.toString();
    }

    private static String frame(StackTraceElement e) {
        return e.getClassName() + "." + e.getMethodName();
    }
}
