package dev.isr4j.wasm.js;

import org.teavm.jso.JSObject;

/** A SQLite-backed Durable Object's {@code ctx.storage.sql}; its statements run in JsCoordinatorStorage. */
public interface JSSqlStorage extends JSObject {
}
