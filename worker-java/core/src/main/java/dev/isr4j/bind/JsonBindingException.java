package dev.isr4j.bind;

/**
 * JSON that does not fit the type it is read as (or a value that cannot be written): the message says where,
 * as a path from the document's root ({@code $.items[2].price}), what was expected and what was found.
 */
public final class JsonBindingException extends IllegalArgumentException {
    private final String path;

    public JsonBindingException(String path, String message) {
        super(path == null ? message : path + ": " + message);
        this.path = path;
    }

    /** Where in the document the problem is ({@code $} for the root), or null when it is not about a place. */
    public String path() {
        return path;
    }
}
