package dev.isr4j.wasm.adapters;

import dev.isr4j.Env;
import dev.isr4j.Fetcher;
import dev.isr4j.JsonCodec;
import dev.isr4j.Kv;
import dev.isr4j.api.Log;
import dev.isr4j.runtime.Deadlines;
import dev.isr4j.runtime.IsrRuntime;
import dev.isr4j.wasm.js.JSEnv;
import dev.isr4j.wasm.js.JSKvNamespace;
import dev.isr4j.wasm.js.JSRuntime;
import java.util.HashMap;
import java.util.Map;
import org.teavm.jso.JSObject;

/** The worker's env; bindings are stable for an isolate's life, so lookups are remembered. */
public final class JsEnv implements Env {
    private static final Object ABSENT = new Object();

    private JSEnv env;
    private final Map<String, Object> seen = new HashMap<>();

    private final Log log;

    /** Points at another env object (harnesses may pass a new one per call; workerd passes the same). */
    public void rebind(JSEnv other) {
        if (other != env) {
            env = other;
            seen.clear();
        }
    }

    public JSEnv current() {
        return env;
    }

    public JsEnv(JSEnv env, Log log) {
        this.env = env;
        this.log = log;
    }

    @Override
    public String var(String name) {
        Object v = seen.get(name);
        if (v == null) {
            JSObject raw = env == null ? null : env.get(name);
            v = raw != null && !JSRuntime.isNullish(raw) && JSRuntime.isString(raw) ? JSRuntime.asString(raw) : ABSENT;
            seen.put(name, v);
        }
        return v == ABSENT ? null : (String) v;
    }

    @Override
    public Kv kv(String binding) {
        JSKvNamespace ns = namespace(binding);
        return ns == null ? null : IsrRuntime.kv(new JsKvStore(ns, Deadlines.kvReadMillis(this)));
    }

    @Override
    public Fetcher fetcher() {
        return JsFetcher.INSTANCE;
    }

    @Override
    public Log log() {
        return log;
    }

    @Override
    public JsonCodec json() {
        return JsJsonCodec.INSTANCE;
    }

    public JSKvNamespace namespace(String binding) {
        JSObject raw = env == null ? null : env.get(binding);
        return raw == null || JSRuntime.isNullish(raw) || JSRuntime.isString(raw) ? null : (JSKvNamespace) raw;
    }
}
