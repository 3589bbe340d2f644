package dev.isr4j.maven;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.artifact.DependencyResolutionRequiredException;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.lifecycle.LifecycleExecutor;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.BuildPluginManager;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProject;

/**
 * Builds the worker that wrangler deploys: prerenders the app's static paths on the JVM, compiles the app to
 * WebAssembly GC with TeaVM, and writes next to the project's {@code wrangler.jsonc}:
 *
 * <pre>
 * worker-shim/isr4j-worker.mjs          the JS module worker (wrangler.jsonc "main")
 * worker-shim/build/isr4j.wasm          the app, with isr4j's runtime
 * worker-shim/build/teavm-runtime.mjs   TeaVM's JS runtime for the module
 * worker-shim/build/isr4j-js.mjs        the JS primitives the module calls (the shim names it isr4jJs)
 * worker-shim/build/prerendered.mjs     the pages rendered at build time
 * worker-shim/build/no-node-fs.mjs      a stand-in for node:fs/promises (wrangler.jsonc "alias")
 * </pre>
 *
 * With {@code writeShim} off, only {@code build/} is written (isr4j's own repository keeps the worker module's
 * source in {@code worker-shim/}).
 *
 * <p>Needs no configuration: add the plugin with an execution of this goal, and {@code dev.isr4j:isr4j-core}
 * and {@code dev.isr4j:isr4j-wasm} as dependencies.
 */
@Mojo(name = "build", defaultPhase = LifecyclePhase.PROCESS_CLASSES,
        requiresDependencyResolution = ResolutionScope.COMPILE_PLUS_RUNTIME)
public final class BuildWorkerMojo extends AbstractMojo {
    static final String SHIM_FILE = "isr4j-worker.mjs";
    /** Stands in for node:fs/promises, which TeaVM's runtime imports (wrangler.jsonc "alias" points here). */
    static final String NODE_FS_STUB_FILE = "no-node-fs.mjs";
    static final String WASM_FILE = "isr4j.wasm";
    static final String RUNTIME_FILE = "teavm-runtime.mjs";
    static final String JS_FILE = "isr4j-js.mjs";
    /** The edit loop ({@code npm run dev} runs it from here in a site). */
    static final String DEV_FILE = "dev.mjs";
    static final String PRERENDERED_FILE = "prerendered.mjs";
    /** The shim imports everything else from here. */
    static final String BUILD_SUBDIRECTORY = "build";

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Parameter(defaultValue = "${plugin.artifacts}", readonly = true, required = true)
    private List<Artifact> pluginArtifacts;

    /**
     * Where the shim goes (the module, runtime and prerendered pages go into its {@code build/} folder). By
     * default {@code worker-shim/} beside the nearest {@code wrangler.jsonc} (or {@code wrangler.json},
     * {@code wrangler.toml}) at or above this module's folder.
     */
    @Parameter(property = "isr4j.outputDirectory")
    private File outputDirectory;

    /**
     * Writes the worker module ({@code worker-shim/isr4j-worker.mjs}). Off where that folder is the shim's source
     * (isr4j's own repository), so the build writes only into {@code build/} and never over committed files.
     */
    @Parameter(property = "isr4j.writeShim", defaultValue = "true")
    private boolean writeShim;

    /**
     * A development build ({@code npm run dev} sets it): cache keys are scoped to a build id taken from the
     * compiled classes, unless the app sets its own ({@code App.buildId}), so a rebuild never serves what an
     * earlier build rendered and stored.
     */
    @Parameter(property = "isr4j.dev", defaultValue = "false")
    private boolean dev;

    /** When TeaVM cannot compile the app: every problem with its whole call chain, besides the summary. */
    @Parameter(property = "isr4j.fullErrors", defaultValue = "false")
    private boolean fullErrors;

    /** Skips the worker build, e.g. for a quick {@code mvn test}. */
    @Parameter(property = "isr4j.skip", defaultValue = "false")
    private boolean skip;

    /**
     * Keeps Java method names in the module (a Wasm name section), so a CPU profile of the worker names them;
     * a profiling aid that makes the module larger: leave it off for deployment.
     */
    @Parameter(property = "isr4j.methodNames", defaultValue = "false")
    private boolean methodNames;

    /**
     * Runs binaryen's wasm-opt (the project's npm dependency {@code binaryen}) over the module: ~12% smaller
     * gzipped. Off for a quicker build; without binaryen the build warns and ships the module unoptimised.
     */
    @Parameter(property = "isr4j.optimize", defaultValue = "true")
    private boolean optimize;

    @Parameter(defaultValue = "${project.build.directory}/teavm-cache", readonly = true)
    private File teavmCacheDirectory;

