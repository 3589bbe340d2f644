package dev.isr4j.maven;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WasmOptimizerTest {
    @TempDir
    Path project;

    /** (module (func (export "f") (result i32) i32.const 7) (func (result i32) i32.const 8)): one unused function. */
    private static final byte[] MODULE = {
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,
        0x03, 0x03, 0x02, 0x00, 0x00,
        0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00,
        0x0a, 0x0b, 0x02, 0x04, 0x00, 0x41, 0x07, 0x0b, 0x04, 0x00, 0x41, 0x08, 0x0b,
    };

    @Test
    void binaryenIsFoundInNodeModulesOfTheModuleOrAFolderAboveIt() throws Exception {
        Path module = Files.createDirectories(project.resolve("worker-java/app"));
        assertNull(WasmOptimizer.packageRoot(module));
        Path wasmOpt = project.resolve(WasmOptimizer.WASM_OPT);
        Files.createDirectories(wasmOpt.getParent());
        Files.writeString(wasmOpt, "");
        assertEquals(project, WasmOptimizer.packageRoot(module));
    }

    @Test
    void theProjectsPinnedNodeRunsItWhenThereIsOne() throws Exception {
        Path in = project.resolve("a.wasm");
        Path out = project.resolve("b.wasm");
        assertEquals("node", WasmOptimizer.command(project, in, out, false).get(0));
        Path node = project.resolve(WasmOptimizer.PINNED_NODE);
        Files.createDirectories(node.getParent());
        Files.writeString(node, "");
        assertTrue(node.toFile().setExecutable(true));
        List<String> command = WasmOptimizer.command(project, in, out, false);
        assertEquals(node.toString(), command.get(0));
        assertEquals(project.resolve(WasmOptimizer.WASM_OPT).toString(), command.get(1));
        assertEquals(List.of(in.toString(), "-o", out.toString()), command.subList(command.size() - 3, command.size()));
        assertTrue(command.contains("-Oz"));
        assertTrue(!command.contains("--debuginfo") && WasmOptimizer.command(project, in, out, true).contains("--debuginfo"));
    }

    @Test
    void withoutBinaryenTheModuleIsLeftAsItWas() throws Exception {
        Path module = project.resolve("isr4j.wasm");
        Files.write(module, MODULE);
        List<String> warnings = new ArrayList<>();
        new WasmOptimizer(new SystemStreamLog() {
            @Override
            public void warn(CharSequence content) {
                warnings.add(content.toString());
            }
        }).optimize(project, module, false);
        assertArrayEquals(MODULE, Files.readAllBytes(module));
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("\"binaryen\" to the devDependencies"), warnings.get(0));
    }

    @Test
    void aFailingOptimiserFailsTheBuildAndLeavesTheModule() throws Exception {
        Path wasmOpt = project.resolve(WasmOptimizer.WASM_OPT);
        Files.createDirectories(wasmOpt.getParent());
        Files.writeString(wasmOpt, "process.stderr.write('no good'); process.exit(3);\n");
        Path module = project.resolve("isr4j.wasm");
        Files.write(module, MODULE);
        MojoExecutionException e = assertThrows(MojoExecutionException.class,
                () -> new WasmOptimizer(new SystemStreamLog()).optimize(project, module, false));
        assertTrue(e.getMessage().contains("exit 3") && e.getMessage().contains("no good"), e.getMessage());
        assertArrayEquals(MODULE, Files.readAllBytes(module));
    }

    /** The repository's own binaryen (npm ci installs it): an unused function is gone, the export stays. */
    @Test
    void theRepositorysBinaryenShrinksARealModule() throws Exception {
        Path root = WasmOptimizer.packageRoot(Path.of(""));
        assertNotNull(root, "binaryen is not in node_modules: run npm ci at the repository's root first");
        Path module = project.resolve("isr4j.wasm");
        Files.write(module, MODULE);
        Path linked = Files.createDirectories(project.resolve("node_modules"));
        Files.createSymbolicLink(linked.resolve(WasmOptimizer.PACKAGE), root.resolve("node_modules").resolve(WasmOptimizer.PACKAGE));
        new WasmOptimizer(new SystemStreamLog()).optimize(project, module, false);
        byte[] optimized = Files.readAllBytes(module);
        assertTrue(optimized.length < MODULE.length, optimized.length + " bytes");
        assertEquals(0x66, optimized[indexOfExport(optimized)]);
    }

    private static int indexOfExport(byte[] module) {
        for (int i = 8; i < module.length - 2; i++) {
            if (module[i] == 0x01 && module[i + 1] == 0x66 && module[i + 2] == 0x00) {
                return i + 1;
            }
        }
        throw new AssertionError("export \"f\" is gone");
    }
}
