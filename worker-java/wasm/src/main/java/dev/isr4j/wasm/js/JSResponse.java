package dev.isr4j.wasm.js;

import org.teavm.jso.JSClass;
import org.teavm.jso.JSObject;
import org.teavm.jso.JSProperty;
import org.teavm.jso.core.JSPromise;
import org.teavm.jso.typedarrays.ArrayBuffer;

/** The Fetch API Response class (responses are built in one JS call, see JsConversions). */
@JSClass(name = "Response")
public class JSResponse implements JSObject {
    protected JSResponse() {
    }

    @JSProperty
    public native int getStatus();

    @JSProperty
    public native JSHeaders getHeaders();

    public native JSPromise<ArrayBuffer> arrayBuffer();
}
