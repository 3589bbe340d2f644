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

    /**
     * GETs {@code url} and reads its JSON answer into a {@code type} (a {@link dev.isr4j.bind.Jsonable} record).
     * A status other than 2xx, or an answer that is not that JSON, throws {@link IllegalStateException} saying
     * which (an upstream's fault is the handler's 5xx, not the client's 400).
     */
    default <T> T getJson(String url, Class<T> type) {
        Response response = get(url);
        if (response.status() < 200 || response.status() > 299) {
            throw new IllegalStateException("GET " + url + " answered " + response.status());
        }
        try {
            return dev.isr4j.bind.JsonBinding.fromJson(response.text(), type);
        } catch (dev.isr4j.bind.JsonBindingException e) {
            throw new IllegalStateException("GET " + url + " answered JSON that is not a " + type.getSimpleName()
                    + ": " + e.getMessage(), e);
        }
    }
}
