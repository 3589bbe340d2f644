package dev.isr4j;

/**
 * What the deployment gives a handler: plain variables and secrets ({@code vars} in wrangler.jsonc,
 * {@code wrangler secret put}) and KV namespace bindings.
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
}
