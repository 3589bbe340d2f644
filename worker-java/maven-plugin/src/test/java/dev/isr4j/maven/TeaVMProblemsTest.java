package dev.isr4j.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** TeaVM's errors for a JSON library that does not run in Wasm (avaje-jsonb 3.11, tried for issue 25), summarised. */
class TeaVMProblemsTest {
    private static final String CHAIN = """
                at dev.isr4j.example.spike.Spike.roundTrip(Spike.java:16)
                at dev.isr4j.example.ExampleApp.lambda$create$1(ExampleApp.java:49)
                at dev.isr4j.routing.Dispatcher.dispatch(Dispatcher.java:263)
                at org.teavm.runtime.Fiber.start(Fiber.java:326)
            """;

    private static final List<String> ERRORS = List.of(
            "Class java.util.concurrent.locks.ReentrantLock was not found\n"
                    + "    at io.avaje.jsonb.core.CoreAdapterBuilder.<init>(CoreAdapterBuilder.java:37)\n"
                    + "    at io.avaje.jsonb.core.DJsonb.<init>(DJsonb.java:59)\n" + CHAIN,
            "Class java.util.concurrent.locks.ReentrantLock was not found\n"
                    + "    at io.avaje.jsonb.core.CoreAdapterBuilder$LookupChain.pop(CoreAdapterBuilder.java:209)\n" + CHAIN,
            "Method java.lang.invoke.MethodHandles.lookup()Ljava/lang/invoke/MethodHandles$Lookup; was not found\n"
                    + "    at io.avaje.jsonb.core.ExtensionLoader.<clinit>(ExtensionLoader.java:22)\n" + CHAIN,
            "Something else went wrong\n    at a.B.c(B.java:1)");

    private static List<String> summary() {
        return TeaVMProblems.summarise(TeaVMProblems.parse(ERRORS),
                c -> c.startsWith("io.avaje.") ? "avaje-jsonb-3.11.jar" : null,
                c -> c.startsWith("dev.isr4j.example."));
    }

    @Test
    void eachMissingPieceIsOneEntryWithTheLibraryYourMethodAndWhatToDo() {
        List<String> lines = summary();
        String all = String.join("\n", lines);
        assertTrue(lines.get(0).contains("lacks 2 thing(s)") && lines.get(0).contains("1 other problem"), all);
        assertTrue(all.contains("  - java.util.concurrent.locks.ReentrantLock (2 uses), needed by "
                + "io.avaje.jsonb.core.CoreAdapterBuilder.<init> in avaje-jsonb-3.11.jar, reached from your "
                + "dev.isr4j.example.spike.Spike.roundTrip"), all);
        assertTrue(all.contains("  - java.lang.invoke.MethodHandles.lookup, needed by "
                + "io.avaje.jsonb.core.ExtensionLoader.<clinit> in avaje-jsonb-3.11.jar"), all);
        assertTrue(all.contains("reflection and class loading do not exist in Wasm"), all);
        assertTrue(all.contains("green threads"), all);
        assertTrue(all.contains("  - Something else went wrong"), all);
        assertTrue(lines.get(lines.size() - 1).contains("-Disr4j.fullErrors=true"), all);
        assertEquals(7, lines.size(), all); // a handful of lines, not TeaVM's hundred
    }

    @Test
    void aMissingMethodIsNamedWithoutItsDescriptor() {
        assertEquals("java.util.Date.toInstant", TeaVMProblems.missing(
                "Method java.util.Date.toInstant()Ljava/time/Instant; was not found"));
        assertEquals("java.util.concurrent.locks.ReentrantLock",
                TeaVMProblems.missing("Class java.util.concurrent.locks.ReentrantLock was not found"));
        assertEquals(null, TeaVMProblems.missing("Something else went wrong"));
    }
}
