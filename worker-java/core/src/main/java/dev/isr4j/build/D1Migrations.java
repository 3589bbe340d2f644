package dev.isr4j.build;

import dev.isr4j.api.SqlDatabase;
import dev.isr4j.json.JsonReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A folder of D1 migrations applied as {@code wrangler d1 migrations apply} applies it to a fresh database: every
 * {@code *.sql} file directly in the folder, those whose name starts with a number (the digits before the first
 * {@code _}) first, in the order of that number ({@code 2_posts.sql} before {@code 10_tags.sql}), then the rest by
 * name; each file's text run as one script, followed by the row wrangler records its name with in
 * {@code d1_migrations}. For the test kit ({@code IsrTestKit.builder(app).d1("DB", migrations)}) and for builds.
 */
public final class D1Migrations {
    /** The table wrangler records applied migrations in (its default {@code migrations_table}). */
    public static final String TABLE = "d1_migrations";

    private D1Migrations() {
    }

    /**
     * Applies the migrations in {@code folder} to {@code db}, which should be fresh (nothing is skipped as already
     * applied).
     *
     * @return the files applied, in order
     * @throws IllegalArgumentException when {@code folder} is not a folder
     * @throws IllegalStateException naming the file and D1's message when a migration fails (later ones are not
     *     run)
     */
    public static List<String> apply(JdbcSqlDatabase db, Path folder) {
        List<String> names = list(folder);
        db.execute("CREATE TABLE IF NOT EXISTS " + TABLE + "(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, "
                + "applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL);");
        for (String name : names) {
            String sql;
            try {
                sql = Files.readString(folder.resolve(name), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read migration " + folder.resolve(name) + ": " + e.getMessage(),
                        e);
            }
            try {
                // As wrangler sends it: the file, then the row recording it, in one script.
                db.execute(sql + "\nINSERT INTO " + TABLE + " (name) values ('" + name.replace("'", "''") + "');");
            } catch (IllegalStateException e) {
                throw new IllegalStateException("migration " + name + " in " + folder + " failed: " + e.getMessage(), e);
            }
        }
        return names;
    }

    /**
     * The migrations in {@code folder} that {@code db} has no record of in {@value #TABLE} (all of them when it has
     * no such table), in the order wrangler would apply them.
     */
    public static List<String> pending(JdbcSqlDatabase db, Path folder) {
        List<String> names = list(folder);
        String tables = db.run(new SqlDatabase.Query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", "[\"" + TABLE + "\"]"));
        if (rows(tables).isEmpty()) {
            return names;
        }
        var applied = new HashSet<Object>();
        for (Object row : rows(db.run(new SqlDatabase.Query("SELECT name FROM " + TABLE, "[]")))) {
            applied.add(((Map<?, ?>) row).get("name"));
        }
        names.removeIf(applied::contains);
        return names;
    }

    private static List<?> rows(String outcome) {
        return (List<?>) ((Map<?, ?>) JsonReader.parse(outcome)).get("results");
    }

    /** The migration files in {@code folder}, in the order wrangler applies them. */
    public static List<String> list(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("no migrations folder at " + folder.toAbsolutePath()
                    + " (wrangler's default is migrations/ beside wrangler.jsonc)");
        }
        var names = new ArrayList<String>();
        try (Stream<Path> files = Files.list(folder)) {
            files.filter(Files::isRegularFile).map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".sql") && !n.startsWith(".")).forEach(names::add);
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + folder + ": " + e.getMessage(), e);
        }
        names.sort(D1Migrations::compare);
        return names;
    }

    /** wrangler's order: numbered before unnumbered, by number, then by name (UTF-16 units, as JS compares). */
    static int compare(String a, String b) {
        double x = leadingNumber(a);
        double y = leadingNumber(b);
        if (x != y) { // NaN (no number) differs even from itself, as in wrangler
            boolean xFinite = Double.isFinite(x);
            boolean yFinite = Double.isFinite(y);
            if (xFinite && yFinite) {
                return Double.compare(x, y);
            }
            if (xFinite) {
                return -1;
            }
            if (yFinite) {
                return 1;
            }
        }
        return a.compareTo(b);
    }

    /** JS's {@code parseInt(name.split("_")[0], 10)}: leading digits (after blanks and a sign), else NaN. */
    static double leadingNumber(String name) {
        int end = name.indexOf('_');
        String s = (end < 0 ? name : name.substring(0, end)).stripLeading();
        int i = !s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-') ? 1 : 0;
        int digits = i;
        while (digits < s.length() && s.charAt(digits) >= '0' && s.charAt(digits) <= '9') {
            digits++;
        }
        if (digits == i) {
            return Double.NaN;
        }
        double n = Double.parseDouble(s.substring(i, digits));
        return s.charAt(0) == '-' ? -n : n;
    }
}
