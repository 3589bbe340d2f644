package dev.isr4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The arrows between core's packages, read from what javac wrote (every class a class file names: fields,
 * signatures, calls, casts, generic signatures) and from the sources' import statements (which also see a
 * constant javac inlined). The rules, as the SLF4J and JAX-RS APIs keep theirs:
 *
 * <ul>
 * <li>The API is {@code dev.isr4j} (definitions a user writes against), {@code dev.isr4j.spi} (what the runtime
 * implements for it), {@code dev.isr4j.api} (extension points a user implements) and {@code dev.isr4j.bind}
 * (JSON binding: what a user annotates and generated adapters call). Its classes use nothing of
 * isr4j but each other and the leaves {@code text} and {@code json}.</li>
 * <li>A leaf ({@code text}, {@code json}) uses nothing of isr4j at all: pure string and JSON rules both sides
 * share.</li>
 * <li>No cycle between packages. The API's packages count as one package for this (they are published
 * together and name each other, as {@code org.slf4j} and {@code org.slf4j.spi} do). The other modules' packages
 * (wasm and its JS bindings, the test kit, the plugin, the example, the test fixtures) are read from their sources'
 * imports and qualified names and join the same graph.</li>
 * <li>The example site, the test fixtures (the app the end-to-end tests run) and the archetype's site use the API
 * alone.</li>
 * <li>No source under {@code worker-java/*}{@code /src/main/java} is longer than 500 lines.</li>
 * </ul>
 */
class ArchitectureTest {
    static final String ROOT = "dev.isr4j";
    static final String API = "dev.isr4j (API)";
    static final Set<String> API_PACKAGES = Set.of(ROOT, ROOT + ".spi", ROOT + ".api", ROOT + ".bind");
    static final Set<String> LEAVES = Set.of(ROOT + ".text", ROOT + ".json");

    @Test
    void theApiUsesOnlyItselfAndTheLeaves() throws IOException {
        var uses = classUses();
        var wrong = new ArrayList<String>();
        uses.forEach((from, targets) -> {
            if (API_PACKAGES.contains(packageOf(from))) {
                for (String to : targets) {
                    String p = packageOf(to);
                    if (!API_PACKAGES.contains(p) && !LEAVES.contains(p)) {
                        wrong.add(from + " -> " + to);
                    }
                }
            }
        });
        assertEquals(List.of(), wrong, "API classes may use only dev.isr4j, dev.isr4j.spi, dev.isr4j.api and the "
                + "leaves " + LEAVES + "; move what they need behind spi or into a leaf");
    }

    @Test
    void theLeavesUseNothingOfIsr4j() throws IOException {
        var wrong = new ArrayList<String>();
        classUses().forEach((from, targets) -> {
            String p = packageOf(from);
            if (LEAVES.contains(p)) {
                for (String to : targets) {
                    if (!packageOf(to).equals(p)) {
                        wrong.add(from + " -> " + to);
                    }
                }
            }
        });
        assertEquals(List.of(), wrong, "the leaves " + LEAVES + " must import nothing of isr4j");
    }

    @Test
    void packagesFormNoCycle() throws IOException {
        var graph = packageGraph(classUses());
        List<String> cycle = findCycle(graph);
        if (cycle != null) {
            fail("package cycle: " + String.join(" -> ", cycle) + "\nall arrows: " + graph);
        }
    }

    @Test
    void aCycleIsFound() {
        // The check itself: a graph with a cycle is reported, one without is not.
        Map<String, Set<String>> g = new TreeMap<>();
        g.put("a", new TreeSet<>(Set.of("b")));
        g.put("b", new TreeSet<>(Set.of("c")));
        g.put("c", new TreeSet<>(Set.of("a")));
        assertEquals(List.of("a", "b", "c", "a"), findCycle(g));
        g.get("c").clear();
        assertEquals(null, findCycle(g));
    }

    @Test
    void noSourceFileIsLongerThan500Lines() throws IOException {
        Path modules = Path.of("").toAbsolutePath().getParent(); // worker-java
        var tooLong = new ArrayList<String>();
        try (Stream<Path> files = Files.walk(modules)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String s = modules.relativize(f).toString().replace('\\', '/');
                if (s.matches("[^/]+/src/main/java/.*\\.java") && Files.readAllLines(f).size() > 500) {
                    tooLong.add(s);
                }
            }
        }
        assertEquals(List.of(), tooLong, "split these files (500 lines at most)");
    }

    @Test
    void theExampleTheFixturesAndTheArchetypeUseOnlyTheApi() throws IOException {
        Path modules = Path.of("").toAbsolutePath().getParent();
        var wrong = new ArrayList<String>();
        for (Path sources : List.of(modules.resolve("example/src/main/java"), modules.resolve("fixtures/src/main/java"),
                modules.resolve("archetype/src/main/resources/archetype-resources/worker-java/app/src/main/java"))) {
            assumeTrue(Files.isDirectory(sources), sources + " is not here");
            sourceUses(sources).forEach((from, targets) -> {
                for (String to : targets) {
                    if (!API_PACKAGES.contains(packageOf(to)) && !packageOf(to).equals(packageOf(from))) {
                        wrong.add(from + " -> " + to);
                    }
                }
            });
        }
        assertEquals(List.of(), wrong, "a site is written against the API alone");
    }

    @Test
    void noCycleThroughTheOtherModules() throws IOException {
        // The other modules' packages (wasm and its js bindings, the test kit, the plugin, the example, the test
        // fixtures) with core's.
        Path modules = Path.of("").toAbsolutePath().getParent();
        var uses = classUses();
        for (String module : List.of("wasm", "testkit", "maven-plugin", "example", "fixtures")) {
            Path sources = modules.resolve(module + "/src/main/java");
            assumeTrue(Files.isDirectory(sources), sources + " is not here");
            sourceUses(sources).forEach((owner, used) -> uses.computeIfAbsent(owner, k -> new TreeSet<>())
                    .addAll(used));
        }
        var graph = packageGraph(uses);
        List<String> cycle = findCycle(graph);
        if (cycle != null) {
            fail("package cycle: " + String.join(" -> ", cycle));
        }
    }

    /** Package arrows; the API's packages are one node. */
    static Map<String, Set<String>> packageGraph(Map<String, Set<String>> classUses) {
        Map<String, Set<String>> graph = new TreeMap<>();
        classUses.forEach((from, targets) -> {
            String a = node(packageOf(from));
            for (String to : targets) {
                String b = node(packageOf(to));
                if (!a.equals(b)) {
                    graph.computeIfAbsent(a, k -> new TreeSet<>()).add(b);
                }
            }
        });
        return graph;
    }

    static String node(String pkg) {
        return API_PACKAGES.contains(pkg) ? API : pkg;
    }

    /** A cycle as the nodes along it (first = last), or null. */
    static List<String> findCycle(Map<String, Set<String>> graph) {
        var state = new TreeMap<String, Integer>(); // 1 on the path, 2 done
        for (String start : graph.keySet()) {
            var path = new ArrayList<String>();
            List<String> c = visit(start, graph, state, path);
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    private static List<String> visit(String n, Map<String, Set<String>> graph, Map<String, Integer> state,
                                      List<String> path) {
        Integer s = state.get(n);
        if (s != null && s == 2) {
            return null;
        }
        if (s != null && s == 1) {
            var cycle = new ArrayList<>(path.subList(path.indexOf(n), path.size()));
            cycle.add(n);
            return cycle;
        }
        state.put(n, 1);
        path.add(n);
        for (String m : graph.getOrDefault(n, Set.of())) {
            List<String> c = visit(m, graph, state, path);
            if (c != null) {
                return c;
            }
        }
        path.remove(path.size() - 1);
        state.put(n, 2);
        return null;
    }

    static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    /** Top-level class (nested classes folded in) -> the isr4j classes it uses, from bytecode and imports. */
    static Map<String, Set<String>> classUses() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        Path classes = classesDir();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = classes.relativize(f).toString().replace('\\', '/');
                if (!name.endsWith(".class") || name.endsWith("module-info.class")) {
                    continue;
                }
                String owner = topLevel(name.substring(0, name.length() - 6).replace('/', '.'));
                var targets = uses.computeIfAbsent(owner, k -> new TreeSet<>());
                try (InputStream in = Files.newInputStream(f)) {
                    for (String used : namesIn(in)) {
                        String top = topLevel(used);
                        if (!top.equals(owner) && top.startsWith(ROOT + ".")) {
                            targets.add(top);
                        }
                    }
                }
            }
        }
        Path sources = Path.of("src/main/java");
        assertTrue(Files.isDirectory(sources), "run from the core module's directory (Maven does)");
        sourceUses(sources).forEach((owner, used) -> uses.computeIfAbsent(owner, k -> new TreeSet<>()).addAll(used));
        return uses;
    }

    private static final Pattern IMPORT = Pattern.compile(
            "^import\\s+(?:static\\s+)?(dev\\.isr4j\\.[\\w.]+?)(?:\\.\\*)?\\s*;", Pattern.MULTILINE);
    /** A qualified name in code, as {@code dev.isr4j.runtime.Deadlines.collapseWaitMillis(...)}. */
    private static final Pattern QUALIFIED = Pattern.compile("(?<![\\w.])(dev\\.isr4j\\.(?:[a-z]\\w*\\.)*[A-Z]\\w*)");

    /**
     * Class -> the isr4j classes its source imports or names qualified in code (comments aside): what javac may
     * have left no trace of (an inlined constant).
     */
    static Map<String, Set<String>> sourceUses(Path sources) throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = sources.relativize(f).toString().replace('\\', '/');
                if (!name.endsWith(".java") || name.endsWith("-info.java")) {
                    continue;
                }
                String text = Files.readString(f);
                Matcher pkg = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE).matcher(text);
                String owner = (pkg.find() ? pkg.group(1) + "." : "") + f.getFileName().toString().replace(".java", "");
                var targets = uses.computeIfAbsent(owner, k -> new TreeSet<>());
                Matcher m = IMPORT.matcher(text);
                while (m.find()) {
                    targets.add(importedClass(m.group(1)));
                }
                for (String line : text.split("\n")) {
                    String code = line.strip();
                    if (code.startsWith("*") || code.startsWith("/*") || code.startsWith("//")
                            || code.startsWith("import ") || code.startsWith("package ")) {
                        continue;
                    }
                    Matcher q = QUALIFIED.matcher(code);
                    while (q.find()) {
                        targets.add(importedClass(q.group(1)));
                    }
                }
                targets.remove(owner);
            }
        }
        return uses;
    }

    /** {@code dev.isr4j.x.Foo.Bar} or {@code dev.isr4j.x.Foo.member} -> {@code dev.isr4j.x.Foo}. */
    private static String importedClass(String name) {
        String[] parts = name.split("\\.");
        var sb = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            sb.append('.').append(parts[i]);
            if (Character.isUpperCase(parts[i].charAt(0))) {
                break;
            }
        }
        return sb.toString();
    }

    private static String topLevel(String binaryName) {
        int dollar = binaryName.indexOf('$');
        return dollar < 0 ? binaryName : binaryName.substring(0, dollar);
    }

    private static Path classesDir() {
        try {
            return Path.of(App.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final Pattern CLASS_IN_DESCRIPTOR = Pattern.compile("L(dev/isr4j/[\\w/$]+)[;<]");

    /**
     * Every class a class file's constant pool names: CONSTANT_Class entries, and class names inside
     * descriptors and generic signatures (field and method types, annotations, lambdas' types).
     */
    static Set<String> namesIn(InputStream raw) throws IOException {
        var in = new DataInputStream(raw);
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        var utf8 = new String[count];
        var classIndexes = new ArrayList<Integer>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7 -> classIndexes.add(in.readUnsignedShort());
                case 8, 16, 19, 20 -> in.readUnsignedShort();
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++; // takes two slots
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        var names = new TreeSet<String>();
        for (int index : classIndexes) {
            String n = utf8[index];
            if (n.startsWith("[")) {
                addDescriptorNames(n, names);
            } else {
                names.add(n.replace('/', '.'));
            }
        }
        for (String s : utf8) {
            if (s != null && s.contains("Ldev/isr4j/")) {
                addDescriptorNames(s, names);
            }
        }
        return names;
    }

    private static void addDescriptorNames(String descriptor, Set<String> names) {
        Matcher m = CLASS_IN_DESCRIPTOR.matcher(descriptor);
        while (m.find()) {
            names.add(m.group(1).replace('/', '.'));
        }
    }
}
