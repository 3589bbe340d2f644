package dev.isr4j.maven;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * TeaVM's errors, summarised for a person: one entry per thing TeaVM's class library lacks, with how many places
 * need it, the library that reaches for it, the user's own method the chain starts from, and what to use
 * instead. TeaVM prints a full call chain per use (a JSON library's failure was over a thousand lines), and
 * "Class X was not found" reads like a class-path problem when it means the JDK subset TeaVM implements has no X.
 */
final class TeaVMProblems {
    /** A problem TeaVM reported: its first line and the frames below it, innermost first. */
    record Problem(String headline, List<String> frames) {
    }

    private TeaVMProblems() {
    }

    /** Parses the texts TeaVM's problem renderer logs (one per problem: a headline, then "    at ..." lines). */
    static List<Problem> parse(List<String> texts) {
        List<Problem> out = new ArrayList<>();
        for (String text : texts) {
            String[] lines = text.split("\n");
            List<String> frames = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                String l = lines[i].trim();
                if (l.startsWith("at ")) {
                    frames.add(l.substring(3));
                }
            }
            out.add(new Problem(lines[0].trim(), frames));
        }
        return out;
    }

    /** "java.util.concurrent.locks.ReentrantLock" for "Class ... was not found", "a.B.m" for a method's. */
    static String missing(String headline) {
        if (!headline.endsWith(" was not found")) {
            return null;
        }
        String body = headline.substring(0, headline.length() - " was not found".length());
        int space = body.indexOf(' ');
        if (space < 0) {
            return null;
        }
        String symbol = body.substring(space + 1);
        int paren = symbol.indexOf('(');
        if (paren >= 0) {
            symbol = symbol.substring(0, paren);
        }
        int colon = symbol.indexOf(':');
        return colon >= 0 ? symbol.substring(0, colon) : symbol;
    }

    /**
     * The summary's lines. {@code libraryOf} names the jar (or folder) a class comes from; {@code ownClass} tells
     * the project's own classes, whose frame is where the user's code reaches the problem.
     */
    static List<String> summarise(List<Problem> problems, Function<String, String> libraryOf, Predicate<String> ownClass) {
        Map<String, List<Problem>> bySymbol = new LinkedHashMap<>();
        List<String> other = new ArrayList<>();
        for (Problem p : problems) {
            String symbol = missing(p.headline());
            if (symbol == null) {
                other.add(p.headline());
            } else {
                bySymbol.computeIfAbsent(symbol, k -> new ArrayList<>()).add(p);
            }
        }
        List<String> out = new ArrayList<>();
        out.add("TeaVM cannot compile the app to WebAssembly: its class library (a subset of the JDK) lacks "
                + bySymbol.size() + " thing(s) the app reaches" + (other.isEmpty() ? "" : ", and " + other.size()
                + " other problem(s)") + ":");
        for (var e : bySymbol.entrySet()) {
            Problem first = e.getValue().get(0);
            String caller = firstOutside(first.frames(), f -> !isPlatform(f));
            String own = firstOutside(first.frames(), f -> ownClass.test(classOf(f)));
            StringBuilder line = new StringBuilder("  - ").append(e.getKey());
            if (e.getValue().size() > 1) {
                line.append(" (").append(e.getValue().size()).append(" uses)");
            }
            if (caller != null) {
                String library = libraryOf.apply(classOf(caller));
                line.append(", needed by ").append(method(caller));
                if (library != null && (own == null || !own.equals(caller))) {
                    line.append(" in ").append(library);
                }
            }
            if (own != null && !own.equals(caller)) {
                line.append(", reached from your ").append(method(own));
            }
            out.add(line.toString());
            out.add("    " + advice(e.getKey()));
        }
        for (String o : other) {
            out.add("  - " + o);
        }
        out.add("What runs in Wasm and what to use instead: docs/wasm-costs.md. Every call chain: -Disr4j.fullErrors=true");
        return out;
    }

    private static boolean isPlatform(String frame) {
        return frame.startsWith("java.") || frame.startsWith("javax.") || frame.startsWith("jdk.")
                || frame.startsWith("org.teavm.") || frame.startsWith("sun.");
    }

    private static String firstOutside(List<String> frames, Predicate<String> wanted) {
        for (String f : frames) {
            if (wanted.test(f)) {
                return f;
            }
        }
        return null;
    }

    /** "a.b.C.m(C.java:12)" -> "a.b.C". */
    static String classOf(String frame) {
        String m = method(frame);
        int dot = m.lastIndexOf('.');
        return dot < 0 ? m : m.substring(0, dot);
    }

    /** "a.b.C.m(C.java:12)" -> "a.b.C.m". */
    private static String method(String frame) {
        int paren = frame.indexOf('(');
        return paren < 0 ? frame : frame.substring(0, paren);
    }

    /** What to do about a missing piece of the JDK, by where it lives. */
    static String advice(String symbol) {
        if (symbol.startsWith("java.util.concurrent.locks.") || symbol.startsWith("java.util.concurrent.atomic.Atomic")
                && symbol.contains("Array")) {
            return "Wasm runs one thread at a time here (green threads): plain fields and synchronized do; a library "
                    + "built on these locks and atomics does not run in Wasm";
        }
        if (symbol.startsWith("java.lang.invoke.") || symbol.startsWith("java.lang.reflect.")
                || symbol.contains("ClassLoader") || symbol.startsWith("java.lang.Class.getGeneric")
                || symbol.startsWith("java.lang.Module") || symbol.startsWith("java.lang.Class.getModule")) {
            return "reflection and class loading do not exist in Wasm: use code generated at build time (isr4j's "
                    + "@Jsonable for JSON, isr4j:templates for HTML) instead of a library that discovers types at run time";
        }
        if (symbol.startsWith("javax.xml.") || symbol.startsWith("org.w3c.") || symbol.startsWith("org.xml.")) {
            return "there is no XML in TeaVM's class library";
        }
        if (symbol.startsWith("java.sql.") || symbol.startsWith("java.net.") || symbol.startsWith("java.awt.")
                || symbol.startsWith("java.nio.file.") || symbol.startsWith("java.io.File")) {
            return "not in TeaVM's class library (no sockets, files, AWT or JDBC in a worker): use the worker's bindings "
                    + "through isr4j (env().kv(), fetcher(), D1 through a binding)";
        }
        if (symbol.startsWith("java.util.Date.") || symbol.startsWith("java.util.Calendar")
                || symbol.startsWith("java.util.GregorianCalendar") || symbol.startsWith("java.util.TimeZone")) {
            return "the bridges between java.util.Date/Calendar and java.time are missing: use java.time, or epoch millis";
        }
        return "not in TeaVM's class library: whatever needs it cannot run in Wasm; find another way or another library";
    }
}
