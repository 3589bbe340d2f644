package dev.isr4j.wasm.adapters;

import dev.isr4j.Body;
import dev.isr4j.api.Completion;
import dev.isr4j.api.ObjectStore;
import dev.isr4j.json.JsonReader;
import dev.isr4j.wasm.js.JSR2Bucket;
import dev.isr4j.wasm.js.JSRuntime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;
import org.teavm.jso.core.JSPromise;

/**
 * {@link ObjectStore} over an R2 binding. A read's body is the object's stream with its size: it goes to the
 * Response as it is and never enters Java. Writes take the body's JS buffer (see {@link JsBody}).
 */
final class JsR2Store implements ObjectStore {
    private final JSR2Bucket bucket;

    JsR2Store(JSR2Bucket bucket) {
        this.bucket = bucket;
    }

    @Override
    public Found get(String key) {
        JSObject object = JsPromises.await(bucket.get(key));
        if (JSRuntime.isNullish(object)) {
            return null;
        }
        var metadata = new LinkedHashMap<String, String>();
        if (JsonReader.parse(customMetadata(object)) instanceof Map<?, ?> m) {
            for (var e : m.entrySet()) {
                if (e.getKey() instanceof String k && e.getValue() instanceof String v) {
                    metadata.put(k, v);
                }
            }
        }
        return new Found(new JsBody(streamHolder(object)), metadata);
    }

    @Override
    public Completion put(String key, Body body, Map<String, String> metadata) {
        var json = dev.isr4j.Json.object();
        for (var e : metadata.entrySet()) {
            json.put(e.getKey(), e.getValue());
        }
        return new JsCompletion(put(bucket, key, JsBody.holderOf(body), json.toJson()));
    }

    @Override
    public Completion delete(String key) {
        return new JsCompletion(bucket.delete(key));
    }

    @JSBody(params = "o", script = "return JSON.stringify(o.customMetadata || {});")
    private static native String customMetadata(JSObject object);

    @JSBody(params = "o", script = "return { value: o.body, size: o.size };")
    private static native JSObject streamHolder(JSObject object);

    @JSBody(params = {"bucket", "key", "holder", "metadata"}, script = "return isr4jJs.r2Put(bucket, key, holder, metadata);")
    private static native JSPromise<JSObject> put(JSR2Bucket bucket, String key, JSObject holder, String metadata);
}
