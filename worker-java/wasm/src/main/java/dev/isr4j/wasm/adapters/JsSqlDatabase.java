package dev.isr4j.wasm.adapters;

import dev.isr4j.D1Exception;
import dev.isr4j.api.SqlDatabase;
import dev.isr4j.bind.JsonWriter;
import dev.isr4j.wasm.js.JSD1Database;
import java.util.ArrayList;
import java.util.List;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;
import org.teavm.jso.core.JSPromise;

/**
 * {@link SqlDatabase} over a D1 binding: one call into JS per statement (a batch is one call too), awaited, so the
 * request's Java code suspends while the isolate serves others. The JS side runs the statement and hands back the
 * outcome as JSON text, or D1's error message, thrown as a {@link D1Exception} (so a log line says it once, not
 * again as a cause); a database that does not answer within the deadline is an error too, never a request left
 * hanging.
 */
public final class JsSqlDatabase implements SqlDatabase {
    /** What the JS primitives put before a failure's message; an outcome (JSON text) never starts with it. */
    private static final char FAILED = '!';

    private final String binding;
    private final JSD1Database db;
    private final int timeoutMillis;

    /**
     * @param binding the binding's name, for the errors
     * @param timeoutMillis how long a statement or batch may take before it fails (see Deadlines.d1Millis)
     */
    public JsSqlDatabase(String binding, JSD1Database db, long timeoutMillis) {
        this.binding = binding;
        this.db = db;
        this.timeoutMillis = (int) timeoutMillis;
    }

    @Override
    public String run(Query query) {
        return outcome(JsPromises.await(run(db, JsText.js(query.sql()), JsText.js(params(query)), timeoutMillis)));
    }

    @Override
    public List<String> batch(List<Query> queries) {
        if (queries.isEmpty()) {
            return List.of();
        }
        var statements = new JsonWriter().beginArray();
        for (Query q : queries) {
            statements.beginArray().value(q.sql()).rawValue(params(q)).endArray();
        }
        String lines = outcome(JsPromises.await(batch(db, JsText.js(statements.endArray().toString()), timeoutMillis)));
        // One outcome a line: JSON.stringify writes none of its own line breaks.
        var out = new ArrayList<String>(queries.size());
        for (int from = 0; ; ) {
            int end = lines.indexOf('\n', from);
            out.add(end < 0 ? lines.substring(from) : lines.substring(from, end));
            if (end < 0) {
                return out;
            }
            from = end + 1;
        }
    }

    private static String params(Query query) {
        String p = query.paramsJson();
        return p == null || p.isEmpty() ? "[]" : p;
    }

    /** The outcome text, or D1's message as an exception. */
    private String outcome(JSObject answer) {
        String text = JsText.string(answer);
        if (text == null) {
            throw new D1Exception(binding, "D1 gave no outcome");
        }
        if (!text.isEmpty() && text.charAt(0) == FAILED) {
            throw new D1Exception(binding, text.substring(1));
        }
        return text;
    }

    // Never rejects: the outcome's JSON text, or '!' and why it failed (D1's message, or the deadline's).
    @JSBody(params = {"db", "sql", "params", "ms"}, script = "return isr4jJs.d1Run(db, sql, params, ms);")
    private static native JSPromise<JSObject> run(JSD1Database db, JSObject sql, JSObject params, int ms);

    // The same for [[sql, params], ...] run as one D1 batch: the outcomes one a line.
    @JSBody(params = {"db", "statements", "ms"}, script = "return isr4jJs.d1Batch(db, statements, ms);")
    private static native JSPromise<JSObject> batch(JSD1Database db, JSObject statements, int ms);
}
