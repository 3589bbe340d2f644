package dev.isr4j.wasm;

import java.nio.charset.StandardCharsets;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;
import org.teavm.jso.typedarrays.Int8Array;

/**
 * Text across the JS boundary as one UTF-8 buffer. Without the js-string builtins (workerd compiles without
 * them) TeaVM moves a string one character per import call; for anything longer than a word, encoding in JS
 * and copying the bytes once is much cheaper.
 */
final class JsText {
    private JsText() {
    }

    /** A JS string value into Java. */
    static String string(JSObject jsString) {
        return new String(utf8(jsString).copyToJavaArray(), StandardCharsets.UTF_8);
    }

    /** Java text as UTF-8 bytes in a JS typed array, for a helper that decodes it once. */
    static Int8Array bytes(String text) {
        return Int8Array.copyFromJavaArray(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The {@code metadata} of a KV read result as JSON text, without the result's value entering Java. */
    static String metadataJson(JSObject readResult) {
        return new String(metadataUtf8(readResult).copyToJavaArray(), StandardCharsets.UTF_8);
    }

    @JSBody(params = "r", script = "const u = new TextEncoder().encode(JSON.stringify(r.metadata));"
            + "return new Int8Array(u.buffer, u.byteOffset, u.length);")
    private static native Int8Array metadataUtf8(JSObject r);

    @JSBody(params = "s", script = "const u = new TextEncoder().encode(s);"
            + "return new Int8Array(u.buffer, u.byteOffset, u.length);")
    private static native Int8Array utf8(JSObject s);

}
