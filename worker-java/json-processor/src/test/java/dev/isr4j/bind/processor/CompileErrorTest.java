package dev.isr4j.bind.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user sees when a type cannot be bound: a compile error on the member, saying what to use. */
class CompileErrorTest {
    @TempDir
    Path out;

    private List<String> compile(String source) {
        var compiler = ToolProvider.getSystemJavaCompiler();
        var diagnostics = new DiagnosticCollector<JavaFileObject>();
        var file = new SimpleJavaFileObject(URI.create("string:///demo/Bad.java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(),
                "-proc:only");
        var task = compiler.getTask(null, null, diagnostics, options, null, List.of(file));
        task.setProcessors(List.of(new JsonableProcessor()));
        task.call();
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                errors.add(d.getMessage(Locale.ROOT));
            }
        }
        return errors;
    }

    @Test
    void aMemberOfAnUnboundTypeIsAnErrorOnThatMember() {
        List<String> errors = compile("package demo; @dev.isr4j.bind.Jsonable public record Bad(java.util.Date when,"
                + " Object anything, int[] numbers, java.util.Map<Integer, String> byId, char c) {}");
        String all = String.join("\n", errors);
        assertEquals(5, errors.size(), all);
        assertTrue(all.contains("isr4j JSON: when has type java.util.Date, which cannot be bound: use java.time.Instant"), all);
        assertTrue(all.contains("anything has type java.lang.Object"), all);
        assertTrue(all.contains("numbers has type int[], which cannot be bound: use a List"), all);
        assertTrue(all.contains("byId is a map with java.lang.Integer keys"), all);
        assertTrue(all.contains("c is a char: use a String"), all);
    }

    @Test
    void aNestedTypeThatIsNotOursMustBeAnnotated() {
        List<String> errors = compile("package demo; @dev.isr4j.bind.Jsonable public record Bad("
                + "java.util.List<java.lang.Thread> threads) {}");
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("threads has type java.util.List<java.lang.Thread>")
                || errors.get(0).contains("threads has type java.lang.Thread"), errors.toString());
    }

    @Test
    void aGoodRecordCompilesWithoutErrors() {
        List<String> errors = compile("package demo; @dev.isr4j.bind.Jsonable public record Bad(String a,"
                + " java.util.Optional<java.util.List<Inner>> b) { public record Inner(long x) {} }");
        assertFalse(errors.iterator().hasNext(), errors.toString());
    }
}
