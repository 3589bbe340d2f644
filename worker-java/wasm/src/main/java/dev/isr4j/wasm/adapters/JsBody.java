package dev.isr4j.wasm.adapters;

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
 * result, or {@code {value}}), and empties it ({@link #release}) once the Response owns the buffer, so nothing
 * Java still reaches (a request's thread lives until a full GC when something keeps it, see the shim's
 * thread start) can keep a body alive past its request.
 *
 * <p>A holder may also carry a stream with its {@code size} (an R2 object's body): it goes to the Response as
 * it is, and Java cannot read it. Every copy between Java and JS is counted in
 * {@code globalThis.isr4jBodyBytesCopied} (bytes, both directions), so tests and the benchmark can check that a
 * HIT copies nothing and a MISS copies its body once.
 */
public final class JsBody implements Body {
    private final JSObject holder;
    private byte[] bytes;

    JsBody(JSObject holder) {
        this.holder = holder;
    }

    private JsBody(JSObject holder, byte[] bytes) {
        this.holder = holder;
        this.bytes = bytes;
    }

    /** A body rendered in Java, copied to JS once; both the Response and every store use that copy. */
    static Body shared(Body body) {
        if (body instanceof JsBody || body.length() == 0) {
            return body;
        }
        byte[] b = body.bytes();
        return new JsBody(copyOut(b), b);
    }

    private static JSObject copyOut(byte[] bytes) {
        countCopied(bytes.length);
        return holdBytes(Int8Array.copyFromJavaArray(bytes));
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
            if (isStream(holder)) {
                throw new IllegalStateException("a body streamed from storage goes to the Response; Java cannot read it");
            }
            bytes = view(holder).copyToJavaArray();
            countCopied(bytes.length);
        }
        return bytes;
    }

    @Override
    public Body slice(int from, int to) {
        if (isStream(holder)) {
            throw new IllegalStateException("a body streamed from storage cannot be sliced");
        }
        return new JsBody(sliceOf(holder, from, to));
    }

    /** A holder ({@code {value: ArrayBuffer}}) for {@code new Response(...)}, {@code kv.put} or fetch, or null. */
    static JSObject holderOf(Body body) {
        if (body instanceof JsBody js) {
            return js.holder;
        }
        return body.length() == 0 ? null : copyOut(body.bytes());
    }

    /** Drops the holder's reference to its buffer once nothing in Java needs the bytes any more. */
    public static void release(JSObject holder) {
        empty(holder);
    }

    @JSBody(params = "p", script = "return p.then(function (b) { return { value: b }; });")
    private static native JSPromise<JSObject> hold(JSPromise<?> p);

    @JSBody(params = "bytes", script = "return { value: bytes };")
    private static native JSObject holdBytes(Int8Array bytes);

    @JSBody(params = "h", script = "return typeof h.size === 'number' ? h.size : h.value.byteLength;")
    private static native int byteLength(JSObject h);

    @JSBody(params = "h", script = "return typeof ReadableStream === 'function' && h.value instanceof ReadableStream;")
    private static native boolean isStream(JSObject h);

    @JSBody(params = "n", script = "globalThis.isr4jBodyBytesCopied = (globalThis.isr4jBodyBytesCopied || 0) + n;")
    private static native void countCopied(int n);

    @JSBody(params = "h", script = "return isr4jJs.bodyView(h);")
    private static native Int8Array view(JSObject h);

    // A view, not a copy: an overflow-format entry's body is the tail of the KV value, handed to the Response
    // as it is (a copy here cost a fresh megabyte per 1 MiB HIT).
    @JSBody(params = {"h", "from", "to"}, script = "return isr4jJs.bodySlice(h, from, to);")
    private static native JSObject sliceOf(JSObject h, int from, int to);

    @JSBody(params = "h", script = "if (h !== null && typeof h === 'object') h.value = null;")
    private static native void empty(JSObject h);
}
