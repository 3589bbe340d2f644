package dev.isr4j.wasm;

import dev.isr4j.Body;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;
import org.teavm.jso.core.JSPromise;
import org.teavm.jso.typedarrays.Int8Array;

/**
 * A body whose bytes live in a JS ArrayBuffer, copied into Java only if Java asks for them: a cached body goes
 * from KV to the Response without entering Wasm.
 *
 * <p>Java never holds the ArrayBuffer itself, only a JS object whose {@code value} is the buffer (a KV read
 * result, or {@code {value}}). TeaVM's runtime caches every JS object that enters Java behind a WeakRef, which
 * only a major GC clears; holding a 1 MiB buffer that way kept every response body alive far past its
 * request. The holder can be emptied ({@link #release}) once the Response owns the buffer.
 */
final class JsBody implements Body {
    private final JSObject holder;
    private byte[] bytes;

    JsBody(JSObject holder) {
        this.holder = holder;
    }

    /** The body of a pending {@code arrayBuffer()} promise (request or fetch response). */
    static JsBody await(JSPromise<?> arrayBuffer) {
        return new JsBody(JsPromises.await(hold(arrayBuffer)));
    }

    @Override
    public int length() {
        return byteLength(holder);
    }

    @Override
    public byte[] bytes() {
        if (bytes == null) {
            bytes = view(holder).copyToJavaArray();
        }
        return bytes;
    }

    @Override
    public Body slice(int from, int to) {
        return new JsBody(sliceOf(holder, from, to));
    }

    /** A holder ({@code {value: ArrayBuffer}}) for {@code new Response(...)}, {@code kv.put} or fetch, or null. */
    static JSObject holderOf(Body body) {
        if (body instanceof JsBody js) {
            return js.holder;
        }
        return body.length() == 0 ? null : holdBytes(Int8Array.copyFromJavaArray(body.bytes()));
    }

    /** Drops the holder's reference to its buffer once nothing in Java needs the bytes any more. */
    static void release(JSObject holder) {
        empty(holder);
    }

    @JSBody(params = "p", script = "return p.then(function (b) { return { value: b }; });")
    private static native JSPromise<JSObject> hold(JSPromise<?> p);

    @JSBody(params = "bytes", script = "return { value: bytes };")
    private static native JSObject holdBytes(Int8Array bytes);

    @JSBody(params = "h", script = "return h.value.byteLength;")
    private static native int byteLength(JSObject h);

    @JSBody(params = "h", script = "const v = h.value;"
            + "return ArrayBuffer.isView(v) ? new Int8Array(v.buffer, v.byteOffset, v.byteLength) : new Int8Array(v);")
    private static native Int8Array view(JSObject h);

    @JSBody(params = {"h", "from", "to"}, script = "const v = h.value;"
            + "const b = ArrayBuffer.isView(v) ? v.buffer.slice(v.byteOffset + from, v.byteOffset + to) : v.slice(from, to);"
            + "return { value: b };")
    private static native JSObject sliceOf(JSObject h, int from, int to);

    @JSBody(params = "h", script = "if (h !== null && typeof h === 'object') h.value = null;")
    private static native void empty(JSObject h);
}
