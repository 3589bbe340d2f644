package dev.isr4j.revalidation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.routing.Dispatcher;
import dev.isr4j.App;
import dev.isr4j.Env;
import dev.isr4j.Handler;
import dev.isr4j.Headers;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.testing.IsrHarness;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Handler.withRevalidationSecret and Request.hasRevalidationSecret: the endpoint's check, for user routes. */
class RevalidationSecretTest {
    private static final Env WITH_SECRET = IsrHarness.env(Map.of("ISR_REVALIDATE_SECRET", "k3y"));
    private final AtomicInteger runs = new AtomicInteger();

    private final IsrHarness h = new IsrHarness(appWith());

    private App appWith() {
        App app = App.create();
        app.route("/guarded").post(Handler.withRevalidationSecret(req -> {
            runs.incrementAndGet();
            return Response.status(204);
        }));
        app.route("/check").revalidate(60).get(req -> Response.text(String.valueOf(req.hasRevalidationSecret())));
        return app;
    }

    private Response send(String method, String path, Env env, String authorization) {
        var b = Request.builder(method, IsrHarness.ORIGIN + path).env(env);
        if (authorization != null) {
            b.headers(Headers.of("authorization", authorization));
        }
        return h.send(b.build());
    }

    @Test
    void theGuardedHandlerRunsOnlyWithTheSecret() {
        assertEquals(204, send("POST", "/guarded", WITH_SECRET, "Bearer k3y").status());
        for (String auth : new String[] {null, "Bearer", "Bearer k3", "Bearer k3yy", "k3y", "Basic k3y"}) {
            var r = send("POST", "/guarded", WITH_SECRET, auth);
            assertEquals(401, r.status(), auth);
            assertEquals("Bearer", r.header("www-authenticate"));
            assertEquals(Dispatcher.NO_STORE, r.header("cache-control"));
        }
        assertEquals(1, runs.get());
    }

    @Test
    void withoutAConfiguredSecretItFailsClosedNamingTheSecret() {
        for (Env env : new Env[] {Env.NONE, IsrHarness.env(Map.of("ISR_REVALIDATE_SECRET", ""))}) {
            var r = send("POST", "/guarded", env, "Bearer ");
            assertEquals(403, r.status());
            assertTrue(r.text().contains("ISR_REVALIDATE_SECRET") && r.text().contains(".dev.vars"), r.text());
        }
        assertEquals(0, runs.get());
    }

    @Test
    void hasRevalidationSecretReadsAHeaderSoTheAnswerIsNeverCached() {
        var yes = send("GET", "/check", WITH_SECRET, "Bearer k3y");
        assertEquals("true", yes.text());
        assertEquals(null, yes.header("x-isr-cache"), "reading the header made the request dynamic");
        assertEquals("false", send("GET", "/check", WITH_SECRET, "Bearer nope").text());
        assertEquals("false", send("GET", "/check", Env.NONE, "Bearer ").text());
        h.background.drain();
        assertFalse(h.memory().size() > 0);
    }
}
