package dev.isr4j.runtime;

import dev.isr4j.build.IsrBuild;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isr4j.App;
import java.lang.module.ModuleDescriptor;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What isr4j-core shows as a module: the API and its spi, the extension points, the doors, the cache handlers and the
 * JVM's D1 for tests and builds.
 */
class ModuleBoundaryTest {
    @Test
    void onlyTheApiItsJsonBindingTheDoorsAndTheCacheHandlersAreExportedToEveryone() {
        Module module = App.class.getModule();
        assumeTrue(module.isNamed(), "the tests run on the class path; the module descriptor is not in force");
        var unqualified = new TreeSet<String>();
        var qualified = new TreeMap<String, Set<String>>();
        for (ModuleDescriptor.Exports e : module.getDescriptor().exports()) {
            if (e.isQualified()) {
                qualified.put(e.source(), new TreeSet<>(e.targets()));
            } else {
                unqualified.add(e.source());
            }
        }
        // dev.isr4j.build: the JVM's D1 (SQLite over JDBC) and its migrations, for the test kit and builds
        assertEquals(Set.of("dev.isr4j", "dev.isr4j.spi", "dev.isr4j.api", "dev.isr4j.bind", "dev.isr4j.cache",
                "dev.isr4j.runtime", "dev.isr4j.build"),
                unqualified);
        assertEquals(Map.of("dev.isr4j.coord", Set.of("dev.isr4j.testkit", "dev.isr4j.wasm"),
                "dev.isr4j.json", Set.of("dev.isr4j.wasm"),
                "dev.isr4j.text", Set.of("dev.isr4j.wasm")), qualified);
    }

    @Test
    void theBuildDoorTheDescriptorNamesIsExported() {
        Module module = IsrBuild.class.getModule();
        assumeTrue(module.isNamed(), "the tests run on the class path; the module descriptor is not in force");
        assertEquals(true, module.isExported(IsrBuild.class.getPackageName()));
    }
}
