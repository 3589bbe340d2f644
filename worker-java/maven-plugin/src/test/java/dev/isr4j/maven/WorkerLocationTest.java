package dev.isr4j.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerLocationTest {
    @TempDir
    Path project;

    @Test
    void workerGoesBesideTheNearestWranglerConfigAboveTheModule() throws Exception {
        Files.writeString(project.resolve("wrangler.jsonc"), "{}");
        Path module = Files.createDirectories(project.resolve("worker-java/app"));
        assertEquals(project.resolve("worker-shim"), WorkerLocation.shimDirectory(module, null));
    }

    @Test
    void aWranglerConfigInTheModuleItselfWins() throws Exception {
        Files.writeString(project.resolve("wrangler.jsonc"), "{}");
        Path module = Files.createDirectories(project.resolve("site"));
        Files.writeString(module.resolve("wrangler.toml"), "");
        assertEquals(module.resolve("worker-shim"), WorkerLocation.shimDirectory(module, null));
    }

    @Test
    void configuredOutputDirectoryIsResolvedAgainstTheModule() throws Exception {
        Path module = Files.createDirectories(project.resolve("app"));
        assertEquals(project.resolve("out"), WorkerLocation.shimDirectory(module, Path.of("../out")));
    }

    @Test
    void withoutWranglerConfigTheErrorSaysWhatToCreateOrConfigure() throws Exception {
        Path module = Files.createDirectories(project.resolve("app"));
        var e = assertThrows(MojoFailureException.class, () -> WorkerLocation.shimDirectory(module, null));
        assertTrue(e.getMessage().contains("found no wrangler.jsonc in " + module), e.getMessage());
        assertTrue(e.getMessage().contains("\"main\": \"worker-shim/isr4j-worker.mjs\""), e.getMessage());
        assertTrue(e.getMessage().contains("<outputDirectory>"), e.getMessage());
    }

    @Test
    void anOutputDirectoryThatIsAFileIsRejected() throws Exception {
        Path file = Files.writeString(project.resolve("worker.mjs"), "");
        var e = assertThrows(MojoFailureException.class, () -> WorkerLocation.shimDirectory(project, file));
        assertTrue(e.getMessage().contains("<outputDirectory> " + file + " is a file"), e.getMessage());
    }
}
