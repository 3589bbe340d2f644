package dev.isr4j.wasm.adapters;

import dev.isr4j.Body;
import dev.isr4j.api.Completion;
import dev.isr4j.api.KvStore;
import dev.isr4j.runtime.Deadlines;
import dev.isr4j.json.JsonReader;
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
public final class JsKvStore implements KvStore {
    private JSKvNamespace kv;
    private final int readTimeoutMillis;

    private static final JSObject ARRAY_BUFFER = JSString.valueOf("arrayBuffer");

    /** Uses another binding object for the same namespace (see JsEnv.rebind). */
    public void rebind(JSKvNamespace other) {
        if (other != null) {
            kv = other;
        }
    }

    /** @param readTimeoutMillis how long a read may take before it counts as failed (see Deadlines) */
    public JsKvStore(JSKvNamespace kv, long readTimeoutMillis) {
        this.kv = kv;
        this.readTimeoutMillis = (int) readTimeoutMillis;
    }

    @Override
    public Stored getWithMetadata(String key) {
        JSKvNamespace.WithMetadata result = JsPromises.await(startRead(key));
        failIfLate(result, key);
        return stored(result);
    }

    /**
     * Starts the read a lookup of {@code key} needs, without waiting for it. Past the deadline the promise
     * fulfils with a marker instead ({@link #timedOut}), so whoever waits on it is never held longer.
     */
    JSPromise<JSKvNamespace.WithMetadata> startRead(String key) {
        return withDeadline(kv.getWithMetadata(key, ARRAY_BUFFER), readTimeoutMillis);
    }

    /** The message for a read of {@code key} that outlasted its deadline. */
    public String lateMessage(String key) {
        return "KV read of \"" + key + "\" took longer than " + readTimeoutMillis + " ms (" + Deadlines.KV_READ_VAR + ")";
    }

    private void failIfLate(JSObject result, String key) {
        if (timedOut(result)) {
            throw new JsPromises.JsFailure(lateMessage(key));
        }
    }

    /** True for the marker a read past its deadline fulfils with. */
    @JSBody(params = "r", script = "return r !== null && typeof r === 'object' && r.isr4jTimedOut === true;")
    public static native boolean timedOut(JSObject r);

    // The timer is cleared when the read wins, so a fast read leaves nothing pending.
    @JSBody(params = {"p", "ms"}, script = "return isr4jJs.kvDeadline(p, ms);")
    private static native <T extends JSObject> JSPromise<T> withDeadline(JSPromise<T> read, int ms);

    /** True for a read that found no value, failed, or outlasted its deadline: one call, nothing converted. */
    @JSBody(params = "r", script = "return isr4jJs.nothingFound(r);")
    public static native boolean nothingFound(JSObject r);

    /** A {@code getWithMetadata(key, "arrayBuffer")} result as a stored value, or null when absent. */
    public static Stored stored(JSKvNamespace.WithMetadata result) {
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
        JSObject value = JsPromises.await(withDeadline(kv.get(key, "text"), readTimeoutMillis));
        failIfLate(value, key);
        return JSRuntime.isNullish(value) ? null : JSRuntime.asString(value);
    }

    /** All reads started at once, each with its deadline, and awaited together: one suspension for all. */
    @Override
    public List<TextRead> getTexts(List<String> keys) {
        if (keys.size() == 1) {
            return KvStore.super.getTexts(keys);
        }
        return textsOf(keys, JsPromises.await(startTexts(keys)));
    }

    /**
     * Starts reading {@code keys} as text, each with its deadline, and returns the promise of all outcomes (it never
     * rejects; {@link #textsOf} reads it). Never suspends.
     */
    public JSPromise<JSObject> startTexts(List<String> keys) {
        JSObject reads = newArray();
        for (String key : keys) {
            push(reads, withDeadline(kv.get(key, "text"), readTimeoutMillis));
        }
        return allSettled(reads);
    }

    /** What the reads {@link #startTexts} started found, one per key in order: text, null (absent) or why it failed. */
    public List<TextRead> textsOf(List<String> keys, JSObject settled) {
        var out = new ArrayList<TextRead>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            JSObject value = settledValue(settled, i);
            if (settledFailed(settled, i)) {
                out.add(new TextRead(null, new JsPromises.JsFailure("KV read of \"" + keys.get(i) + "\" failed: "
                        + JsText.string(settledReason(settled, i)))));
            } else if (timedOut(value)) {
                out.add(new TextRead(null, new JsPromises.JsFailure(lateMessage(keys.get(i)))));
            } else {
                out.add(new TextRead(JsText.string(value), null));
            }
        }
        return out;
    }

    @JSBody(script = "return [];")
    private static native JSObject newArray();

    @JSBody(params = {"a", "p"}, script = "a.push(p);")
    private static native void push(JSObject array, JSObject promise);

    // Never rejects: each outcome as {ok, value} or {ok: false, reason} (its text), in the reads' order.
    @JSBody(params = "reads", script = "return isr4jJs.allSettled(reads);")
    private static native JSPromise<JSObject> allSettled(JSObject reads);

    @JSBody(params = {"s", "i"}, script = "return !s[i].ok;")
    private static native boolean settledFailed(JSObject settled, int i);

    @JSBody(params = {"s", "i"}, script = "return s[i].ok ? s[i].value : null;")
    private static native JSObject settledValue(JSObject settled, int i);

    @JSBody(params = {"s", "i"}, script = "return s[i].reason;")
    private static native JSObject settledReason(JSObject settled, int i);

    @Override
    public Completion put(String key, Body value, String metadataJson, long expirationTtlSeconds) {
        JSObject holder = value.length() == 0 ? null : JsBody.holderOf(value);
        return new JsCompletion(putHeld(kv, key, holder, putOptions(metadataJson == null ? null : JsText.js(metadataJson),
                (double) expirationTtlSeconds)));
    }

    @Override
    public Completion putText(String key, String value, long expirationTtlSeconds) {
        return new JsCompletion(kv.put(key, JsText.js(value), putOptions(null, (double) expirationTtlSeconds)));
    }

    @Override
    public Completion delete(String key) {
        return new JsCompletion(kv.delete(key));
    }

    @Override
    public Page list(String prefix, String cursor) {
        JSObject listed = JsPromises.await(withDeadline(kv.list(listOptions(prefix, cursor)), readTimeoutMillis));
        failIfLate(listed, "list " + prefix);
        String json = describeList(listed);
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

    @JSBody(params = {"metadata", "ttl"}, script = "return isr4jJs.kvPutOptions(metadata, ttl);")
    private static native JSObject putOptions(JSObject metadata, double ttl);

    @JSBody(params = {"prefix", "cursor"}, script = "const o = { prefix: prefix };"
            + "if (cursor !== null) o.cursor = cursor;"
            + "return o;")
    private static native JSObject listOptions(String prefix, String cursor);

    @JSBody(params = "r", script = "return isr4jJs.describeList(r);")
    private static native String describeList(JSObject result);
}
