package dev.isr4j.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;

class DevServerTest {
    private static final Path MODULE = Path.of("/site/worker-java/app");
    /** What the server logged as errors. */
    private final List<String> errors = new ArrayList<>();
    private final DevServer server = new DevServer(MODULE, MODULE.resolve("target"), new SystemStreamLog() {
        @Override
        public void error(CharSequence content) {
            errors.add(content.toString());
        }

        @Override
        public void debug(Throwable error) {
        }
    });
    /** Which builds ran: true for the first (Maven's), false for a request's. */
    private final List<Boolean> builds = new ArrayList<>();

    /** The answers to {@code requests} (lines), each without its prefix; checks every answer has it. */
    private List<String> serve(String requests, DevServer.Build build) throws Exception {
        var bytes = new ByteArrayOutputStream();
        server.serve(new BufferedReader(new StringReader(requests)), new PrintStream(bytes, true, StandardCharsets.UTF_8),
                build);
        List<String> answers = new ArrayList<>();
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
            assertTrue(line.startsWith(DevServer.ANSWER), line);
            answers.add(line.substring(DevServer.ANSWER.length()));
        }
        return answers;
    }

    private List<String> serve(String requests) throws Exception {
        return serve(requests, builds::add);
    }

    @Test
    void answersTheFirstBuildUnaskedThenOneLinePerRequestUntilTheInputEnds() throws Exception {
        List<String> answers = serve("build\t" + MODULE.resolve("src/main/java/app/Site.java") + "\nbuild\n");
        assertEquals(3, answers.size(), answers.toString());
        for (String answer : answers) {
            assertTrue(answer.matches("ok \\d+\\.\\d\\d"), answer);
        }
        assertEquals(List.of(true, false, false), builds);
    }

    @Test
    void quitEndsTheServerAndBlankLinesAreIgnored() throws Exception {
        List<String> answers = serve("\n  \nquit\nbuild\n");
        assertEquals(1, answers.size(), answers.toString());
        assertEquals(List.of(true), builds);
    }

    @Test
    void aFailedBuildIsAnsweredAndTheServerGoesOn() throws Exception {
        List<String> answers = serve("build\nbuild\n", first -> {
            builds.add(first);
            if (builds.size() == 2) {
                throw new MojoFailureException("isr4j: TeaVM cannot compile the app\nand more");
            }
        });
        assertEquals(3, answers.size(), answers.toString());
        assertTrue(answers.get(0).startsWith("ok "), answers.get(0));
        assertTrue(answers.get(1).startsWith("failed "), answers.get(1));
        assertTrue(answers.get(2).startsWith("ok "), answers.get(2));
        // the failed step logged its details; the server adds the first line of its message, not the rest again
        assertEquals(List.of("isr4j: TeaVM cannot compile the app"), errors);
    }

    @Test
    void anUnexpectedErrorInABuildIsAFailureToo() throws Exception {
        List<String> answers = serve("build\n", first -> {
            if (!first) {
                throw new IllegalStateException("boom");
            }
        });
        assertTrue(answers.get(1).startsWith("failed "), answers.get(1));
        assertEquals(List.of("boom"), errors);
    }

    @Test
    void aChangeOutsideTheModuleAsksForARestartWithoutBuilding() throws Exception {
        Path core = Path.of("/site/worker-java/core/src/main/java/lib/Lib.java");
        List<String> answers = serve("build\t" + MODULE.resolve("src/main/jte/page.jte") + "\t" + core + "\n");
        assertEquals("restart " + core + " is not in " + MODULE + "'s sources", answers.get(1));
        assertEquals(List.of(true), builds);
    }

    @Test
    void anUnknownRequestIsAnsweredAsAFailure() throws Exception {
        List<String> answers = serve("make\n");
        assertTrue(answers.get(1).startsWith("failed 0.0 unknown request 'make'"), answers.get(1));
        assertEquals(List.of(true), builds);
    }

    @Test
    void theModulesSourcesAndResourcesAreBuiltHereEverythingElseIsNot() {
        for (String inside : List.of("src/main/java/app/Site.java", "src/main/jte/layout.jte",
                "src/main/resources/META-INF/services/dev.isr4j.AppProvider", "src/main/java/app/../app/Other.java")) {
            assertNull(server.outsideModule(List.of(MODULE.resolve(inside))), inside);
        }
        assertNull(server.outsideModule(List.of(Path.of("src/main/java/app/Relative.java"))), "relative to the module");
        for (String outside : List.of("/site/worker-java/core/src/main/java/lib/Lib.java",
                "/site/worker-java/app/pom.xml", "/site/worker-java/app/target/generated-sources/jte/templates/X.java",
                "/site/worker-java/app-two/src/main/java/X.java", "/site/worker-java/app/../core/X.java")) {
            assertEquals(Path.of(outside), server.outsideModule(List.of(MODULE.resolve("src/main/java/A.java"),
                    Path.of(outside))), outside);
        }
    }
}
