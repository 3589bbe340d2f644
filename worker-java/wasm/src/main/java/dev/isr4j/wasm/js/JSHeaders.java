package dev.isr4j.wasm.js;

import org.teavm.jso.JSClass;
import org.teavm.jso.JSObject;

/** The Fetch API Headers class. */
@JSClass(name = "Headers")
public class JSHeaders implements JSObject {
    public JSHeaders() {
    }

    public native void append(String name, String value);
}
