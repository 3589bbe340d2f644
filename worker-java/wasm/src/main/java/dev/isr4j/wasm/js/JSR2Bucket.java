package dev.isr4j.wasm.js;

import org.teavm.jso.JSObject;
import org.teavm.jso.core.JSPromise;

/** An R2 bucket binding. */
public interface JSR2Bucket extends JSObject {
    /** The object (with {@code body}, {@code size}, {@code customMetadata}), or null when absent. */
    JSPromise<JSObject> get(String key);

    JSPromise<JSObject> delete(String key);
}