    /**
     * The edit loop's build server ({@code npm run dev} sets it): after the first build (a development build,
     * whatever {@code isr4j.dev} says), Maven stays running and builds again on each request on its standard
     * input: the module's lifecycle up to this goal (templates, resources, javac) and then the worker, in the same
     * warm JVM. See {@link DevServer} for the requests and answers.
     */
    @Parameter(property = "isr4j.serve", defaultValue = "false")
    private boolean serve;

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    private MavenSession session;

    @Parameter(defaultValue = "${mojoExecution}", readonly = true, required = true)
    private MojoExecution mojoExecution;

    @Component
    private LifecycleExecutor lifecycleExecutor;

    @Component
    private BuildPluginManager pluginManager;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("isr4j: skipped (isr4j.skip)");
            return;
        }
        if ("pom".equals(project.getPackaging())) {
            throw new MojoFailureException("isr4j: " + project.getArtifactId() + " is a pom (aggregator) module, "
                    + "which has no classes to compile: move the isr4j-maven-plugin execution into the module "
                    + "that holds your app (the one with META-INF/services/dev.isr4j.AppProvider)");
        }
        Path shimDirectory = WorkerLocation.shimDirectory(
                project.getBasedir().toPath(), outputDirectory == null ? null : outputDirectory.toPath());
        Path wranglerConfig = WorkerLocation.wranglerConfig(project.getBasedir().toPath(), shimDirectory);
        if (wranglerConfig != null) {
            getLog().info("isr4j: static paths are prerendered with the vars and bindings of " + wranglerConfig);
        }
        var build = new WorkerBuild(project.getBasedir().toPath(), Path.of(project.getBuild().getOutputDirectory()),
                shimDirectory, wranglerConfig, prerenderClasspath(), teavmClasspath(), teavmCacheDirectory.toPath(),
                new WorkerBuild.Options(writeShim, dev || serve, methodNames, optimize && !serve, fullErrors),
                project.getArtifactId(), project.getFile());
        if (serve) {
            serve(build);
            return;
        }
        build.run(new WasmCompiler(getLog()), getLog());
        getLog().info("isr4j: worker written to " + shimDirectory);
    }

    /** The development server: this build, then one more per request, until the end of the standard input. */
    private void serve(WorkerBuild build) throws MojoExecutionException {
        List<MojoExecution> before = new ModuleSteps(lifecycleExecutor, session, mojoExecution).before();
        WasmCompiler compiler = WasmCompiler.warm(getLog());
        ClassLoader drivers = build.drivers();
        var server = new DevServer(project.getBasedir().toPath(), Path.of(project.getBuild().getDirectory()), getLog());
        var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            server.serve(in, System.out, first -> {
                if (!first) {
                    for (MojoExecution step : before) {
                        pluginManager.executeMojo(session, step);
                    }
                }
                build.run(compiler, getLog(), drivers);
            });
        } catch (IOException e) {
            throw new MojoExecutionException("isr4j: the development server cannot read its requests: " + e, e);
        }
    }

    /**
     * The app's runtime class path plus SQLite's JDBC driver (from this plugin), which D1 bindings use while
     * prerendering; the driver never reaches the Wasm build.
     */
    private List<String> prerenderClasspath() throws MojoExecutionException {
        List<String> entries = new ArrayList<>(runtimeClasspath());
        for (Artifact artifact : pluginArtifacts) {
            if ("sqlite-jdbc".equals(artifact.getArtifactId()) && artifact.getFile() != null
                    && entries.stream().noneMatch(e -> e.contains("sqlite-jdbc"))) {
                entries.add(artifact.getFile().getAbsolutePath());
            }
        }
        return entries;
    }

    private List<String> runtimeClasspath() throws MojoExecutionException {
        try {
            return project.getRuntimeClasspathElements();
        } catch (DependencyResolutionRequiredException e) {
            throw new MojoExecutionException("isr4j: the runtime class path is not resolved: " + e.getMessage(), e);
        }
    }

    /**
     * What TeaVM reads classes from: the module's classes, its dependencies of every scope that ships, and the
     * class library from this plugin (so a user's pom never names TeaVM).
     */
    private List<String> teavmClasspath() {
        List<String> entries = new ArrayList<>();
        for (Artifact artifact : project.getArtifacts()) {
            if (!Artifact.SCOPE_TEST.equals(artifact.getScope()) && artifact.getFile() != null) {
                entries.add(artifact.getFile().getAbsolutePath());
            }
        }
        for (Artifact artifact : pluginArtifacts) {
            // The class library and what it needs; the compiler's own tooling stays out of the program.
            if (!"teavm-tooling".equals(artifact.getArtifactId()) && !"sqlite-jdbc".equals(artifact.getArtifactId())
                    && artifact.getFile() != null) {
                entries.add(artifact.getFile().getAbsolutePath());
            }
        }
        entries.add(project.getBuild().getOutputDirectory());
        return entries;
    }
}
