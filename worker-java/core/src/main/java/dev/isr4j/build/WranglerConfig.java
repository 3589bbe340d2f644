package dev.isr4j.build;

import dev.isr4j.json.JsonReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the build reads of a site's {@code wrangler.jsonc} (or {@code wrangler.json}): its vars and the bindings
 * prerendering may use. Comments and trailing commas are allowed, as wrangler allows them.
 */
public record WranglerConfig(Path file, Map<String, String> vars, List<KvBinding> kvNamespaces,
                             List<D1Binding> d1Databases) {

    /** A {@code kv_namespaces} entry. */
    public record KvBinding(String binding, String id) {
    }

    /** A {@code d1_databases} entry; {@code migrationsDir} resolved against the config's folder. */
    public record D1Binding(String binding, String databaseId, Path migrationsDir) {
    }

    /** Reads {@code file}; a file that is not JSON with comments fails naming it and the problem. */
    public static WranglerConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Object parsed;
        try {
            parsed = JsonReader.parse(strip(text));
        } catch (RuntimeException e) {
            throw new IllegalStateException(file + " is not valid JSON with comments: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> root)) {
            throw new IllegalStateException(file + " must hold a JSON object");
        }
        Path dir = file.toAbsolutePath().getParent();
        var vars = new LinkedHashMap<String, String>();
        if (root.get("vars") instanceof Map<?, ?> v) {
            v.forEach((k, value) -> {
                if (value instanceof String s) {
                    vars.put((String) k, s); // only text vars reach Env.var, in workerd as here
                }
            });
        }
        var kv = new ArrayList<KvBinding>();
        for (Map<?, ?> entry : objects(root.get("kv_namespaces"))) {
            kv.add(new KvBinding(text(entry, "binding", file), text(entry, "id", file)));
        }
        var d1 = new ArrayList<D1Binding>();
        for (Map<?, ?> entry : objects(root.get("d1_databases"))) {
            Object migrations = entry.get("migrations_dir");
            d1.add(new D1Binding(text(entry, "binding", file), text(entry, "database_id", file),
                    dir.resolve(migrations instanceof String m ? m : "migrations").normalize()));
        }
        return new WranglerConfig(file, Map.copyOf(vars), List.copyOf(kv), List.copyOf(d1));
    }

    private static List<Map<?, ?>> objects(Object list) {
        var out = new ArrayList<Map<?, ?>>();
        if (list instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> m) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    private static String text(Map<?, ?> entry, String field, Path file) {
        if (entry.get(field) instanceof String s && !s.isEmpty()) {
            return s;
        }
        throw new IllegalStateException(file + ": a binding entry has no \"" + field + "\": " + entry);
    }

    /** JSON with comments and trailing commas, as plain JSON: strings are left exactly as they are. */
    static String strip(String text) {
        return withoutTrailingCommas(withoutComments(text));
    }

    private static String withoutComments(String text) {
        var out = new StringBuilder(text.length());
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '"') {
                i = copyString(text, i, out);
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '/') {
                while (i + 1 < n && text.charAt(i + 1) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 1;
                out.append(' ');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String withoutTrailingCommas(String text) {
        var out = new StringBuilder(text.length());
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '"') {
                i = copyString(text, i, out);
                continue;
            }
            if (c == ',') {
                int j = i + 1;
                while (j < n && Character.isWhitespace(text.charAt(j))) {
                    j++;
                }
                if (j < n && (text.charAt(j) == '}' || text.charAt(j) == ']')) {
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    /** Copies the string literal starting at {@code start}; returns the index of its closing quote. */
    private static int copyString(String text, int start, StringBuilder out) {
        int i = start + 1;
        while (i < text.length() && text.charAt(i) != '"') {
            i += text.charAt(i) == '\\' ? 2 : 1;
        }
        out.append(text, start, Math.min(i + 1, text.length()));
        return i;
    }
}
