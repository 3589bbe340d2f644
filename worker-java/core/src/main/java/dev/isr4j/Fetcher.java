package dev.isr4j;

/**
 * Outbound HTTP. In workerd it is the runtime's {@code fetch}; on the JVM test kit a stub or
 * {@code java.net.http.HttpClient}. Blocking style: the call awaits the response.
 *
 * <pre>{@code
 * Response upstream = req.env().fetcher().fetch(Request.builder("GET", "https://api.example.com/posts/1").build());
 * }</pre>
 */
@FunctionalInterface
public interface Fetcher {
    /** Sends the request; a network failure throws, an HTTP error status is a normal response. */
    Response fetch(Request request);

    default Response get(String url) {
        return fetch(Request.builder("GET", url).build());
    }
}
