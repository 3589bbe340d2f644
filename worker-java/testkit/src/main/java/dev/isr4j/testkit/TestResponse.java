package dev.isr4j.testkit;

import dev.isr4j.Headers;
import dev.isr4j.Response;
import java.util.Map;

/** A response as the test sees it, with shortcuts for ISR headers and JSON bodies. */
public final class TestResponse {
    private final Response response;

    TestResponse(Response response) {
        this.response = response;
    }

    public int status() {
        return response.status();
    }

    public String header(String name) {
        return response.header(name);
    }

    public Headers headers() {
        return response.headers();
    }

    /** The {@code x-isr-cache} header: MISS, HIT, STALE, or null when the response was not cached. */
    public String cacheState() {
        return response.header("x-isr-cache");
    }

    public String cacheControl() {
        return response.header("cache-control");
    }

    public String text() {
        return response.text();
    }

    public byte[] bytes() {
        return response.body().bytes();
    }

    /** The body parsed as a JSON object (Jackson-jr). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> json() {
        Object parsed = JacksonJsonCodec.INSTANCE.parse(text());
        if (!(parsed instanceof Map)) {
            throw new AssertionError("expected a JSON object, got: " + text());
        }
        return (Map<String, Object>) parsed;
    }

    public Response raw() {
        return response;
    }

    @Override
    public String toString() {
        return status() + " x-isr-cache=" + cacheState() + " " + text();
    }
}
