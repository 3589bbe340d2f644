package dev.isr4j.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The shipped runtime is TeaVM's with only its helper loop made lazy (whether it still runs: the e2e suite). */
class TeaVMRuntimeTextTest {
    private static String teavmRuntime() throws IOException {
        try (InputStream in = TeaVMRuntimeTextTest.class.getClassLoader()
                .getResourceAsStream(WasmCompiler.RUNTIME_RESOURCE)) {
            assertNotNull(in, "TeaVM's runtime is on the plugin's class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theRuntimeOfThePinnedTeaVMHasItsHelpersMadeOnFirstUse() throws IOException {
        String runtime = teavmRuntime();
        String lazy = TeaVMRuntimeText.withLazyHelpers(runtime);
        assertNotNull(lazy, "TeaVM 0.15.0's runtime holds the loop this plugin rewrites");
        assertTrue(lazy.contains(TeaVMRuntimeText.MARKER));
        assertTrue(lazy.contains("Object.defineProperty(t.teavmJso,n+e,"));
        for (String kind : TeaVMRuntimeText.KINDS) {
            assertTrue(lazy.contains("K[\"" + kind + "\"]=(e,C)=>{"), kind + " is made on its own");
        }
        // Everything outside the loop is TeaVM's text, unchanged.
        int start = runtime.indexOf(TeaVMRuntimeText.LOOP_START);
        assertEquals(runtime.substring(0, start), lazy.substring(0, start));
        int end = runtime.indexOf(TeaVMRuntimeText.LOOP_END, start) + TeaVMRuntimeText.LOOP_END.length();
        assertTrue(lazy.endsWith(runtime.substring(end)));
    }

    @Test
    void aRuntimeWithoutTheKnownLoopIsLeftAlone() {
        assertNull(TeaVMRuntimeText.withLazyHelpers("export function defaults() {}"));
        String twice = TeaVMRuntimeText.LOOP_START + "x;" + TeaVMRuntimeText.LOOP_END
                + TeaVMRuntimeText.LOOP_START + "y;" + TeaVMRuntimeText.LOOP_END;
        assertNull(TeaVMRuntimeText.withLazyHelpers(twice), "two such loops: not the runtime it knows");
    }

    @Test
    void aLoopBodyOfOtherAssignmentsIsMadePerArity() {
        String body = "const F=1;t.teavmJso[\"callFunction\"+e]=f;t.teavmJso[\"somethingNew\"+e]=g;";
        String lazy = TeaVMRuntimeText.withLazyHelpers(TeaVMRuntimeText.LOOP_START + body + TeaVMRuntimeText.LOOP_END);
        assertNotNull(lazy);
        assertTrue(lazy.contains("((e,C)=>{" + body + "})(e,P)"), lazy);
        assertTrue(!lazy.contains("K[\""), lazy);
    }
}
