package dev.isr4j.wasm.adapters;

import dev.isr4j.Fetcher;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.wasm.js.JSHeaders;
import dev.isr4j.wasm.js.JSResponse;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;
import org.teavm.jso.core.JSPromise;

/** Outbound HTTP through the runtime's {@code fetch}; the response body stays a JS buffer until read. */
final class JsFetcher implements Fetcher {
    static final JsFetcher INSTANCE = new JsFetcher();

    @Override
    public Response fetch(Request request) {
        var headers = new JSHeaders();
        for (var h : request.headers().entries()) {
            headers.append(h.getKey(), h.getValue());
        }
        boolean hasBody = !request.method().equals("GET") && !request.method().equals("HEAD")
                && request.body().length() > 0;
        JSResponse response = JsPromises.await(runtimeFetch(request.url(), init(request.method(), headers,
                hasBody ? JsBody.holderOf(request.body()) : null)));
        return Response.of(response.getStatus(), JsConversions.headers(response.getHeaders()),
                JsBody.await(response.arrayBuffer()));
    }

    @JSBody(params = {"url", "init"}, script = "return fetch(url, init);")
    private static native JSPromise<JSResponse> runtimeFetch(String url, JSObject init);

    @JSBody(params = {"method", "headers", "body"}, script = "return isr4jJs.fetchInit(method, headers, body);")
    private static native JSObject init(String method, JSHeaders headers, JSObject body);
}
