package dev.isr4j.wasm.js;

import org.teavm.jso.JSObject;

/**
 * A D1 database binding ({@code d1_databases} in wrangler.jsonc). Java never calls it directly: one JS primitive per
 * statement (isr4jJs.d1Run, d1Batch) prepares, binds, runs and writes the outcome as JSON text.
 */
public interface JSD1Database extends JSObject {
}
