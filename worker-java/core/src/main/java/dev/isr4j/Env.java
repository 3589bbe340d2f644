package dev.isr4j;

import dev.isr4j.api.Clock;
import dev.isr4j.api.Log;

/**
 * What the deployment gives a handler: variables and secrets ({@code vars} in wrangler.jsonc,
 * {@code wrangler secret put}), KV namespace and D1 database bindings, outbound fetch, the clock, a log and JSON. The same
 * handler code runs against the Workers runtime (compiled to Wasm) and the JVM test kit.
 */
public interface Env {
    Env NONE = new Env() {
        @Override
        public String var(String name) {
            return null;
        }

        @Override
        public Kv kv(String binding) {
            return null;
        }
    };

    /** A string variable or secret, or null when unset. */
    String var(String name);

    /** A KV namespace binding, or null when the deployment has none of that name. */
    Kv kv(String binding);

    /**
     * A D1 database binding ({@code d1_databases} in wrangler.jsonc).
     *
     * @throws D1Exception when the deployment binds no database of that name
     */
    default D1 d1(String binding) {
        throw new D1Exception(binding, "no D1 database is bound as \"" + binding + "\": add it to d1_databases in "
                + "wrangler.jsonc (the test kit: IsrTestKit.builder(app).d1(\"" + binding + "\", ...))");
    }

    /** Outbound HTTP. */
    default Fetcher fetcher() {
        return request -> {
            throw new IllegalStateException("no outbound fetch in this environment");
        };
    }

    /** Wall-clock time; controllable in the test kit. */
    default Clock clock() {
        return Clock.SYSTEM;
    }

    default Log log() {
        return Log.STDERR;
    }

    default JsonCodec json() {
        return PureJsonCodec.INSTANCE;
    }
}
