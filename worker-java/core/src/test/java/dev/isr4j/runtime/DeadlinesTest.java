package dev.isr4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.Env;
import dev.isr4j.testing.IsrHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadlinesTest {
    private static Env vars(Map<String, String> vars) {
        return IsrHarness.env(vars);
    }

    @Test
    void defaultsEndBeforeWaitUntilsThirtySeconds() {
        assertEquals(1_500, Deadlines.kvReadMillis(Env.NONE));
        assertEquals(25_000, Deadlines.backgroundMillis(Env.NONE));
        assertEquals(10_000, Deadlines.d1Millis(Env.NONE));
        assertTrue(Deadlines.backgroundMillis(Env.NONE) < Deadlines.WAIT_UNTIL_MILLIS);
    }

    @Test
    void varsSetThem() {
        var env = vars(Map.of(Deadlines.KV_READ_VAR, "200", Deadlines.BACKGROUND_VAR, " 300 ", Deadlines.D1_VAR, "400"));
        assertEquals(200, Deadlines.kvReadMillis(env));
        assertEquals(300, Deadlines.backgroundMillis(env));
        assertEquals(400, Deadlines.d1Millis(env));
    }

    @Test
    void aValueThatIsNoUsableDeadlineIsAConfigurationErrorNamingTheVariable() {
        for (String bad : new String[] {"0", "-5", "soon", "30000", "1.5"}) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> Deadlines.backgroundMillis(vars(Map.of(Deadlines.BACKGROUND_VAR, bad))));
            assertTrue(e.getMessage().startsWith("ISR_BACKGROUND_TIMEOUT_MS must be"), e.getMessage());
            var d1 = assertThrows(IllegalArgumentException.class,
                    () -> Deadlines.d1Millis(vars(Map.of(Deadlines.D1_VAR, bad))));
            assertTrue(d1.getMessage().startsWith("ISR_D1_TIMEOUT_MS must be"), d1.getMessage());
        }
    }
}
