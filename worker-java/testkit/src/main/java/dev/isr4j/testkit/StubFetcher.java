package dev.isr4j.testkit;

import dev.isr4j.Fetcher;
import dev.isr4j.Request;
import dev.isr4j.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Outbound fetch for tests: answers from stubs by method and URL, and records every request. */
public final class StubFetcher implements Fetcher {
    private final Map<String, Function<Request, Response>> stubs = new LinkedHashMap<>();
    private final List<Request> requests = new ArrayList<>();

    /** Answers {@code GET url} with {@code response}. */
    public synchronized StubFetcher stub(String url, Response response) {
        return stub("GET", url, req -> response);
    }

    public synchronized StubFetcher stub(String method, String url, Function<Request, Response> answer) {
        stubs.put(method.toUpperCase() + " " + url, answer);
        return this;
    }

    @Override
    public Response fetch(Request request) {
        Function<Request, Response> answer;
        synchronized (this) {
            requests.add(request);
            answer = stubs.get(request.method() + " " + request.urlWithoutQuery());
            if (answer == null) {
                answer = stubs.get(request.method() + " " + request.url());
            }
        }
        if (answer == null) {
            throw new IllegalStateException("no stub for " + request.method() + " " + request.url()
                    + "; stubbed: " + stubs.keySet());
        }
        return answer.apply(request);
    }

    /** Every outbound request so far. */
    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }
}
