package dev.isr4j.wasm.js;

import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;

/** Small JS helpers (compiled into the module's initialiser, so they need no eval at request time). */
public final class JSRuntime {
    private JSRuntime() {
    }

    @JSBody(params = "message", script = "console.error(message);")
    public static native void consoleError(String message);

    @JSBody(params = "message", script = "console.warn(message);")
    public static native void consoleWarn(String message);

    @JSBody(params = "value", script = "return typeof value === 'string';")
    public static native boolean isString(JSObject value);

    @JSBody(params = "value", script = "return value === null || value === undefined;")
    public static native boolean isNullish(JSObject value);

    @JSBody(params = "value", script = "return value;")
    public static native String asString(JSObject value);

}
