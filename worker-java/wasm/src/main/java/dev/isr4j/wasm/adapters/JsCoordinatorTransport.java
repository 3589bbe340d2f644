package dev.isr4j.wasm.adapters;

import dev.isr4j.Json;
import dev.isr4j.api.CoordinatorTransport;
import dev.isr4j.coord.CoordinatorProtocol;
import dev.isr4j.json.JsonReader;
import dev.isr4j.wasm.js.JSDurableObjectNamespace;
import java.util.ArrayList;
import java.util.List;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;
import org.teavm.jso.core.JSPromise;

/**
 * Calls coordinator shards over their Durable Object stubs: one {@code fetch} per call, all at once, and all of
 * them within the deadline (past it the exchange fails; the calls themselves cannot be taken back).
 */
public final class JsCoordinatorTransport implements CoordinatorTransport {
    private JSDurableObjectNamespace namespace;
    private final int timeoutMillis;

    public JsCoordinatorTransport(JSDurableObjectNamespace namespace, long timeoutMillis) {
        this.namespace = namespace;
        this.timeoutMillis = (int) timeoutMillis;
    }

    /** Uses another binding object for the same namespace (see JsEnv.rebind). */
    public void rebind(JSDurableObjectNamespace other) {
        if (other != null) {
            namespace = other;
        }
    }

    @Override
    public List<String> exchange(List<Call> calls) {
        var batch = Json.array();
        for (Call call : calls) {
            batch.add(Json.array().add(CoordinatorProtocol.objectName(call.shard())).add(call.body()));
        }
        JSObject answers = JsPromises.await(send(namespace, batch.toJson(), timeoutMillis));
        var out = new ArrayList<String>(calls.size());
        for (Object answer : (List<?>) JsonReader.parse(JsText.string(answers))) {
            out.add((String) answer);
        }
        return out;
    }

    @JSBody(params = {"ns", "calls", "ms"}, script = "return isr4jJs.coordinatorSend(ns, calls, ms);")
    private static native JSPromise<JSObject> send(JSDurableObjectNamespace ns, String calls, int ms);
}
