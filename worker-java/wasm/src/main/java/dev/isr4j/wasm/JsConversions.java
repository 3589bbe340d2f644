package dev.isr4j.wasm;

import dev.isr4j.Env;
import dev.isr4j.Headers;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.text.HeaderFields;
import dev.isr4j.text.HeaderFraming;
import dev.isr4j.wasm.js.JSHeaders;
import dev.isr4j.wasm.js.JSRequest;
import dev.isr4j.wasm.js.JSResponse;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;
import org.teavm.jso.typedarrays.Int8Array;

/** Request and Response between the Fetch API and the Java model; headers and body cross only if read. */
final class JsConversions {
    private JsConversions() {
    }

    static Request toJava(JSRequest request, Env env) {
        return Request.builder(request.getMethod(), JsText.string(request.getUrlValue()))
                .headers(() -> headers(request.getHeaders()))
                .body(() -> JsBody.await(request.arrayBuffer()))
                .env(env)
                .build();
    }

    /** The request's fields cross as one framed UTF-8 buffer (see {@link HeaderFraming}), decoded in Java. */
    static Headers headers(JSHeaders js) {
        return Headers.of(HeaderFraming.decode(JsText.string(framed(js))));
    }

    @JSBody(params = "headers", script = "let out = '';"
            + "headers.forEach((value, name) => { out += name.length + ':' + name + value.length + ':' + value; });"
            + "return out;")
    private static native JSObject framed(JSHeaders headers);

    /**
     * One call builds the Response: headers cross as one framed UTF-8 buffer (see {@link HeaderFraming}: every
     * name and value carries its length, so no character of a value can start another field), the body as bytes.
     */
    static JSResponse toJs(Response response) {
        var fields = response.headers().entries();
        for (var h : fields) {
            if (!HeaderFields.isValidName(h.getKey()) || !HeaderFields.isValidValue(h.getValue())) {
                throw new IllegalStateException("the response header \"" + h.getKey() + "\" cannot be sent:"
                        + " a name must be an RFC 9110 token and a value must not hold CR, LF or NUL");
            }
        }
        int status = response.status();
        boolean noBody = status == 204 || status == 205 || status == 304 || response.body().length() == 0;
        return newResponse(status, JsText.bytes(HeaderFraming.encode(fields)),
                noBody ? null : JsBody.holderOf(response.body()));
    }

    // Reads HeaderFraming's layout: <length>:<name><length>:<value>..., lengths in UTF-16 code units.
    @JSBody(params = {"status", "packed", "body"}, script = "const t = new TextDecoder().decode(packed);"
            + "const headers = new Headers();"
            + "const next = (at) => { const c = t.indexOf(':', at); const n = Number(t.slice(at, c));"
            + " return [t.substr(c + 1, n), c + 1 + n]; };"
            + "for (let i = 0; i < t.length;) {"
            + " const [name, j] = next(i); const [value, k] = next(j); headers.append(name, value); i = k; }"
            + "return new Response(body === null ? null : body.value, { status: status, headers: headers });")
    private static native JSResponse newResponse(int status, Int8Array packed, JSObject body);
}
