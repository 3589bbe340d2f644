package dev.isr4j.wasm.adapters;

import dev.isr4j.D1;
import dev.isr4j.D1Exception;
import dev.isr4j.Env;
import dev.isr4j.Fetcher;
import dev.isr4j.JsonCodec;
import dev.isr4j.Kv;
import dev.isr4j.api.Log;
import dev.isr4j.runtime.Deadlines;
import dev.isr4j.runtime.IsrRuntime;
import dev.isr4j.wasm.js.JSD1Database;
import dev.isr4j.wasm.js.JSEnv;
import dev.isr4j.wasm.js.JSKvNamespace;
import dev.isr4j.wasm.js.JSRuntime;
import java.util.HashMap;
import java.util.Map;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;

/** The worker's env; bindings are stable for an isolate's life, so lookups are remembered. */
public final class JsEnv implements Env {
    private static final Object ABSENT = new Object();

    private JSEnv env;
    private final Map<String, Object> seen = new HashMap<>();
    private final Map<String, D1> databases = new HashMap<>();

    private final Log log;

    /** Points at another env object (harnesses may pass a new one per call; workerd passes the same). */
    public void rebind(JSEnv other) {
        if (other != env) {
            env = other;
            seen.clear();
            databases.clear();
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
    public D1 d1(String binding) {
        D1 db = databases.get(binding);
        if (db == null) {
            JSObject raw = env == null ? null : env.get(binding);
            if (raw == null || JSRuntime.isNullish(raw)) {
                return Env.super.d1(binding); // throws, naming the binding and where to add it
            }
            if (!isD1(raw)) {
                throw new D1Exception(binding, "\"" + binding + "\" is bound, but not to a D1 database: bind one under "
                        + "d1_databases in wrangler.jsonc");
            }
            db = D1.over(binding, new JsSqlDatabase(binding, (JSD1Database) raw, Deadlines.d1Millis(this)));
            databases.put(binding, db);
        }
        return db;
    }

    @JSBody(params = "b", script = "return typeof b === 'object' && typeof b.prepare === 'function'"
            + " && typeof b.batch === 'function';")
    private static native boolean isD1(JSObject binding);

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
