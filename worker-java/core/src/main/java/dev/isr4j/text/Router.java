package dev.isr4j.text;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches a pathname against route patterns: literal segments, {@code {name}} (one segment) and a final
 * {@code {...name}} (one or more segments). Literal segments win over parameters, parameters over catch-alls,
 * whatever the registration order.
 */
public final class Router<T> {
    private final List<Pattern<T>> patterns = new ArrayList<>();

    public record Match<T>(T target, Map<String, String> params) {
    }

    /** Adds a pattern; throws with a message naming the problem when the pattern is malformed. */
    public void add(String pattern, T target) {
        var compiled = Pattern.compile(pattern, target);
        for (var p : patterns) {
            if (p.shape().equals(compiled.shape())) {
                throw new IllegalArgumentException("Route " + pattern + " is declared twice (it has the same shape as "
                        + p.source() + "); declare each path once and add every method to that one route");
            }
        }
        patterns.add(compiled);
        patterns.sort(Comparator.comparing(Pattern::rank));
    }

    /** Matches a {@link CanonicalPath canonical} path (the dispatcher canonicalises before routing). */
    public Match<T> match(String path) {
        var segments = split(path);
        for (var p : patterns) {
            var params = p.match(segments);
            if (params != null) {
                return new Match<>(p.target(), params);
            }
        }
        return null;
    }

    static List<String> split(String path) {
        var out = new ArrayList<String>();
        int start = 0;
        for (int i = 0; i <= path.length(); i++) {
            if (i == path.length() || path.charAt(i) == '/') {
                if (i > start) {
                    out.add(path.substring(start, i));
                }
                start = i + 1;
            }
        }
        return out;
    }

    private record Pattern<T>(String source, List<String> literals, List<String> names, boolean catchAll, T target,
                              String shape, String rank) {
        static <T> Pattern<T> compile(String source, T target) {
            if (source == null || !source.startsWith("/")) {
                throw new IllegalArgumentException("Route pattern must start with '/': " + source);
            }
            var segs = split(source);
            var literals = new ArrayList<String>();
            var names = new ArrayList<String>();
            var shape = new StringBuilder();
            var rank = new StringBuilder();
            boolean catchAll = false;
            for (int i = 0; i < segs.size(); i++) {
                String s = segs.get(i);
                if (s.startsWith("{") && s.endsWith("}")) {
                    String name = s.substring(1, s.length() - 1);
                    if (name.startsWith("...")) {
                        if (i != segs.size() - 1) {
                            throw new IllegalArgumentException("In route " + source + ", the catch-all " + s
                                    + " must be the last segment");
                        }
                        name = name.substring(3);
                        catchAll = true;
                        shape.append("/**");
                        rank.append('2');
                    } else {
                        shape.append("/*");
                        rank.append('1');
                    }
                    if (!Text.isWord(name, "_", 1, 64) || (name.charAt(0) >= '0' && name.charAt(0) <= '9')) {
                        throw new IllegalArgumentException("In route " + source + ", parameter " + s
                                + " needs a name made of letters, digits and '_'");
                    }
                    if (names.contains(name)) {
                        throw new IllegalArgumentException("In route " + source + ", parameter {" + name
                                + "} appears twice");
                    }
                    literals.add(null);
                    names.add(name);
                } else if (s.contains("{") || s.contains("}")) {
                    throw new IllegalArgumentException("In route " + source + ", segment '" + s
                            + "' mixes text and a parameter; a parameter must be a whole segment like {id}");
                } else {
                    // Requests are matched in canonical form, so literals are compared in it too.
                    String literal;
                    try {
                        literal = CanonicalPath.of("/" + s).substring(1);
                    } catch (CanonicalPath.Invalid e) {
                        throw new IllegalArgumentException("In route " + source + ", segment '" + s + "': "
                                + e.getMessage());
                    }
                    if (literal.isEmpty()) {
                        throw new IllegalArgumentException("In route " + source + ", segment '" + s
                                + "' is a dot segment, which no request path keeps; remove it");
                    }
                    literals.add(literal);
                    names.add(null);
                    shape.append('/').append(literal);
                    rank.append('0');
                }
            }
            // Fewer, more literal segments first; a catch-all only after everything else that could match.
            rank.append('9');
            return new Pattern<>(source, literals, names, catchAll, target, shape.toString(), rank.toString());
        }

        Map<String, String> match(List<String> segments) {
            int n = literals.size();
            if (catchAll ? segments.size() < n : segments.size() != n) {
                return null;
            }
            Map<String, String> params = null;
            for (int i = 0; i < n; i++) {
                String lit = literals.get(i);
                if (lit != null) {
                    if (!lit.equals(segments.get(i))) {
                        return null;
                    }
                    continue;
                }
                if (params == null) {
                    params = new HashMap<>();
                }
                if (catchAll && i == n - 1) {
                    params.put(names.get(i), decode(String.join("/", segments.subList(i, segments.size()))));
                } else {
                    params.put(names.get(i), decode(segments.get(i)));
                }
            }
            return params == null ? Map.of() : params;
        }
    }

    private static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        return Text.percentDecode(s, false); // in a path, '+' is a plus, not a space
    }
}
