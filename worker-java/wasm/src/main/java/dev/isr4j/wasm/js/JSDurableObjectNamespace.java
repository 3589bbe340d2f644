package dev.isr4j.wasm.js;

import org.teavm.jso.JSObject;

/** A Durable Object namespace binding ({@code env.ISR_COORDINATOR}); its calls are made in JsCoordinatorTransport. */
public interface JSDurableObjectNamespace extends JSObject {
}
