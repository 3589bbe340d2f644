package dev.isr4j.wasm.adapters;

import dev.isr4j.text.Utf8;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;
import org.teavm.jso.core.JSString;
import org.teavm.jso.typedarrays.Int8Array;

/**
 * Text across the JS boundary. Without the js-string builtins (workerd compiles without them) TeaVM moves a
 * string one character per import call: cheap for a short string, while a long one is cheaper as one UTF-8
 * buffer encoded in JS and copied once. The encoder and decoder are made once per isolate (making one costs
 * more than using it).
 */
public final class JsText {
    /** Up to this many UTF-16 code units a string crosses character by character. */
    private static final int SHORT = 96;
    private static final JSObject ENCODER = newEncoder();
    private static final JSObject DECODER = newDecoder();

    private JsText() {
    }

    /** A JS string value into Java (null for null or undefined). */
    public static String string(JSObject jsString) {
        if (jsString == null || isNullish(jsString)) {
            return null;
        }
        if (length(jsString) <= SHORT) {
            return ((JSString) jsString).stringValue();
        }
        return utf8ToString(utf8(ENCODER, jsString).copyToJavaArray());
    }

    /** A Java string as a JS string value. */
    static JSObject js(String text) {
        if (text.length() <= SHORT) {
            return JSString.valueOf(text);
        }
        return decode(DECODER, bytes(text));
    }

    /** Java text as UTF-8 bytes in a JS typed array, for a helper that decodes it once. */
    static Int8Array bytes(String text) {
        return Int8Array.copyFromJavaArray(Utf8.encode(text));
    }

    /**
     * The {@code metadata} of a KV read result as JSON text, without the result's value entering Java. The text
     * of recent reads is remembered on both sides, a slot per hash of the text: when this read's text is the
     * one in its slot (compared in JS), the Java string made for it before is returned, nothing crosses, and
     * the entry decoder, which remembers by that text, parses nothing either.
     */
    static String metadataJson(JSObject readResult) {
        int found = metadataSlot(readResult, METADATA_JS);
        if (found >= 0) {
            return METADATA[found];
        }
        int slot = -1 - found;
        String text = utf8ToString(utf8(ENCODER, pending(METADATA_JS)).copyToJavaArray());
        commit(METADATA_JS, slot);
        METADATA[slot] = text;
        return text;
    }

    private static final int METADATA_SLOTS = 256;
    private static final JSObject METADATA_JS = newSlots(METADATA_SLOTS);
    private static final String[] METADATA = new String[METADATA_SLOTS];

    @JSBody(params = "n", script = "const t = new Array(n).fill(null); t.pending = null; return t;")
    private static native JSObject newSlots(int n);

    // The slot of the read's metadata text when that slot holds the same text, else -1 - slot (the text waits in
    // t.pending until Java has its copy and commits it).
    @JSBody(params = {"r", "t"}, script = "return isr4jJs.metadataSlot(r, t);")
    private static native int metadataSlot(JSObject r, JSObject t);

    @JSBody(params = "t", script = "return t.pending;")
    private static native JSObject pending(JSObject t);

    @JSBody(params = {"t", "slot"}, script = "t[slot] = t.pending; t.pending = null;")
    private static native void commit(JSObject t, int slot);

    /** UTF-8 bytes as a string; ASCII (nearly all of it here) without the charset machinery. */
    static String utf8ToString(byte[] bytes) {
        int n = bytes.length;
        char[] chars = new char[n];
        for (int i = 0; i < n; i++) {
            byte b = bytes[i];
            if (b < 0) {
                return Utf8.decode(bytes);
            }
            chars[i] = (char) b;
        }
        return new String(chars);
    }

    @JSBody(script = "return new TextEncoder();")
    private static native JSObject newEncoder();

    @JSBody(script = "return new TextDecoder();")
    private static native JSObject newDecoder();

    @JSBody(params = {"decoder", "bytes"}, script = "return decoder.decode(bytes);")
    private static native JSObject decode(JSObject decoder, Int8Array bytes);

    @JSBody(params = "s", script = "return s === null || s === undefined;")
    private static native boolean isNullish(JSObject s);

    @JSBody(params = "s", script = "return s.length;")
    private static native int length(JSObject s);

    @JSBody(params = {"encoder", "s"}, script = "const u = encoder.encode(s);"
            + "return new Int8Array(u.buffer, u.byteOffset, u.length);")
    private static native Int8Array utf8(JSObject encoder, JSObject s);
}
