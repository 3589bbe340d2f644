package dev.isr4j;

/**
 * A D1 statement failed (bad SQL, a constraint, a type D1 cannot bind) or the database is not bound. The message is
 * the database's own, after the binding's name. Uncaught in a handler, it is a 500 whose log line says the route and
 * this message; nothing of the answer is cached.
 */
public class D1Exception extends RuntimeException {
    private final String binding;

    public D1Exception(String binding, String message) {
        this(binding, message, null);
    }

    public D1Exception(String binding, String message, Throwable cause) {
        super("D1 " + binding + ": " + message, cause);
        this.binding = binding;
    }

    /** The binding's name in wrangler.jsonc ({@code d1_databases[].binding}). */
    public String binding() {
        return binding;
    }
}
