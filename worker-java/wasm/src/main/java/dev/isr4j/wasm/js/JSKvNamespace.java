package dev.isr4j.wasm.js;

import org.teavm.jso.JSObject;
import org.teavm.jso.core.JSPromise;
import org.teavm.jso.core.JSUndefined;

/** A Workers KV namespace binding. */
public interface JSKvNamespace extends JSObject {
    /** @param type "text", "arrayBuffer" or "json" */
    JSPromise<JSObject> get(String key, String type);

    /** @param type a JS string ("arrayBuffer"), made once, so it does not cross the boundary on every read */
    JSPromise<WithMetadata> getWithMetadata(String key, JSObject type);

    JSPromise<JSUndefined> put(String key, JSObject value, JSObject options);

    JSPromise<JSUndefined> delete(String key);

    JSPromise<JSObject> list(JSObject options);

    /** The result of {@code getWithMetadata}: {@code {value, metadata}}, read in JS helpers (JsBody, JsText). */
    interface WithMetadata extends JSObject {
    }
}
