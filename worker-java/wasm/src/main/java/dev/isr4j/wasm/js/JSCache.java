package dev.isr4j.wasm.js;

import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;
import org.teavm.jso.core.JSPromise;

/** A Workers Cache API cache ({@code caches.default}): Responses keyed by URL, local to one location. */
public interface JSCache extends JSObject {
    JSPromise<JSObject> delete(String url);

    /** {@code caches.default}, or null where the runtime has no Cache API. */
    static JSCache defaultCache() {
        return Lookup.defaultCache();
    }

    /** Holds the lookup: an interface cannot declare a native method. */
    final class Lookup {
        private Lookup() {
        }

        @JSBody(script = "return typeof caches === 'object' && caches !== null && caches.default ? caches.default"
                + " : null;")
        static native JSCache defaultCache();
    }
}
