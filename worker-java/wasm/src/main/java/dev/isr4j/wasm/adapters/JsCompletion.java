package dev.isr4j.wasm.adapters;

import dev.isr4j.api.Completion;
import org.teavm.jso.core.JSPromise;

/** A completion that is exactly the runtime's promise for a KV write: await() returns when the put settles. */
public final class JsCompletion implements Completion {
    public final JSPromise<?> promise;

    JsCompletion(JSPromise<?> promise) {
        this.promise = promise;
    }

    @Override
    public void await() {
        JsPromises.await(promise);
    }
}
