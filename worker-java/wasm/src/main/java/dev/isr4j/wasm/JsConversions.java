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
import java.util.List;
import java.util.Map;

/** Request and Response between the Fetch API and the Java model; headers and body cross only if read. */
final class JsConversions {
    private JsConversions() {
    }

    static Request toJava(JSRequest request, Env env) {
        return Request.builder(request.getMethod(), request.getUrl())
                .headers(() -> headers(request.getHeaders()))
                .body(() -> new JsBody(JsPromises.await(request.arrayBuffer())))
                .env(env)
                .build();
    }

    static Headers headers(JSHeaders js) {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        js.forEach((value, name) -> fields.add(Map.entry(name, value)));
        return Headers.of(fields);
    }

    static JSResponse toJs(Response response) {
        var headers = new JSHeaders();
        for (var h : response.headers().entries()) {
            headers.append(h.getKey(), h.getValue());
        }
        JSResponse.Init init = JSRuntime.newObject();
        init.setStatus(response.status());
        init.setHeaders(headers);
        int status = response.status();
        boolean noBody = status == 204 || status == 205 || status == 304 || response.body().length() == 0;
        return new JSResponse(noBody ? null : JsBody.toJs(response.body()), init);
    }
}
