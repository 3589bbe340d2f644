package dev.isr4j.wasm;

import dev.isr4j.Kv;
import dev.isr4j.wasm.js.JSKvNamespace;
import dev.isr4j.wasm.js.JSRuntime;
import org.teavm.jso.JSObject;
import org.teavm.jso.core.JSString;
import org.teavm.jso.typedarrays.Int8Array;

/** {@link Kv} over a KV binding: each call awaits the binding's promise. */
final class JsKv implements Kv {
    private final JSKvNamespace kv;

    JsKv(JSKvNamespace kv) {
        this.kv = kv;
    }

    @Override
    public String getText(String key) {
        JSObject value = JsPromises.await(kv.get(key, "text"));
        return JSRuntime.isNullish(value) ? null : JSRuntime.asString(value);
    }

    @Override
    public byte[] getBytes(String key) {
        JSObject value = JsPromises.await(kv.get(key, "arrayBuffer"));
        return JSRuntime.isNullish(value) ? null : new Int8Array(JSRuntime.asArrayBuffer(value)).copyToJavaArray();
    }

    @Override
    public void put(String key, String value) {
        JsPromises.await(kv.put(key, JSString.valueOf(value)));
    }

    @Override
    public void put(String key, byte[] value) {
        JsPromises.await(kv.put(key, Int8Array.copyFromJavaArray(value)));
    }

    @Override
    public void delete(String key) {
        JsPromises.await(kv.delete(key));
    }
}
