package dev.isr4j.wasm;

import dev.isr4j.Env;
import dev.isr4j.Headers;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.wasm.js.JSHeaders;
import dev.isr4j.wasm.js.JSRequest;
import dev.isr4j.wasm.js.JSResponse;
import dev.isr4j.wasm.js.JSRuntime;
import java.util.ArrayList;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;
import org.teavm.jso.typedarrays.Int8Array;
import java.util.List;
import java.util.Map;

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

    static Headers headers(JSHeaders js) {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        js.forEach((value, name) -> fields.add(Map.entry(name, value)));
        return Headers.of(fields);
    }

    /** One call builds the Response: headers cross as one UTF-8 buffer ("name\nvalue\n..."), the body as bytes. */
    static JSResponse toJs(Response response) {
        var packed = new StringBuilder();
        for (var h : response.headers().entries()) {
            packed.append(h.getKey()).append('\n').append(h.getValue()).append('\n');
        }
        int status = response.status();
        boolean noBody = status == 204 || status == 205 || status == 304 || response.body().length() == 0;
        return newResponse(status, JsText.bytes(packed.toString()), noBody ? null : JsBody.holderOf(response.body()));
    }

    @JSBody(params = {"status", "packed", "body"}, script = "const parts = new TextDecoder().decode(packed).split('\\n');"
            + "const headers = new Headers();"
            + "for (let i = 0; i + 1 < parts.length; i += 2) headers.append(parts[i], parts[i + 1]);"
            + "return new Response(body === null ? null : body.value, { status: status, headers: headers });")
    private static native JSResponse newResponse(int status, Int8Array packed, JSObject body);
}
