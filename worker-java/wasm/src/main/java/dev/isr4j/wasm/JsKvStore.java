package dev.isr4j.wasm;

import dev.isr4j.Body;
import dev.isr4j.api.Completion;
import dev.isr4j.api.KvStore;
import dev.isr4j.internal.JsonReader;
import dev.isr4j.wasm.js.JSKvNamespace;
import dev.isr4j.wasm.js.JSRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;
import org.teavm.jso.core.JSPromise;
import org.teavm.jso.core.JSString;

/** {@link KvStore} over a KV binding. Values cross as one ArrayBuffer; a read body never enters Wasm. */
final class JsKvStore implements KvStore {
    private JSKvNamespace kv;

    /** Uses another binding object for the same namespace (see JsEnv.rebind). */
    void rebind(JSKvNamespace other) {
        if (other != null) {
            kv = other;
        }
    }

    JsKvStore(JSKvNamespace kv) {
        this.kv = kv;
    }

    @Override
    public Stored getWithMetadata(String key) {
        return stored(JsPromises.await(startRead(key)));
    }

    /** Starts the read a lookup of {@code key} needs, without waiting for it. */
    JSPromise<JSKvNamespace.WithMetadata> startRead(String key) {
        return kv.getWithMetadata(key, "arrayBuffer");
    }

    /** A {@code getWithMetadata(key, "arrayBuffer")} result as a stored value, or null when absent. */
    static Stored stored(JSKvNamespace.WithMetadata result) {
        if (absent(result)) {
            return null;
        }
        // The read result itself holds the body: the buffer never enters Java (see JsBody).
        return new Stored(new JsBody(result), hasMetadata(result) ? JsText.metadataJson(result) : null);
    }

    @JSBody(params = "r", script = "return r === null || r === undefined || r.value === null || r.value === undefined;")
    private static native boolean absent(JSObject r);

    @JSBody(params = "r", script = "return r.metadata !== null && r.metadata !== undefined;")
    private static native boolean hasMetadata(JSObject r);

    @Override
    public String getText(String key) {
        JSObject value = JsPromises.await(kv.get(key, "text"));
        return JSRuntime.isNullish(value) ? null : JSRuntime.asString(value);
    }

    @Override
    public Completion put(String key, Body value, String metadataJson, long expirationTtlSeconds) {
        JSObject holder = value.length() == 0 ? null : JsBody.holderOf(value);
        return new JsCompletion(putHeld(kv, key, holder, putOptions(metadataJson, (double) expirationTtlSeconds)));
    }

    @Override
    public Completion putText(String key, String value, long expirationTtlSeconds) {
        return new JsCompletion(kv.put(key, JSString.valueOf(value), putOptions(null, (double) expirationTtlSeconds)));
    }

    @Override
    public Completion delete(String key) {
        return new JsCompletion(kv.delete(key));
    }

    @Override
    public Page list(String prefix, String cursor) {
        String json = describeList(JsPromises.await(kv.list(listOptions(prefix, cursor))));
        var page = (Map<?, ?>) JsonReader.parse(json);
        var keys = new ArrayList<Listed>();
        for (Object k : (List<?>) page.get("keys")) {
            var pair = (List<?>) k;
            keys.add(new Listed((String) pair.get(0), (String) pair.get(1)));
        }
        return new Page(keys, (String) page.get("cursor"), Boolean.TRUE.equals(page.get("complete")));
    }

    @JSBody(params = {"kv", "key", "holder", "options"},
            script = "return kv.put(key, holder === null ? new ArrayBuffer(0) : holder.value, options);")
    private static native JSPromise<JSObject> putHeld(JSKvNamespace kv, String key, JSObject holder, JSObject options);

    @JSBody(params = {"metadata", "ttl"}, script = "const o = {};"
            + "if (metadata !== null) o.metadata = JSON.parse(metadata);"
            + "if (ttl > 0) o.expirationTtl = ttl;"
            + "return o;")
    private static native JSObject putOptions(String metadata, double ttl);

    @JSBody(params = {"prefix", "cursor"}, script = "const o = { prefix: prefix };"
            + "if (cursor !== null) o.cursor = cursor;"
            + "return o;")
    private static native JSObject listOptions(String prefix, String cursor);

    @JSBody(params = "r", script = "return JSON.stringify({"
            + "keys: r.keys.map(k => [k.name, k.metadata === undefined || k.metadata === null ? null"
            + " : JSON.stringify(k.metadata)]),"
            + "complete: !!r.list_complete, cursor: r.cursor || null });")
    private static native String describeList(JSObject result);
}
