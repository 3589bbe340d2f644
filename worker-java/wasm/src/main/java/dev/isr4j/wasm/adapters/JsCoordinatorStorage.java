package dev.isr4j.wasm.adapters;

import dev.isr4j.coord.CoordinatorStorage;
import dev.isr4j.json.JsonReader;
import dev.isr4j.wasm.js.JSSqlStorage;
import java.util.Map;
import org.teavm.jso.JSBody;

/**
 * A coordinator object's rows in its SQLite storage ({@code ctx.storage.sql}, synchronous): one row per key in
 * {@code isr4j_leases} (indexed by when it last changed, so forgetting old rows reads only those), one per
 * revalidated tag in {@code isr4j_tags}.
 */
public final class JsCoordinatorStorage implements CoordinatorStorage {
    private final JSSqlStorage sql;

    public JsCoordinatorStorage(JSSqlStorage sql) {
        this.sql = sql;
    }

    /** Creates the tables once per object instance (the shim calls this from the object's constructor). */
    public static void open(JSSqlStorage sql) {
        if (!hasSql(sql)) {
            throw new IllegalStateException("IsrCoordinator needs SQLite storage: declare it under "
                    + "\"new_sqlite_classes\" in the migrations of wrangler.jsonc");
        }
        createTables(sql);
    }

    @JSBody(params = "sql", script = "return sql !== null && sql !== undefined && typeof sql.exec === 'function';")
    private static native boolean hasSql(JSSqlStorage sql);

    @JSBody(params = "sql", script = "isr4jJs.createTables(sql);")
    private static native void createTables(JSSqlStorage sql);

    @Override
    public Lease lease(String key) {
        String row = leaseRow(sql, key);
        if (row == null) {
            return null;
        }
        var m = (Map<?, ?>) JsonReader.parse(row);
        return new Lease(key, (String) m.get("holder"), number(m, "until_ms"), number(m, "done_lm"),
                number(m, "touched_ms"));
    }

    @JSBody(params = {"sql", "key"}, script = "return isr4jJs.leaseRow(sql, key);")
    private static native String leaseRow(JSSqlStorage sql, String key);

    @Override
    public void putLease(Lease lease) {
        putLeaseRow(sql, lease.key(), lease.holder(), lease.until(), lease.done(), lease.touched());
    }

    @JSBody(params = {"sql", "key", "holder", "until", "done", "touched"}, script = "isr4jJs.putLeaseRow(sql, key, holder, until, done, touched);")
    private static native void putLeaseRow(JSSqlStorage sql, String key, String holder, double until, double done,
                                           double touched);

    @Override
    public void forgetLeasesBefore(long touched) {
        deleteBefore(sql, touched);
    }

    @JSBody(params = {"sql", "touched"}, script = "sql.exec('DELETE FROM isr4j_leases WHERE touched_ms < ?', touched);")
    private static native void deleteBefore(JSSqlStorage sql, double touched);

    @Override
    public Tag tag(String tag) {
        String row = tagRow(sql, tag);
        if (row == null) {
            return null;
        }
        var m = (Map<?, ?>) JsonReader.parse(row);
        return new Tag(number(m, "expired_ms"), number(m, "stale_ms"));
    }

    @JSBody(params = {"sql", "tag"}, script = "return isr4jJs.tagRow(sql, tag);")
    private static native String tagRow(JSSqlStorage sql, String tag);

    @Override
    public void putTag(String tag, Tag state) {
        putTagRow(sql, tag, state.expiredAt(), state.staleAt());
    }

    @JSBody(params = {"sql", "tag", "expired", "stale"}, script = "isr4jJs.putTagRow(sql, tag, expired, stale);")
    private static native void putTagRow(JSSqlStorage sql, String tag, double expired, double stale);

    private static long number(Map<?, ?> m, String field) {
        Object v = m.get(field);
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double d) {
            return d.longValue();
        }
        throw new IllegalStateException("coordinator row without " + field);
    }
}
