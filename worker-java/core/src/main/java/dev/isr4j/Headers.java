package dev.isr4j;

import dev.isr4j.text.Text;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * HTTP header fields: ordered, case-insensitive names (stored lower-case), repeatable (Set-Cookie).
 * Immutable; {@code with}/{@code without} return changed copies.
 *
 * <pre>{@code
 * Headers h = Headers.of("content-type", "application/json").with("x-trace", "1");
 * h.get("Content-Type"); // "application/json"
 * }</pre>
 */
public final class Headers {
    private static final Headers EMPTY = new Headers(List.of());

    private final List<Map.Entry<String, String>> fields;

    private Headers(List<Map.Entry<String, String>> fields) {
        this.fields = fields;
    }

    public static Headers empty() {
        return EMPTY;
    }

    /** Builds headers from alternating names and values. */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("Headers.of takes name, value pairs; got an odd number of arguments");
        }
        var list = new ArrayList<Map.Entry<String, String>>(namesAndValues.length / 2);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            list.add(field(namesAndValues[i], namesAndValues[i + 1]));
        }
        return new Headers(Collections.unmodifiableList(list));
    }

    /** Builds headers from (name, value) entries, keeping their order and repetitions. */
    public static Headers of(List<Map.Entry<String, String>> entries) {
        var list = new ArrayList<Map.Entry<String, String>>(entries.size());
        for (var e : entries) {
            list.add(field(e.getKey(), e.getValue()));
        }
        return new Headers(Collections.unmodifiableList(list));
    }

    private static Map.Entry<String, String> field(String name, String value) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("A header name must not be empty");
        }
        if (value == null) {
            throw new IllegalArgumentException("Header '" + name + "' has no value; pass an empty string instead");
        }
        return Map.entry(Text.asciiLowerCase(name), value);
    }

    /** The first value of {@code name}, or null. */
    public String get(String name) {
        var key = Text.asciiLowerCase(name);
        for (var e : fields) {
            if (e.getKey().equals(key)) {
                return e.getValue();
            }
        }
        return null;
    }

    public List<String> getAll(String name) {
        var key = Text.asciiLowerCase(name);
        var out = new ArrayList<String>();
        for (var e : fields) {
            if (e.getKey().equals(key)) {
                out.add(e.getValue());
            }
        }
        return out;
    }

    public boolean has(String name) {
        return get(name) != null;
    }

    /** Replaces every value of {@code name} with this one. */
    public Headers with(String name, String value) {
        var list = new ArrayList<Map.Entry<String, String>>(fields.size() + 1);
        var key = Text.asciiLowerCase(name);
        for (var e : fields) {
            if (!e.getKey().equals(key)) {
                list.add(e);
            }
        }
        list.add(field(key, value));
        return new Headers(Collections.unmodifiableList(list));
    }

    /**
     * Replaces every field named in {@code replacements} with {@code replacements}' fields (kept in their order,
     * repetitions included, after this one's other fields): what a chain of {@link #with} calls gives for distinct
     * names, in one copy.
     */
    public Headers withAll(Headers replacements) {
        var replaced = replacements.fields;
        var list = new ArrayList<Map.Entry<String, String>>(fields.size() + replaced.size());
        outer:
        for (var e : fields) {
            for (var r : replaced) {
                if (r.getKey().equals(e.getKey())) {
                    continue outer;
                }
            }
            list.add(e);
        }
        list.addAll(replaced);
        return new Headers(Collections.unmodifiableList(list));
    }

    /** Adds a value, keeping existing ones (for Set-Cookie). */
    public Headers plus(String name, String value) {
        var list = new ArrayList<>(fields);
        list.add(field(name, value));
        return new Headers(Collections.unmodifiableList(list));
    }

    public Headers without(String... names) {
        var list = new ArrayList<Map.Entry<String, String>>(fields.size());
        outer:
        for (var e : fields) {
            for (var n : names) {
                if (Text.asciiLowerCase(e.getKey()).equals(Text.asciiLowerCase(n))) {
                    continue outer;
                }
            }
            list.add(e);
        }
        return list.size() == fields.size() ? this : new Headers(Collections.unmodifiableList(list));
    }

    /** All fields in order; names are lower-case. */
    public List<Map.Entry<String, String>> entries() {
        return fields;
    }

    public int size() {
        return fields.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Headers h && h.fields.equals(fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    @Override
    public String toString() {
        return fields.toString();
    }
}
