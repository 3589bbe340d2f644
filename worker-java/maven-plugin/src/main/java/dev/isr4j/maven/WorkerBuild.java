package dev.isr4j.maven;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Properties;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.Log;

/**
 * One build of the worker from a module's compiled classes: prerenders the static paths, writes the shim's files,
 * compiles the module to Wasm and moves the prerendered pages into place last. {@link BuildWorkerMojo} runs it once;
 * the development server ({@link DevServer}) runs it again on every saved change, with a warm compiler.
 *
 * @param module            the module's folder
 * @param classes           its compiled classes ({@code target/classes})
 * @param shimDirectory     where the shim goes; the rest goes into its {@code build/} folder
 * @param wranglerConfig    whose vars and bindings prerendering sees (null: none)
 * @param prerenderClasspath the module's runtime class path and SQLite's driver
 * @param teavmClasspath    what TeaVM reads classes from
 * @param teavmCache        TeaVM's cache folder (its incremental mode, unused)
 * @param describedAs       how errors name the module (artifact id) and its pom
 */
record WorkerBuild(Path module, Path classes, Path shimDirectory, Path wranglerConfig, List<String> prerenderClasspath,
                   List<String> teavmClasspath, Path teavmCache, Options options, String artifactId, File pom) {

    /**
     * @param writeShim   write {@code isr4j-worker.mjs} too
     * @param dev         a development build (cache keys scoped to a build id from the classes)
     * @param methodNames keep Java method names in the module
     * @param optimize    run binaryen's wasm-opt over it
     * @param fullErrors  every TeaVM problem with its call chain
     */
    record Options(boolean writeShim, boolean dev, boolean methodNames, boolean optimize, boolean fullErrors) {
    }

    /** What isr4j-core and isr4j-wasm tell the build about themselves (class names are theirs to change). */
    private static final String CORE_DESCRIPTOR = "META-INF/isr4j/core.properties";
    private static final String WASM_DESCRIPTOR = "META-INF/isr4j/wasm.properties";

    Path buildDirectory() {
        return shimDirectory.resolve(BuildWorkerMojo.BUILD_SUBDIRECTORY);
    }

    void run(WasmCompiler compiler, Log log) throws MojoExecutionException, MojoFailureException {
        run(compiler, log, null);
    }

    /**
     * {@code drivers}: for builds that follow one another in one JVM, a class loader that keeps SQLite's JDBC
     * driver (see {@link #drivers()}): the prerendering class loader, new for every build, finds it there. A driver
     * loaded by that loader itself would register with the JVM's DriverManager once, on the first build, and the
     * next builds' loaders could not see it. Null: the class path's own copy.
     */
    void run(WasmCompiler compiler, Log log, ClassLoader drivers) throws MojoExecutionException, MojoFailureException {
        Path buildDirectory = buildDirectory();
        try {
            Files.createDirectories(buildDirectory);
        } catch (IOException e) {
            throw new MojoExecutionException("isr4j: cannot create " + buildDirectory + ": " + e.getMessage(), e);
        }
        List<String> appClasspath = drivers == null ? prerenderClasspath
                : prerenderClasspath.stream().filter(e -> !isDriver(e)).toList();
        try (URLClassLoader app = new URLClassLoader(urls(appClasspath),
                drivers != null ? drivers : ClassLoader.getPlatformClassLoader())) {
            Properties core = descriptor(app, CORE_DESCRIPTOR, "isr4j-core");
            Properties wasm = descriptor(app, WASM_DESCRIPTOR, "isr4j-wasm");
            String buildId = options.dev() ? DevBuildId.of(classes) : "";
            if (options.dev()) {
                log.info("isr4j: development build " + buildId + " (cache keys scoped to it)");
            }
            // Written beside, then moved into place once the module is compiled: the prerendered module carries the
            // build id, and wrangler reloads on every file it sees change, so a new id must never meet the old
            // module (it would cache the old module's answers under the new build's keys).
            Path prerenderedNext = buildDirectory.resolve(BuildWorkerMojo.PRERENDERED_FILE + ".next");
            new Prerender(log).run(app, required(core, "prerenderer", CORE_DESCRIPTOR), prerenderedNext, buildId,
                    wranglerConfig);
            if (options.writeShim()) {
                copy(app, required(wasm, "shim", WASM_DESCRIPTOR), shimDirectory.resolve(BuildWorkerMojo.SHIM_FILE));
            }
            copy(app, required(wasm, "nodeFsStub", WASM_DESCRIPTOR),
                    buildDirectory.resolve(BuildWorkerMojo.NODE_FS_STUB_FILE));
            copy(app, required(wasm, "js", WASM_DESCRIPTOR), buildDirectory.resolve(BuildWorkerMojo.JS_FILE));
            copy(app, required(wasm, "devLoop", WASM_DESCRIPTOR), buildDirectory.resolve(BuildWorkerMojo.DEV_FILE));
            writeRuntime(buildDirectory.resolve(BuildWorkerMojo.RUNTIME_FILE), log);
            compiler.compile(teavmClasspath, required(wasm, "mainClass", WASM_DESCRIPTOR), buildDirectory,
                    BuildWorkerMojo.WASM_FILE, teavmCache, options.methodNames() || options.dev(), classes,
                    options.fullErrors());
            if (options.optimize()) {
                new WasmOptimizer(log).optimize(module, buildDirectory.resolve(BuildWorkerMojo.WASM_FILE),
                        options.methodNames() || options.dev());
            }
            Files.move(prerenderedNext, buildDirectory.resolve(BuildWorkerMojo.PRERENDERED_FILE),
                    StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new MojoExecutionException("isr4j: " + e.getMessage(), e);
        }
    }

    /**
     * A class loader with the prerendering class path's JDBC driver(s), registered with DriverManager, to pass to
     * every {@link #run(WasmCompiler, Log, ClassLoader)} in this JVM; never closed (DriverManager keeps it).
     */
    URLClassLoader drivers() throws MojoExecutionException {
        var loader = new URLClassLoader(urls(prerenderClasspath.stream().filter(WorkerBuild::isDriver).toList()),
                ClassLoader.getPlatformClassLoader());
        try {
            Class.forName(SQLITE_DRIVER, true, loader); // registers itself
        } catch (ClassNotFoundException e) {
            // no SQLite on the class path: prerendering cannot open a D1 database (and says so if it tries)
        }
        return loader;
    }

    private static final String SQLITE_DRIVER = "org.sqlite.JDBC";

    private static boolean isDriver(String classpathEntry) {
        return Path.of(classpathEntry).getFileName().toString().startsWith("sqlite-jdbc");
    }

    /** Class path entries as a class loader takes them (the warm compiler's loaders too). */
    static URL[] urls(List<String> paths) throws MojoExecutionException {
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

    private Properties descriptor(ClassLoader loader, String resource, String descriptorArtifactId)
            throws MojoFailureException, IOException {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new MojoFailureException("isr4j: dev.isr4j:" + descriptorArtifactId + " is not a dependency of "
                        + artifactId + ". Add <dependency><groupId>dev.isr4j</groupId><artifactId>"
                        + descriptorArtifactId + "</artifactId></dependency> (same version as the isr4j-maven-plugin) "
                        + "to " + pom);
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
    private static void writeRuntime(Path target, Log log) throws IOException {
        String runtime;
        try (InputStream in = WorkerBuild.class.getClassLoader().getResourceAsStream(WasmCompiler.RUNTIME_RESOURCE)) {
            if (in == null) {
                throw new IOException(WasmCompiler.RUNTIME_RESOURCE + " is missing from the class path");
            }
            runtime = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String lazy = TeaVMRuntimeText.withLazyHelpers(runtime);
        if (lazy == null) {
            log.warn("isr4j: TeaVM's runtime is not the one this plugin knows; shipped as it is (isolates start "
                    + "~2.5 ms slower)");
        }
        Files.writeString(target, lazy != null ? lazy : runtime, StandardCharsets.UTF_8);
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
