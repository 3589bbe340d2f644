package dev.isr4j.maven;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.Log;
import org.teavm.backend.wasm.WasmDebugInfoLocation;
import org.teavm.backend.wasm.render.WasmBinaryVersion;
import org.teavm.callgraph.CallGraph;
import org.teavm.diagnostics.ProblemProvider;
import org.teavm.tooling.TeaVMProblemRenderer;
import org.teavm.tooling.TeaVMSourceFilePolicy;
import org.teavm.tooling.TeaVMTargetType;
import org.teavm.tooling.TeaVMToolLog;
import org.teavm.tooling.builder.BuildException;
import org.teavm.tooling.builder.BuildResult;
import org.teavm.tooling.builder.InProcessBuildStrategy;
import org.teavm.vm.TeaVMOptimizationLevel;

/**
 * TeaVM, in this JVM, with the settings a worker needs: Wasm GC, full optimisation, minified, no debug info.
 * {@link #WasmCompiler(Log)} runs TeaVM's own build tool afresh each time (a Maven build compiles once);
 * {@link #warm(Log)} keeps what TeaVM read from the libraries between builds, for the development server, which
 * compiles the same app again on every saved change (see {@link WarmTeaVM}).
 */
final class WasmCompiler {
    /** TeaVM's JS runtime for a Wasm GC module, as an ES module, minified (in teavm-core). */
    static final String RUNTIME_RESOURCE = "org/teavm/backend/wasm/wasm-gc-module-runtime.min.js";
    /** The entry point's export name. */
    static final String ENTRY_POINT_NAME = "main";
    // ADVANCED, not FULL: FULL's aggressive inlining made the example's module 189 KB gzipped against 122 KB
    // here, with the same CPU per request in the benchmark (V8 inlines hot Wasm calls itself) and a slightly
    // faster first request (less code to compile). SIMPLE gives 138 KB.
    static final TeaVMOptimizationLevel OPTIMIZATION = TeaVMOptimizationLevel.ADVANCED;
    // Strict: null dereference, array bounds and bad casts become Java exceptions (a 500 from the
    // handler's catch) instead of Wasm traps that skip every catch and hang the request.
    static final boolean STRICT = true;
    static final int MIN_DIRECT_BUFFERS_SIZE = 2 << 20;
    static final String[] TRANSFORMERS = {JsNumberText.class.getName()};

    private final Log log;
    /** Null: a cold build each time. */
    private final WarmTeaVM warm;

    WasmCompiler(Log log) {
        this(log, null);
    }

    private WasmCompiler(Log log, WarmTeaVM warm) {
        this.log = log;
        this.warm = warm;
    }

    /** A compiler that keeps the libraries' classes, as TeaVM read and pre-optimised them, from build to build. */
    static WasmCompiler warm(Log log) {
        return new WasmCompiler(log, new WarmTeaVM());
    }

    /** What a TeaVM run left for the problem report. */
    record Outcome(CallGraph callGraph, ProblemProvider problems) {
    }

    void compile(List<String> classpath, String mainClass, Path targetDirectory, String fileName, Path cacheDirectory,
                 boolean methodNames, Path ownClasses, boolean fullErrors)
            throws MojoFailureException, MojoExecutionException {
        var toolLog = new MavenToolLog(log);
        Outcome result;
        try {
            result = warm != null
                    ? warm.build(classpath, ownClasses, mainClass, targetDirectory, fileName, methodNames, toolLog)
                    : cold(classpath, mainClass, targetDirectory, fileName, cacheDirectory, methodNames, toolLog);
        } catch (BuildException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new MojoExecutionException("isr4j: TeaVM failed: " + cause, cause);
        }
        if (result.problems().getSevereProblems().isEmpty() || fullErrors) {
            TeaVMProblemRenderer.describeProblems(result.callGraph(), result.problems(), toolLog);
        }
        if (!result.problems().getSevereProblems().isEmpty()) {
            var errors = new ArrayList<String>();
            TeaVMProblemRenderer.describeProblems(result.callGraph(), result.problems(), new CollectingLog(errors));
            var libraries = new Libraries(classpath);
            for (String line : TeaVMProblems.summarise(TeaVMProblems.parse(errors), libraries::of,
                    c -> Files.exists(ownClasses.resolve(c.replace('.', '/') + ".class")))) {
                log.error(line);
            }
            throw new MojoFailureException("isr4j: TeaVM cannot compile the app to WebAssembly (see the summary "
                    + "above); route handlers may use only the Java library TeaVM supports and the isr4j API");
        }
    }

