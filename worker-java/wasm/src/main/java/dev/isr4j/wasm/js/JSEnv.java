package dev.isr4j.wasm.js;

import org.teavm.jso.JSIndexer;
import org.teavm.jso.JSObject;

/** The {@code env} argument: bindings and vars by name. */
public interface JSEnv extends JSObject {
    @JSIndexer
    JSObject get(String name);
}
