package dev.isr4j.maven;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.maven.plugin.logging.Log;

/**
 * The edit loop's build server ({@code npm run dev} starts it once, as {@code mvn package -Disr4j.serve=true}):
 * after its first build it stays in Maven's JVM and builds the worker again whenever asked, with the compiler and
 * the libraries' classes warm. {@code worker-shim/dev.mjs} talks to it a line at a time:
 *
 * <pre>
 * request (stdin)                      answer (stdout)
 * build[TAB path]...                   &#64;isr4j ok SECONDS | &#64;isr4j failed SECONDS | &#64;isr4j restart REASON
 * quit (or the end of input)           (none: the server returns and Maven finishes its build)
 * </pre>
 *
 * The paths are the files saved since the last build. A file outside the app module (another module, isr4j's own
 * code in its repository) or the module's pom needs Maven's whole build: the answer is {@code restart}, and the
 * caller stops this server and starts a new one. The server answers its first build, unasked, before it reads
 * anything. A failed build (javac, jte, TeaVM) is reported by the step that failed and answered {@code failed};
 * the worker files it did not get to stay as they were, so the last good worker keeps serving.
 */
final class DevServer {
    /** What starts every answer, so the client can tell answers from Maven's and the build's other output. */
    static final String ANSWER = "@isr4j ";

    /** One build; {@code first}: the one Maven's lifecycle has just prepared (nothing to compile again). */
    @FunctionalInterface
    interface Build {
        void run(boolean first) throws Exception;
    }

    private final Path module;
    private final Path buildOutput;
    private final Log log;

    /** {@code buildOutput}: the module's {@code target/} folder, whose files never ask for a build. */
    DevServer(Path module, Path buildOutput, Log log) {
        this.module = module.toAbsolutePath().normalize();
        this.buildOutput = buildOutput.toAbsolutePath().normalize();
        this.log = log;
    }

    /** Builds once, then answers requests until the end of {@code in} or {@code quit}. */
    void serve(BufferedReader in, PrintStream out, Build build) throws IOException {
        answer(out, attempt(build, true));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split("\t");
            String command = parts[0].trim();
            if (command.equals("quit")) {
                return;
            }
            if (!command.equals("build")) {
                answer(out, "failed 0.0 unknown request '" + command + "'");
                continue;
            }
            List<Path> changed = new ArrayList<>();
            for (int i = 1; i < parts.length; i++) {
                if (!parts[i].isEmpty()) {
                    changed.add(Path.of(parts[i]));
                }
            }
            Path outside = outsideModule(changed);
            answer(out, outside != null ? "restart " + outside + " is not in " + module + "'s sources"
                    : attempt(build, false));
        }
    }

    /** The first of {@code changed} that this server cannot build alone, or null. */
    Path outsideModule(List<Path> changed) {
        for (Path path : changed) {
            Path p = module.resolve(path).toAbsolutePath().normalize();
            if (!p.startsWith(module) || p.startsWith(buildOutput) || p.equals(module.resolve("pom.xml"))) {
                return path;
            }
        }
        return null;
    }

    private String attempt(Build build, boolean first) {
        long started = System.nanoTime();
        boolean ok;
        try {
            build.run(first);
            ok = true;
        } catch (Exception | LinkageError e) {
            // The step that failed has logged its errors (javac's, jte's, TeaVM's summary); the first line of its
            // message closes them (javac's goes on to repeat them).
            String message = e.getMessage() != null ? e.getMessage().lines().findFirst().orElse("") : "";
            log.error(message.isBlank() ? e.toString() : message);
            if (!(e instanceof org.apache.maven.plugin.MojoFailureException)) {
                log.debug(e);
            }
            ok = false;
        }
        return (ok ? "ok " : "failed ") + String.format(Locale.ROOT, "%.2f", (System.nanoTime() - started) / 1e9);
    }

    private static void answer(PrintStream out, String answer) {
        out.println(ANSWER + answer);
        out.flush();
    }
}
