package dev.isr4j.wasm.js;

import org.teavm.jso.JSObject;
import org.teavm.jso.JSProperty;
import org.teavm.jso.core.JSPromise;
import org.teavm.jso.typedarrays.ArrayBuffer;

/** The Fetch API Request workerd hands to the worker. */
public interface JSRequest extends JSObject {
    @JSProperty
    String getMethod();

    /** The URL as a JS string value, converted in bulk by JsText. */
    @JSProperty("url")
    org.teavm.jso.JSObject getUrlValue();

    @JSProperty
    JSHeaders getHeaders();

    JSPromise<ArrayBuffer> arrayBuffer();
}
