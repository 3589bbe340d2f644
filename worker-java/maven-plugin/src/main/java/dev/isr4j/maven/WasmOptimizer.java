package dev.isr4j.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.logging.Log;

/**
 * Binaryen's {@code wasm-opt} over the module TeaVM wrote: dead code, unused types and globals, duplicate
 * functions and redundant locals go, which takes about 12% off the gzipped bundle. It comes from the project's
 * npm dependencies ({@code binaryen}, run with the project's pinned {@code node} when there is one), found as
 * node finds packages: in {@code node_modules/} of the module's folder or the nearest folder above it.
 *
 * <p>Inlining a function into its only caller is off: it shrinks the module a little more (~4%) but makes the
 * functions a worker's first request runs much larger, and workerd compiles each function when it is first
 * called, so that request took ~10 ms longer. Only the features TeaVM's Wasm GC output uses are enabled, so
 * the optimiser cannot introduce one that workerd rejects.
 */
final class WasmOptimizer {
    static final String PACKAGE = "binaryen";
    static final String WASM_OPT = "node_modules/" + PACKAGE + "/bin/wasm-opt";
    static final String PINNED_NODE = "node_modules/node/bin/node";
    static final List<String> FLAGS = List.of(
            "--enable-gc", "--enable-reference-types", "--enable-exception-handling", "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int", "--enable-sign-ext", "--enable-mutable-globals",
            "--enable-multivalue",
            "-Oz", "--one-caller-inline-max-function-size", "0");
    /** Generous: about 15 s on a 2-core machine. */
    private static final long TIMEOUT_MINUTES = 10;

    private final Log log;

    WasmOptimizer(Log log) {
        this.log = log;
    }

    /** The folder holding {@code node_modules/binaryen} at or above {@code directory}, or null. */
    static Path packageRoot(Path directory) {
        for (Path dir = directory.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(WASM_OPT))) {
                return dir;
            }
        }
        return null;
    }

    /**
     * The command that optimises {@code in} into {@code out} with the binaryen under {@code root}; with
     * {@code names}, the module's name section is kept (wasm-opt drops it otherwise).
     */
    static List<String> command(Path root, Path in, Path out, boolean names) {
        Path pinned = root.resolve(PINNED_NODE);
        List<String> command = new ArrayList<>();
        command.add(Files.isExecutable(pinned) ? pinned.toString() : "node");
        command.add(root.resolve(WASM_OPT).toString());
        command.addAll(FLAGS);
        if (names) {
            command.add("--debuginfo");
        }
        command.add(in.toString());
        command.add("-o");
        command.add(out.toString());
        return command;
    }

    /**
     * Optimises {@code module} in place. Without binaryen the module stays as TeaVM wrote it (it works the same,
     * only larger) and the build says how to add it; a failing optimiser fails the build.
     */
    void optimize(Path moduleDirectory, Path module, boolean names) throws MojoExecutionException {
        Path root = packageRoot(moduleDirectory);
        if (root == null) {
            log.warn("isr4j: binaryen was not found in node_modules at or above " + moduleDirectory + ", so the "
                    + "module is shipped unoptimised (~12% larger gzipped). Add \"" + PACKAGE + "\" to the "
                    + "devDependencies of your package.json and run npm install, or set isr4j.optimize to false");
            return;
        }
        Path out = module.resolveSibling(module.getFileName() + ".opt");
        List<String> command = command(root, module, out, names);
        Path output;
        try {
            output = Files.createTempFile("isr4j-wasm-opt", ".log");
        } catch (IOException e) {
            throw new MojoExecutionException("isr4j: cannot create a temporary file: " + e.getMessage(), e);
        }
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new MojoExecutionException("isr4j: wasm-opt did not finish in " + TIMEOUT_MINUTES
                        + " minutes: " + String.join(" ", command));
            }
            if (process.exitValue() != 0 || !Files.isRegularFile(out)) {
                throw new MojoExecutionException("isr4j: wasm-opt failed (exit " + process.exitValue() + "): "
                        + String.join(" ", command) + "\n" + Files.readString(output, StandardCharsets.UTF_8));
            }
            long before = Files.size(module);
            Files.move(out, module, StandardCopyOption.REPLACE_EXISTING);
            log.info(String.format("isr4j: wasm-opt %,d -> %,d bytes", before, Files.size(module)));
        } catch (IOException e) {
            throw new MojoExecutionException("isr4j: cannot run wasm-opt (" + String.join(" ", command) + "): "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MojoExecutionException("isr4j: interrupted while wasm-opt ran", e);
        } finally {
            try {
                Files.deleteIfExists(output);
                Files.deleteIfExists(out);
            } catch (IOException ignored) {
                // a temporary file left behind is harmless
            }
        }
    }
}
