package dev.isr4j.wasm;

import dev.isr4j.Body;
import org.teavm.jso.JSObject;
import org.teavm.jso.typedarrays.ArrayBuffer;
import org.teavm.jso.typedarrays.Int8Array;

/**
 * A body whose bytes live in a JS ArrayBuffer. They are copied into Java only if Java asks for them, so a
 * cached body can go from storage to the Response without entering Wasm.
 */
final class JsBody implements Body {
    private final ArrayBuffer buffer;
    private byte[] bytes;

    JsBody(ArrayBuffer buffer) {
        this.buffer = buffer;
    }

    @Override
    public int length() {
        return buffer.getByteLength();
    }

    @Override
    public byte[] bytes() {
        if (bytes == null) {
            bytes = new Int8Array(buffer).copyToJavaArray();
        }
        return bytes;
    }

    @Override
    public Body slice(int from, int to) {
        return new JsBody(buffer.slice(from, to));
    }

    /** The body as something {@code new Response(...)} or {@code kv.put} accepts, copying at most once. */
    static JSObject toJs(Body body) {
        if (body instanceof JsBody js) {
            return js.buffer;
        }
        if (body.length() == 0) {
            return null;
        }
        return Int8Array.copyFromJavaArray(body.bytes());
    }
}
