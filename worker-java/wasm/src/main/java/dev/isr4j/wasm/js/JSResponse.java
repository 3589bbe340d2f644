package dev.isr4j.wasm.js;

import org.teavm.jso.JSClass;
import org.teavm.jso.JSObject;
import org.teavm.jso.JSProperty;
import org.teavm.jso.core.JSPromise;
import org.teavm.jso.typedarrays.ArrayBuffer;

/** The Fetch API Response class. */
@JSClass(name = "Response")
public class JSResponse implements JSObject {
    /** @param body an ArrayBuffer, a typed array, or null for no body */
    public JSResponse(JSObject body, Init init) {
    }

    @JSProperty
    public native int getStatus();

    @JSProperty
    public native JSHeaders getHeaders();

    public native JSPromise<ArrayBuffer> arrayBuffer();

    /** The {@code init} argument of {@code new Response(body, init)}. */
    public interface Init extends JSObject {
        @JSProperty
        void setStatus(int status);

        @JSProperty
        void setHeaders(JSHeaders headers);
    }
}
