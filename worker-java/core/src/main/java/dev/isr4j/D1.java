package dev.isr4j;

import dev.isr4j.api.SqlDatabase;
import dev.isr4j.bind.JsonAdapter;
import dev.isr4j.bind.JsonBinding;
import dev.isr4j.bind.JsonBindingException;
import dev.isr4j.bind.JsonParser;
import dev.isr4j.bind.JsonWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A D1 database (SQLite at the edge), in blocking style like {@link Kv}: {@code req.env().d1("DB")}. Statements are
 * prepared with {@code ?} placeholders and bound values, never built from strings; rows come back as records
 * ({@link dev.isr4j.bind.Jsonable}, bound by column name: {@code SELECT author_name AS authorName ...}) or as single
 * values.
 *
 * <pre>{@code
 * D1 db = req.env().d1("DB");
 * Post post = db.prepare("SELECT slug, title, body FROM posts WHERE slug = ?").bind(slug).first(Post.class);
 * int changed = db.prepare("UPDATE posts SET title = ? WHERE slug = ?").bind(title, slug).run().changes();
 * }</pre>
 *
 * <p>SQLite has no boolean: a flag is stored, and read back, as 0 or 1 (a bound {@code true} too), so a record
 * component for it is an {@code int} or {@code long}; a {@code boolean} component does not fit the row.
 *
 * <p>Every failure (SQL D1 rejects, a constraint, a value that cannot be bound, a row that does not fit the record,
 * a database that does not answer within {@code ISR_D1_TIMEOUT_MS}, 10 s by default) is a {@link D1Exception} with
 * the database's message. In workerd each call awaits D1 (the Java code suspends, the isolate serves other
 * requests); the test kit runs the same statements on SQLite.
 */
public final class D1 {
    /** JavaScript's numbers are exact to 2^53; a larger integer would reach D1 changed. */
    private static final long MAX_EXACT = 1L << 53;

    private final String binding;
    private final SqlDatabase database;

    private D1(String binding, SqlDatabase database) {
        this.binding = binding;
        this.database = database;
    }

    /** What a host returns from {@link Env#d1}: the database it binds as {@code binding}. */
    public static D1 over(String binding, SqlDatabase database) {
        if (binding == null || database == null) {
            throw new IllegalArgumentException("D1.over needs a binding name and a database");
        }
        return new D1(binding, database);
    }

    /** The binding's name ({@code d1_databases[].binding} in wrangler.jsonc). */
    public String binding() {
        return binding;
    }

    /** A statement with {@code ?} placeholders; bind values with {@link Statement#bind}. */
    public Statement prepare(String sql) {
        if (sql == null || sql.isBlank()) {
            throw new D1Exception(binding, "empty SQL statement");
        }
        return new Statement(this, sql, "[]");
    }

    /**
     * Runs the statements as one transaction (D1's {@code batch}): all take effect or, when one fails, none.
     *
     * @return one result per statement, in order
     */
    public List<Result> batch(Statement... statements) {
        return batch(Arrays.asList(statements));
    }

    public List<Result> batch(List<Statement> statements) {
        var queries = new ArrayList<SqlDatabase.Query>(statements.size());
        for (Statement s : statements) {
            if (s.db != this) {
                throw new IllegalArgumentException("a batch takes statements prepared on this database ("
                        + binding + ")");
            }
            queries.add(s.query());
        }
        if (queries.isEmpty()) {
            return List.of();
        }
        List<String> outcomes;
        try {
            outcomes = database.batch(queries);
        } catch (RuntimeException e) {
            throw failure(e);
        }
        var results = new ArrayList<Result>(outcomes.size());
        for (String outcome : outcomes) {
            results.add(new Result(this, outcome));
        }
        return results;
    }

    /** What a handler gets for a host's failure: a D1Exception carrying the database's message. */
    private D1Exception failure(RuntimeException e) {
        return e instanceof D1Exception d ? d : new D1Exception(binding, String.valueOf(e.getMessage()), e);
    }

    /** A prepared statement and its bound values; immutable, so one may be bound many times. */
    public static final class Statement {
        private final D1 db;
        private final String sql;
        private final String params;

        private Statement(D1 db, String sql, String params) {
            this.db = db;
            this.sql = sql;
            this.params = params;
        }

        /**
         * This statement with {@code values} bound to its {@code ?}s in order: strings, integers (within ±2^53),
         * finite doubles, booleans (as 1 and 0, as D1 stores them), enums (by name) and nulls.
         *
         * @throws IllegalArgumentException for any other type, naming the parameter
         */
        public Statement bind(Object... values) {
            var out = new JsonWriter().beginArray();
            for (int i = 0; i < values.length; i++) {
                param(out, values[i], i + 1);
            }
            return new Statement(db, sql, out.endArray().toString());
        }

