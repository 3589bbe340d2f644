package dev.isr4j.runtime;

import dev.isr4j.Env;

/**
 * How long the runtime waits on a slow dependency. A KV read on the request path that outlasts its deadline
 * counts as failed (a cache read then is a logged miss and the handler answers); a D1 statement that outlasts its
 * deadline fails with a {@link dev.isr4j.D1Exception}; background work that outlasts its deadline is logged and let
 * go before {@code ctx.waitUntil}'s 30 s limit cuts it off unannounced.
 */
public final class Deadlines {
    /** Variable (milliseconds) for the KV read deadline. */
    public static final String KV_READ_VAR = "ISR_KV_READ_TIMEOUT_MS";
    /** Variable (milliseconds) for the background work deadline. */
    public static final String BACKGROUND_VAR = "ISR_BACKGROUND_TIMEOUT_MS";
    public static final long DEFAULT_KV_READ_MILLIS = 1_500;
    public static final long DEFAULT_BACKGROUND_MILLIS = 25_000;
    /** Variable (milliseconds) for the deadline of a D1 statement or batch. */
    public static final String D1_VAR = "ISR_D1_TIMEOUT_MS";
    public static final long DEFAULT_D1_MILLIS = 10_000;
    /** waitUntil's own limit; a background deadline must end before it to be of use. */
    public static final long WAIT_UNTIL_MILLIS = 30_000;

    private Deadlines() {
    }

    /** Variable (milliseconds) for how long a request waits for another request's render of its key; 0: never. */
    public static final String COLLAPSE_WAIT_VAR = "ISR_COLLAPSE_WAIT_MS";
    public static final long DEFAULT_COLLAPSE_WAIT_MILLIS = dev.isr4j.isr.RouteCache.DEFAULT_COLLAPSE_WAIT_MILLIS;

    /** How long a request waits for a render of its key that another request is making (0 turns collapsing off). */
    public static long collapseWaitMillis(Env env) {
        String text = env.var(COLLAPSE_WAIT_VAR);
        return text != null && text.trim().equals("0") ? 0
                : millis(env, COLLAPSE_WAIT_VAR, DEFAULT_COLLAPSE_WAIT_MILLIS, WAIT_UNTIL_MILLIS);
    }

    public static long kvReadMillis(Env env) {
        return millis(env, KV_READ_VAR, DEFAULT_KV_READ_MILLIS, WAIT_UNTIL_MILLIS);
    }

    /** How long a D1 statement (or batch) may take before it fails, so a stuck database never holds a request. */
    public static long d1Millis(Env env) {
        return millis(env, D1_VAR, DEFAULT_D1_MILLIS, WAIT_UNTIL_MILLIS);
    }

    public static long backgroundMillis(Env env) {
        return millis(env, BACKGROUND_VAR, DEFAULT_BACKGROUND_MILLIS, WAIT_UNTIL_MILLIS);
    }

    private static long millis(Env env, String name, long fallback, long max) {
        String text = env.var(name);
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            value = -1;
        }
        if (value < 1 || value >= max) {
            throw new IllegalArgumentException(name + " must be a whole number of milliseconds from 1 to "
                    + (max - 1) + (name.equals(COLLAPSE_WAIT_VAR) ? " (or 0 for never)" : "") + ", got \"" + text
                    + "\"; fix the vars entry in wrangler.jsonc");
        }
        return value;
    }
}
