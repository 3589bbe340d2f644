package dev.isr4j.maven;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.artifact.DependencyResolutionRequiredException;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
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

    /** What isr4j-core and isr4j-wasm tell the build about themselves (class names are theirs to change). */
    private static final String CORE_DESCRIPTOR = "META-INF/isr4j/core.properties";
    private static final String WASM_DESCRIPTOR = "META-INF/isr4j/wasm.properties";

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
        Path buildDirectory = shimDirectory.resolve(BUILD_SUBDIRECTORY);
        try {
            Files.createDirectories(buildDirectory);
        } catch (IOException e) {
            throw new MojoExecutionException("isr4j: cannot create " + buildDirectory + ": " + e.getMessage(), e);
        }

        Path wranglerConfig = WorkerLocation.wranglerConfig(project.getBasedir().toPath(), shimDirectory);
        if (wranglerConfig != null) {
            getLog().info("isr4j: static paths are prerendered with the vars and bindings of " + wranglerConfig);
        }
        try (URLClassLoader app = new URLClassLoader(urls(prerenderClasspath()), ClassLoader.getPlatformClassLoader())) {
            Properties core = descriptor(app, CORE_DESCRIPTOR, "isr4j-core");
            Properties wasm = descriptor(app, WASM_DESCRIPTOR, "isr4j-wasm");
            String buildId = dev ? DevBuildId.of(Path.of(project.getBuild().getOutputDirectory())) : "";
            if (dev) {
                getLog().info("isr4j: development build " + buildId + " (cache keys scoped to it)");
            }
            // Written beside, then moved into place once the module is compiled: the prerendered module carries the
            // build id, and wrangler reloads on every file it sees change, so a new id must never meet the old
            // module (it would cache the old module's answers under the new build's keys).
            Path prerenderedNext = buildDirectory.resolve(PRERENDERED_FILE + ".next");
            new Prerender(getLog()).run(app, required(core, "prerenderer", CORE_DESCRIPTOR), prerenderedNext, buildId,
                    wranglerConfig);
            if (writeShim) {
                copy(app, required(wasm, "shim", WASM_DESCRIPTOR), shimDirectory.resolve(SHIM_FILE));
            }
            copy(app, required(wasm, "nodeFsStub", WASM_DESCRIPTOR), buildDirectory.resolve(NODE_FS_STUB_FILE));
            copy(app, required(wasm, "js", WASM_DESCRIPTOR), buildDirectory.resolve(JS_FILE));
            copy(app, required(wasm, "devLoop", WASM_DESCRIPTOR), buildDirectory.resolve(DEV_FILE));
            writeRuntime(buildDirectory.resolve(RUNTIME_FILE));
            new WasmCompiler(getLog()).compile(teavmClasspath(), required(wasm, "mainClass", WASM_DESCRIPTOR),
                    buildDirectory, WASM_FILE, teavmCacheDirectory.toPath(), methodNames || dev,
                    Path.of(project.getBuild().getOutputDirectory()), fullErrors);
            if (optimize) {
                new WasmOptimizer(getLog()).optimize(project.getBasedir().toPath(), buildDirectory.resolve(WASM_FILE),
                        methodNames || dev);
            }
            Files.move(prerenderedNext, buildDirectory.resolve(PRERENDERED_FILE), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new MojoExecutionException("isr4j: " + e.getMessage(), e);
        }
        getLog().info("isr4j: worker written to " + shimDirectory);
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

    private static URL[] urls(List<String> paths) throws MojoExecutionException {
        URL[] urls = new URL[paths.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = new File(paths.get(i)).toURI().toURL();
            } catch (MalformedURLException e) {
                throw new MojoExecutionException("isr4j: bad class path entry " + paths.get(i), e);
            }
        }
        return urls;
    }

    private Properties descriptor(ClassLoader loader, String resource, String artifactId)
            throws MojoFailureException, IOException {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new MojoFailureException("isr4j: dev.isr4j:" + artifactId + " is not a dependency of "
                        + project.getArtifactId() + ". Add <dependency><groupId>dev.isr4j</groupId><artifactId>"
                        + artifactId + "</artifactId></dependency> (same version as the isr4j-maven-plugin) to "
                        + project.getFile());
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties;
        }
    }

    private static String required(Properties properties, String key, String resource) throws MojoFailureException {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new MojoFailureException("isr4j: " + resource + " has no '" + key + "'; the isr4j artifacts on "
                    + "the class path do not match this plugin: use the same isr4j version for both");
        }
        return value.trim();
    }

    /** TeaVM's runtime, with its per-arity helpers made on first use (see {@link TeaVMRuntimeText}). */
    private void writeRuntime(Path target) throws IOException {
        String runtime;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(WasmCompiler.RUNTIME_RESOURCE)) {
            if (in == null) {
                throw new IOException(WasmCompiler.RUNTIME_RESOURCE + " is missing from the class path");
            }
            runtime = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        String lazy = TeaVMRuntimeText.withLazyHelpers(runtime);
        if (lazy == null) {
            getLog().warn("isr4j: TeaVM's runtime is not the one this plugin knows; shipped as it is (isolates start "
                    + "~2.5 ms slower)");
        }
        Files.writeString(target, lazy != null ? lazy : runtime, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void copy(ClassLoader loader, String resource, Path target) throws IOException {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is missing from the class path");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
