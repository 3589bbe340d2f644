package dev.isr4j.wasm.js;

import org.teavm.jso.JSObject;
import org.teavm.jso.core.JSPromise;

/** The {@code ctx} argument of a module worker's fetch: keeps background promises alive. */
public interface JSExecutionContext extends JSObject {
    void waitUntil(JSPromise<?> promise);
}
