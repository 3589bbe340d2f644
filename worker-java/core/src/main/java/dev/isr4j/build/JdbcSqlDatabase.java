package dev.isr4j.build;

import dev.isr4j.api.SqlDatabase;
import dev.isr4j.bind.JsonWriter;
import dev.isr4j.json.JsonReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * D1's semantics on the JVM: a SQLite database over JDBC (the xerial driver), for the test kit and for prerendering
 * at build time. Outcomes are written as the Wasm host writes D1's (see {@link SqlDatabase}), errors carry SQLite's
 * message in D1's shape ({@code D1_ERROR: no such table: posts: SQLITE_ERROR}). One connection, one statement at a
 * time, as a D1 database runs them.
 */
public final class JdbcSqlDatabase implements SqlDatabase, AutoCloseable {
    private static final Pattern SQLITE_MESSAGE = Pattern.compile("(?s)^\\[(\\w+)\\][^(]*\\((.*)\\)\\s*$");

    private final Connection connection;

    public JdbcSqlDatabase(Connection connection) {
        this.connection = connection;
    }

    /** A database at a JDBC URL, e.g. {@code jdbc:sqlite::memory:} or {@code jdbc:sqlite:/path/db.sqlite}. */
    public static JdbcSqlDatabase open(String url) {
        try {
            return new JdbcSqlDatabase(java.sql.DriverManager.getConnection(url));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open " + url + ": " + e.getMessage()
                    + " (is org.xerial:sqlite-jdbc on the class path?)", e);
        }
    }

    /** The SQLite file at {@code file}, opened read only (another process may be using it). */
    public static JdbcSqlDatabase openReadOnly(java.nio.file.Path file) {
        return open("jdbc:sqlite:file:" + file.toAbsolutePath() + "?mode=ro");
    }

    /** A fresh, empty database in memory. */
    public static JdbcSqlDatabase inMemory() {
        return open("jdbc:sqlite::memory:");
    }

    /** Runs a script of statements separated by semicolons (a migration file), as {@code wrangler d1 execute}. */
    public synchronized void execute(String script) {
        try (Statement s = connection.createStatement()) {
            s.executeUpdate(script);
        } catch (SQLException e) {
            throw new IllegalStateException(d1Message(e), e);
        }
    }

    @Override
    public synchronized String run(Query query) {
        try {
            return runOne(query);
        } catch (SQLException e) {
            throw new IllegalStateException(d1Message(e), e);
        }
    }

    @Override
    public synchronized List<String> batch(List<Query> queries) {
        try {
            boolean auto = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                var out = new ArrayList<String>(queries.size());
                for (Query q : queries) {
                    out.add(runOne(q));
                }
                connection.commit();
                return out;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(d1Message(e), e);
        }
    }

    private String runOne(Query query) throws SQLException {
        long before = totalChanges();
        var out = new JsonWriter().beginObject().name("results").beginArray();
        try (PreparedStatement ps = connection.prepareStatement(query.sql())) {
            bind(ps, query.paramsJson());
            if (ps.execute()) {
                try (ResultSet rows = ps.getResultSet()) {
                    writeRows(rows, out);
                }
            }
        }
        out.endArray();
        try (Statement s = connection.createStatement();
             ResultSet after = s.executeQuery("SELECT total_changes(), last_insert_rowid()")) {
            after.next();
            out.name("changes").value(after.getLong(1) - before).name("lastRowId").value(after.getLong(2));
        }
        return out.endObject().toString();
    }

    private static void bind(PreparedStatement ps, String paramsJson) throws SQLException {
        Object parsed = JsonReader.parse(paramsJson == null || paramsJson.isEmpty() ? "[]" : paramsJson);
        if (!(parsed instanceof List<?> params)) {
            throw new IllegalArgumentException("parameters must be a JSON array: " + paramsJson);
        }
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            if (p == null) {
                ps.setNull(i + 1, Types.NULL);
            } else if (p instanceof Long n) {
                ps.setLong(i + 1, n);
            } else if (p instanceof Double d) {
                ps.setDouble(i + 1, d);
            } else if (p instanceof String s) {
                ps.setString(i + 1, s);
            } else if (p instanceof Boolean b) {
                ps.setLong(i + 1, b ? 1 : 0);
            } else {
                throw new IllegalArgumentException("parameter " + (i + 1) + " cannot be bound: " + p);
            }
        }
    }

    private static void writeRows(ResultSet rows, JsonWriter out) throws SQLException {
        ResultSetMetaData meta = rows.getMetaData();
        int columns = meta.getColumnCount();
        while (rows.next()) {
            out.beginObject();
            for (int c = 1; c <= columns; c++) {
                out.name(meta.getColumnLabel(c));
                Object v = rows.getObject(c);
                if (v == null) {
                    out.nullValue();
                } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
                    out.value(((Number) v).longValue());
                } else if (v instanceof Number n) {
                    out.value(n.doubleValue());
                } else if (v instanceof byte[] bytes) { // D1 gives a BLOB as an array of its bytes
                    out.beginArray();
                    for (byte b : bytes) {
                        out.value(b & 0xff);
                    }
                    out.endArray();
                } else {
                    out.value(v.toString());
                }
            }
            out.endObject();
        }
    }

    private long totalChanges() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery("SELECT total_changes()")) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    /** SQLite's message as D1 words it: {@code D1_ERROR: <message>: <code>}. */
    static String d1Message(SQLException e) {
        String m = String.valueOf(e.getMessage());
        Matcher found = SQLITE_MESSAGE.matcher(m);
        return found.matches() ? "D1_ERROR: " + found.group(2) + ": " + found.group(1) : "D1_ERROR: " + m;
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // closing a database nothing else holds: nothing to recover
        }
    }
}