        private void param(JsonWriter out, Object v, int position) {
            if (v == null) {
                out.nullValue();
            } else if (v instanceof String s) {
                out.value(s);
            } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
                long n = ((Number) v).longValue();
                if (n > MAX_EXACT || n < -MAX_EXACT) {
                    throw new IllegalArgumentException("parameter " + position + " (" + n + ") is past 2^53, which "
                            + "D1 cannot take exactly: bind it as a String");
                }
                out.value(n);
            } else if (v instanceof Double || v instanceof Float) {
                double d = ((Number) v).doubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw new IllegalArgumentException("parameter " + position + " is " + d + ": D1 takes finite "
                            + "numbers only");
                }
                out.value(d);
            } else if (v instanceof Boolean b) {
                out.value(b ? 1 : 0);
            } else if (v instanceof Enum<?> e) {
                out.value(e.name());
            } else {
                throw new IllegalArgumentException("parameter " + position + " is a " + v.getClass().getName()
                        + ", which D1 cannot bind: pass a String, a number, a boolean or null (dates as ISO text "
                        + "or epoch milliseconds, decimals as text)");
            }
        }

        /** The first row as a {@code type}, or null when there is none. */
        public <T> T first(Class<T> type) {
            List<T> rows = all(type);
            return rows.isEmpty() ? null : rows.get(0);
        }

        /**
         * The first row's {@code column} as a {@code type} (a String, Long, Integer, Double, ...), or null
         * when there is no row or the value is NULL: {@code prepare("SELECT count(*) AS n FROM posts").first("n",
         * Long.class)}.
         */
        public <T> T first(String column, Class<T> type) {
            return run().value(column, type);
        }

        /** Every row as a {@code type}, in the query's order. */
        public <T> List<T> all(Class<T> type) {
            return run().rows(type);
        }

        /** Runs the statement: an INSERT, UPDATE or DELETE (see {@link Result#changes()}), or a query. */
        public Result run() {
            String outcome;
            try {
                outcome = db.database.run(query());
            } catch (RuntimeException e) {
                throw db.failure(e);
            }
            return new Result(db, outcome);
        }

        SqlDatabase.Query query() {
            return new SqlDatabase.Query(sql, params);
        }

        @Override
        public String toString() {
            return sql + " " + params;
        }
    }

    /** What a statement did: the rows it returned, the rows it changed, the last row id it inserted. */
    public static final class Result {
        private final D1 db;
        private final String outcome;
        private final long changes;
        private final long lastRowId;

        private Result(D1 db, String outcome) {
            this.db = db;
            this.outcome = outcome;
            long c = 0;
            long id = 0;
            try {
                JsonParser in = JsonParser.of(outcome);
                in.beginObject();
                while (in.hasNext()) {
                    switch (in.nextName()) {
                        case "changes" -> c = in.nextIsNull() ? 0 : in.nextLong();
                        case "lastRowId" -> id = in.nextIsNull() ? 0 : in.nextLong();
                        default -> in.skipValue();
                    }
                }
                in.endObject();
            } catch (JsonBindingException e) {
                throw new D1Exception(db.binding, "unreadable result: " + e.getMessage(), e);
            }
            this.changes = c;
            this.lastRowId = id;
        }

        /** Rows inserted, updated or deleted. */
        public long changes() {
            return changes;
        }

        /** The row id of the last row inserted (SQLite's {@code last_insert_rowid()}). */
        public long lastRowId() {
            return lastRowId;
        }

        /**
         * The rows as {@code type}s: a bound record by column name, or for a String, number or boolean box, a query
         * of one column (e.g. {@code SELECT slug FROM posts} as {@code String.class}).
         */
        public <T> List<T> rows(Class<T> type) {
            JsonAdapter<T> adapter = JsonBinding.adapter(type);
            return rows(adapter.type() == null ? singleColumn(adapter) : adapter, type.getSimpleName());
        }

        private static <T> JsonAdapter<T> singleColumn(JsonAdapter<T> value) {
            return new JsonAdapter<>() {
                @Override
                public void write(JsonWriter out, T v) {
                    value.write(out, v);
                }

                @Override
                public T read(JsonParser in) {
                    in.beginObject();
                    if (!in.hasNext()) {
                        throw in.error("a row of one column");
                    }
                    in.nextName();
                    T v = value.read(in);
                    if (in.hasNext()) {
                        throw in.error("a row of one column (select one column, or bind the rows to a record)");
                    }
                    in.endObject();
                    return v;
                }
            };
        }

        <T> T value(String column, Class<T> type) {
            JsonAdapter<T> adapter = JsonBinding.adapter(type);
            try {
                JsonParser in = results();
                if (in == null || !in.hasNext()) {
                    return null;
                }
                in.beginObject();
                T found = null;
                boolean seen = false;
                while (in.hasNext()) {
                    if (in.nextName().equals(column) && !seen) {
                        found = adapter.read(in);
                        seen = true;
                    } else {
                        in.skipValue();
                    }
                }
                if (!seen) {
                    throw new D1Exception(db.binding, "the query returned no column named " + column);
                }
                return found;
            } catch (JsonBindingException e) {
                throw new D1Exception(db.binding, "column " + column + " is not a " + type.getSimpleName() + ": "
                        + e.getMessage(), e);
            }
        }

        private <T> List<T> rows(JsonAdapter<T> row, String what) {
            try {
                JsonParser in = results();
                if (in == null) {
                    return List.of();
                }
                var rows = new ArrayList<T>();
                while (in.hasNext()) {
                    rows.add(row.read(in));
                }
                return rows;
            } catch (JsonBindingException e) {
                throw new D1Exception(db.binding, "a row does not fit " + what + ": " + e.getMessage()
                        + " (columns bind to components by name: alias them with AS)", e);
            }
        }

        /** A parser inside the results array (before its first row), or null when there is none. */
        private JsonParser results() {
            JsonParser in = JsonParser.of(outcome);
            in.beginObject();
            while (in.hasNext()) {
                if (!in.nextName().equals("results")) {
                    in.skipValue();
                } else if (!in.nextIsNull()) {
                    in.beginArray();
                    return in;
                }
            }
            return null;
        }
    }
}