    /** TeaVM's build tool, in a class loader of its own for this build. */
    private static Outcome cold(List<String> classpath, String mainClass, Path targetDirectory, String fileName,
                                Path cacheDirectory, boolean methodNames, TeaVMToolLog toolLog) throws BuildException {
        var build = new InProcessBuildStrategy();
        build.init();
        build.setLog(toolLog);
        build.setClassPathEntries(classpath);
        build.setTargetType(TeaVMTargetType.WEBASSEMBLY_GC);
        build.setMainClass(mainClass);
        build.setEntryPointName(ENTRY_POINT_NAME);
        build.setTargetDirectory(targetDirectory.toString());
        build.setTargetFileName(fileName);
        build.setOptimizationLevel(OPTIMIZATION);
        build.setObfuscated(!methodNames);
        build.setStrict(STRICT);
        build.setIncremental(false);
        build.setDebugInformationGenerated(false);
        build.setSourceMapsFileGenerated(false);
        build.setSourceFilePolicy(TeaVMSourceFilePolicy.DO_NOTHING);
        build.setWasmDebugInfoLocation(WasmDebugInfoLocation.EXTERNAL);
        build.setWasmVersion(WasmBinaryVersion.V_0x1);
        build.setMinHeapSize(4 << 20);
        build.setMaxHeapSize(128 << 20);
        build.setMinDirectBuffersSize(MIN_DIRECT_BUFFERS_SIZE);
        build.setCacheDirectory(cacheDirectory.toString());
        build.setTransformers(TRANSFORMERS);
        BuildResult result = build.build();
        return new Outcome(result.getCallGraph(), result.getProblems());
    }

    /** Collects the texts of TeaVM's errors (one per problem) for the summary. */
    private record CollectingLog(List<String> errors) implements TeaVMToolLog {
        @Override
        public void info(String text) {
        }

        @Override
        public void debug(String text) {
        }

        @Override
        public void warning(String text) {
        }

        @Override
        public void error(String text) {
            errors.add(text);
        }

        @Override
        public void info(String text, Throwable e) {
        }

        @Override
        public void debug(String text, Throwable e) {
        }

        @Override
        public void warning(String text, Throwable e) {
        }

        @Override
        public void error(String text, Throwable e) {
            errors.add(text);
        }
    }

    /** Which class-path entry (a jar's file name, or a folder) holds a class. */
    private static final class Libraries {
        private final List<String> entries;

        Libraries(List<String> entries) {
            this.entries = entries;
        }

        String of(String className) {
            String resource = className.replace('.', '/') + ".class";
            for (String entry : entries) {
                Path path = Path.of(entry);
                if (Files.isDirectory(path)) {
                    if (Files.exists(path.resolve(resource))) {
                        return path.toString();
                    }
                } else if (Files.isRegularFile(path)) {
                    try (var jar = new java.util.zip.ZipFile(path.toFile())) {
                        if (jar.getEntry(resource) != null) {
                            return path.getFileName().toString();
                        }
                    } catch (java.io.IOException e) {
                        // not a readable jar: not this one
                    }
                }
            }
            return null;
        }
    }

    /** TeaVM's log, into Maven's. */
    private record MavenToolLog(Log log) implements TeaVMToolLog {
        @Override
        public void info(String text) {
            log.info(text);
        }

        @Override
        public void debug(String text) {
            log.debug(text);
        }

        @Override
        public void warning(String text) {
            log.warn(text);
        }

        @Override
        public void error(String text) {
            log.error(text);
        }

        @Override
        public void info(String text, Throwable e) {
            log.info(text, e);
        }

        @Override
        public void debug(String text, Throwable e) {
            log.debug(text, e);
        }

        @Override
        public void warning(String text, Throwable e) {
            log.warn(text, e);
        }

        @Override
        public void error(String text, Throwable e) {
            log.error(text, e);
        }
    }
}
