package dev.isr4j.wasm.host;

import dev.isr4j.Env;

/**
 * The isolate memory tier's switch: {@code ISR_MEMORY_TIER} {@code "on"} (the default) lets the shim replay an
 * answer from the cache under the ticket Java issued with it, without calling into Java or reading a store;
 * {@code "off"} makes every request reach Java (each HIT reads the store). Anything else is a configuration error.
 */
final class MemoryTier {
    static final String VAR = "ISR_MEMORY_TIER";

    private MemoryTier() {
    }

    static boolean enabled(Env env) {
        String mode = env.var(VAR);
        if (mode == null || mode.isEmpty() || mode.equals("on")) {
            return true;
        }
        if (mode.equals("off")) {
            return false;
        }
        throw new IllegalArgumentException(VAR + " must be \"on\" or \"off\", got \"" + mode
                + "\"; fix the vars entry in wrangler.jsonc");
    }
}
