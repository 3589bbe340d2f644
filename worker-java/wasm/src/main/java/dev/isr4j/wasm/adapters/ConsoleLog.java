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
        String text = error.getClass().getName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
        return error.getCause() == null || error.getCause() == error ? text : text + " (caused by " + describe(error.getCause()) + ")";
    }
}
