package dev.isr4j;

/**
 * Thrown from a handler, answers the request with 400 and this message (as text, never stored in a cache).
 * {@link Body#json(Class)} throws it for a body that is not the JSON asked for.
 */
public class BadRequestException extends RuntimeException {
    public BadRequestException(String message) {
        super(message);
    }

    /** The answer: 400 with the message as text, {@code private, no-store} so no cache keeps it. */
    public Response response() {
        return Response.of(400, Headers.of("content-type", "text/plain; charset=utf-8",
                "cache-control", "private, no-store"), Body.of("Bad Request: " + getMessage()));
    }
}
