package dev.isr4j.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.Body;
import dev.isr4j.Env;
import dev.isr4j.Fetcher;
import dev.isr4j.Headers;
import dev.isr4j.Kv;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.json.JsonReader;
import dev.isr4j.testing.RecordingLog;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CloudflareZonePurgerTest {
    private static final String ZONE = "0123456789abcdef0123456789abcdef";

    private final List<Request> sent = new ArrayList<>();
    private final List<String> bodies = new ArrayList<>();
    private final Deque<Response> answers = new ArrayDeque<>();
    private final List<Long> sleeps = new ArrayList<>();
    private final RecordingLog log = new RecordingLog();

    private final Fetcher fetcher = request -> {
        sent.add(request);
        bodies.add(request.text());
        Response next = answers.poll();
        return next != null ? next : Response.json("{\"success\":true}");
    };

    private CloudflareZonePurger purger() {
        return new CloudflareZonePurger(fetcher, "https://api.example.test/client/v4", ZONE, "tok", log, sleeps::add);
    }

    @SuppressWarnings("unchecked")
    private List<Object> tagsSent(int call) {
        return (List<Object>) ((Map<String, Object>) JsonReader.parse(bodies.get(call))).get("tags");
    }

    @Test
    void postsTheTagsToTheZonesPurgeEndpointWithTheBearerToken() {
        purger().purge(List.of("posts", "path:/api/posts/1"));
        assertEquals(1, sent.size());
        Request r = sent.get(0);
        assertEquals("POST", r.method());
        assertEquals("https://api.example.test/client/v4/zones/" + ZONE + "/purge_cache", r.url());
        assertEquals("Bearer tok", r.header("authorization"));
        assertEquals("application/json", r.header("content-type"));
        assertEquals(List.of("posts", "path:/api/posts/1"), tagsSent(0));
        assertTrue(log.lines().isEmpty(), log.lines()::toString);
    }

    @Test
    void sendsAtMostThirtyTagsPerCall() {
        var tags = IntStream.range(0, 65).mapToObj(i -> "t" + i).toList();
        purger().purge(tags);
        assertEquals(3, sent.size());
        assertEquals(30, tagsSent(0).size());
        assertEquals(30, tagsSent(1).size());
        assertEquals(5, tagsSent(2).size());
        assertEquals("t64", tagsSent(2).get(4));
    }

    @Test
    void retriesA429AfterWhatRetryAfterSaysThenSucceeds() {
        answers.add(Response.text("slow down").withStatus(429).withHeader("retry-after", "2"));
        answers.add(Response.text("oops").withStatus(503));
        purger().purge(List.of("posts"));
        assertEquals(3, sent.size());
        assertEquals(2000L, sleeps.get(0));
        assertEquals(2, sleeps.size());
        assertTrue(log.lines().isEmpty(), log.lines()::toString);
    }

    @Test
    void givesUpWithinItsBudgetAndLogsWhatItCouldNotPurge() {
        for (int i = 0; i < 10; i++) {
            answers.add(Response.text("limited").withStatus(429));
        }
        purger().purge(List.of("posts"));
        assertTrue(sent.size() <= 5, "attempts: " + sent.size());
        assertTrue(sleeps.stream().mapToLong(Long::longValue).sum() <= 15_000, sleeps::toString);
        assertEquals(1, log.errors().size());
        assertTrue(log.errors().get(0).text().contains("[posts]"), log.errors().get(0).text());
        assertTrue(log.errors().get(0).text().contains("429"), log.errors().get(0).text());
    }

    @Test
    void aRefusedRequestIsNotRetriedAndANetworkErrorIsAndNothingThrows() {
        answers.add(Response.json("{\"success\":false,\"errors\":[{\"code\":10000}]}").withStatus(403));
        purger().purge(List.of("a"));
        assertEquals(1, sent.size());
        assertTrue(log.errors().get(0).text().contains("403"));

        Fetcher failing = request -> {
            sent.add(request);
            throw new IllegalStateException("network down");
        };
        new CloudflareZonePurger(failing, "http://x", ZONE, "tok", log, sleeps::add).purge(List.of("b"));
        assertEquals(1 + 5, sent.size());
        assertTrue(log.errors().get(1).text().contains("network down"));
    }

    @Test
    void theEnvironmentConfiguresItAndAHalfConfigurationSaysWhatToSet() {
        assertNull(CloudflareZonePurger.fromEnv(env(Map.of())));
        var onlyZone = assertThrows(IllegalArgumentException.class,
                () -> CloudflareZonePurger.fromEnv(env(Map.of("CACHE_PURGE_ZONE_ID", ZONE))));
        assertTrue(onlyZone.getMessage().contains("CACHE_PURGE_API_TOKEN"), onlyZone.getMessage());
        var badZone = assertThrows(IllegalArgumentException.class, () -> CloudflareZonePurger.fromEnv(
                env(Map.of("CACHE_PURGE_ZONE_ID", "example.com", "CACHE_PURGE_API_TOKEN", "t"))));
        assertTrue(badZone.getMessage().contains("32-character"), badZone.getMessage());
        assertTrue(CloudflareZonePurger.fromEnv(env(Map.of("CACHE_PURGE_ZONE_ID", ZONE,
                "CACHE_PURGE_API_TOKEN", "t"))) != null);
    }

    private Env env(Map<String, String> vars) {
        return new Env() {
            @Override
            public String var(String name) {
                return vars.get(name);
            }

            @Override
            public Kv kv(String binding) {
                return null;
            }

            @Override
            public Fetcher fetcher() {
                return fetcher;
            }
        };
    }

    @SuppressWarnings("unused")
    private static Response ok() {
        return Response.of(200, Headers.of("content-type", "application/json"), Body.of("{\"success\":true}"));
    }
}
