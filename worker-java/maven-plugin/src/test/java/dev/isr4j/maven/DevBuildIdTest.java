package dev.isr4j.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevBuildIdTest {
    @TempDir
    Path classes;

    @Test
    void theSameClassesGiveTheSameIdAndAnyChangeANewOne() throws Exception {
        Files.createDirectories(classes.resolve("a"));
        Files.write(classes.resolve("a/App.class"), new byte[] {1, 2, 3});
        String first = DevBuildId.of(classes);
        assertTrue(first.matches("dev-[0-9a-f]{12}"), first);
        assertEquals(first, DevBuildId.of(classes));
        Files.write(classes.resolve("a/App.class"), new byte[] {1, 2, 4});
        String changed = DevBuildId.of(classes);
        assertNotEquals(first, changed);
        Files.write(classes.resolve("a/Other.class"), new byte[0]);
        assertNotEquals(changed, DevBuildId.of(classes));
    }
}
