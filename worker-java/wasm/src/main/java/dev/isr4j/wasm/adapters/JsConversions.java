package dev.isr4j.wasm.adapters;

import dev.isr4j.Env;
import dev.isr4j.Headers;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.isr.CachedAnswer;
import dev.isr4j.isr.Ticket;
import dev.isr4j.text.HeaderFields;
import dev.isr4j.text.HeaderFraming;
import dev.isr4j.wasm.js.JSHeaders;
import dev.isr4j.wasm.js.JSRequest;
import java.util.HashMap;
import java.util.Map;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;
import org.teavm.jso.core.JSString;
import org.teavm.jso.typedarrays.Int8Array;

/** Request and Response between the Fetch API and the Java model; headers and body cross only if read. */
public final class JsConversions {
    private JsConversions() {
    }

    public static Request toJava(JSRequest request, Env env) {
        return Request.builder(request.getMethod(), JsText.string(request.getUrlValue()))
                .headers(() -> headers(request.getHeaders()))
                .headerLookup(name -> JsText.string(header(request.getHeaders(), jsName(name))))
                .body(() -> JsBody.await(request.arrayBuffer()))
                .env(env)
                .build();
    }

    /** The request's fields cross as one framed UTF-8 buffer (see {@link HeaderFraming}), decoded in Java. */
    static Headers headers(JSHeaders js) {
        return Headers.of(HeaderFraming.decode(JsText.string(framed(js))));
    }

    /**
     * Header names looked up one at a time, as JS strings: a Java string crosses one character per call, and the
     * names are the code's constants (every answer from the cache looks up the same two validators). At most
     * {@link #NAMES} are kept, so a handler making names up cannot grow it.
     */
    private static final Map<String, JSObject> JS_NAMES = new HashMap<>();
    private static final int NAMES = 64;

    private static JSObject jsName(String name) {
        JSObject js = JS_NAMES.get(name);
        if (js == null) {
            js = JSString.valueOf(name);
            if (JS_NAMES.size() < NAMES) {
                JS_NAMES.put(name, js);
            }
        }
        return js;
    }

    @JSBody(params = {"headers", "name"}, script = "return headers.get(name);")
    private static native JSObject header(JSHeaders headers, JSObject name);

    @JSBody(params = "headers", script = "return isr4jJs.frameHeaders(headers);")
    private static native JSObject framed(JSHeaders headers);

    /**
     * The Fetch API Response, built in one call and handed straight on (to the shim, or to {@link #resolve}), so no
     * Java object holds it (a Response holds its body, and a request's Java objects may outlive it until a full
     * GC). Headers cross as one framed buffer (see {@link HeaderFraming}: every name and value carries its length,
     * so no character of a value can start another field), the body as bytes. {@code fromCache} for an answer from
     * a cached entry, whose fields the next answers of that entry repeat: JS then keeps the Headers it makes for
     * them (see isr4j-js.mjs).
     *
     * @throws IllegalStateException when a header cannot be sent
     */
    public static JSObject response(Response response, boolean fromCache) {
        return newResponse(response.status(), packedFields(response), bodyHolder(response), fromCache);
    }

    /**
     * As {@link #response}, for an answer from the cache that the shim may replay under {@code ticket} (the isolate
     * memory tier, see {@link Ticket}) for requests shaped as {@code request} is: JS keeps a copy of the status,
     * fields and body with the ticket, and fills {@code Age} and the {@code Cache-Status} ttl as the ticket says.
     */
    public static JSObject replayable(Response response, JSRequest request, Ticket ticket) {
        if (hitStatusPrefix == null) {
            hitStatusPrefix = JSString.valueOf(CachedAnswer.HIT_STATUS_PREFIX);
        }
        return newReplayable(request, response.status(), packedFields(response), bodyHolder(response),
                ticket.until(), ticket.ageFrom(), ticket.ttlFrom(), hitStatusPrefix);
    }

    private static JSObject hitStatusPrefix;

    /** The response's fields framed as {@link HeaderFraming} lays them out, each checked to be sendable. */
    private static Int8Array packedFields(Response response) {
        var fields = response.headers().entries();
        for (var h : fields) {
            if (!HeaderFields.isValidName(h.getKey()) || !HeaderFields.isValidValue(h.getValue())) {
                throw new IllegalStateException("the response header \"" + h.getKey() + "\" cannot be sent:"
                        + " a name must be an RFC 9110 token and a value must not hold CR, LF or NUL");
            }
        }
        return Int8Array.copyFromJavaArray(HeaderFraming.encodeLatin1(fields));
    }

    private static JSObject bodyHolder(Response response) {
        int status = response.status();
        boolean noBody = status == 204 || status == 205 || status == 304 || response.body().length() == 0;
        return noBody ? null : JsBody.holderOf(response.body());
    }

    /** Settles the shim's promise for a request with its answer. */
    @JSBody(params = {"resolve", "response"}, script = "resolve(response);")
    public static native void resolve(JSObject resolve, JSObject response);

    // Reads HeaderFraming's layout: <length>:<name><length>:<value>..., lengths in characters, one byte per
    // character (Latin-1: every response field is checked to be within it before it gets here).
    @JSBody(params = {"status", "packed", "body", "keep"},
            script = "return isr4jJs.respond(status, packed, body, keep);")
    private static native JSObject newResponse(int status, Int8Array packed, JSObject body, boolean keep);

    @JSBody(params = {"request", "status", "packed", "body", "until", "ageFrom", "ttlFrom", "prefix"},
            script = "return isr4jJs.respondReplayable(request, status, packed, body, until, ageFrom, ttlFrom, prefix);")
    private static native JSObject newReplayable(JSRequest request, int status, Int8Array packed, JSObject body,
                                                 double until, double ageFrom, double ttlFrom, JSObject prefix);

    /** Drops every answer the shim keeps to replay (see {@link #replayable}): a revalidation was made here. */
    @JSBody(script = "isr4jJs.dropReplayable();")
    public static native void dropReplayable();
}
