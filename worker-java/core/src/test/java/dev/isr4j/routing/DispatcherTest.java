package dev.isr4j.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.Body;
import dev.isr4j.Json;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.api.Log;
import dev.isr4j.cache.InMemoryCacheHandler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DispatcherTest {
    private final List<String> logged = new ArrayList<>();
    private final Log log = new Log() {
        @Override
        public void warn(String message) {
            logged.add(message);
        }

        @Override
        public void error(String message, Throwable error) {
            logged.add(message + ": " + error.getMessage());
        }
    };

    private Dispatcher dispatcher(App app) {
        return new Dispatcher(app, new InMemoryCacheHandler(() -> 0L), log);
    }

    private static Response send(Dispatcher d, String method, String path) {
        return d.handle(Request.builder(method, "http://localhost" + path).build(), task -> task.run());
    }

    private App sample() {
        App app = App.create();
        app.route("/api/hello").get(req -> Response.json(Json.object().put("message", "hi")));
        app.route("/api/posts/{id}").get(req -> Response.json(Json.object().put("id", req.param("id"))))
                .post(req -> Response.text("created " + req.text()).withStatus(201));
        app.route("/api/boom").get(req -> {
            throw new IllegalStateException("kaput");
        });
        return app;
    }

    @Test
    void routesToTheHandlerWithPathParams() {
        var d = dispatcher(sample());
        assertEquals("{\"message\":\"hi\"}", send(d, "GET", "/api/hello").text());
        assertEquals("{\"id\":\"42\"}", send(d, "GET", "/api/posts/42").text());
        var created = d.handle(Request.builder("POST", "http://localhost/api/posts/1").body(Body.of("x")).build(),
                Runnable::run);
        assertEquals(201, created.status());
        assertEquals("created x", created.text());
    }

    @Test
    void unknownPathIs404() {
        assertEquals(404, send(dispatcher(sample()), "GET", "/nope").status());
    }

    @Test
    void unsupportedMethodIs405WithAllow() {
        var r = send(dispatcher(sample()), "DELETE", "/api/posts/1");
        assertEquals(405, r.status());
        assertEquals("GET, HEAD, POST, OPTIONS", r.header("allow"));
    }

    @Test
    void headRunsGetAndDropsTheBody() {
        var r = send(dispatcher(sample()), "HEAD", "/api/hello");
        assertEquals(200, r.status());
        assertEquals("application/json", r.header("content-type"));
        assertEquals(0, r.body().length());
    }

    @Test
    void optionsIs204WithAllow() {
        var r = send(dispatcher(sample()), "OPTIONS", "/api/hello");
        assertEquals(204, r.status());
        assertEquals("GET, HEAD, OPTIONS", r.header("allow"));
    }

    @Test
    void throwingHandlerIs500AndIsLoggedWithRouteAndMethodAndTheNextRequestWorks() {
        var d = dispatcher(sample());
        var r = send(d, "GET", "/api/boom");
        assertEquals(500, r.status());
        assertEquals("Internal Server Error", r.text());
        assertTrue(logged.stream().anyMatch(l -> l.contains("GET /api/boom") && l.contains("kaput")), logged::toString);
        assertEquals(200, send(d, "GET", "/api/hello").status());
    }

    @Test
    void invalidIsrModeIsAConfigurationErrorNamingTheVariable() {
        var d = dispatcher(sample());
        var req = Request.builder("GET", "http://localhost/api/hello").env(new dev.isr4j.Env() {
            @Override
            public String var(String name) {
                return name.equals("ISR_MODE") ? "prod" : null;
            }

            @Override
            public dev.isr4j.Kv kv(String binding) {
                return null;
            }
        }).build();
        var r = d.handle(req, Runnable::run);
        assertEquals(500, r.status());
        assertTrue(r.text().contains("ISR_MODE"), r.text());
    }

    @Test
    void routeWithoutHandlerOrRevalidatePastExpireFailsAtStartUp() {
        App noHandler = App.create();
        noHandler.route("/x");
        var e = assertThrows(IllegalArgumentException.class, () -> dispatcher(noHandler));
        assertTrue(e.getMessage().contains("no handler"));
        App tooLong = App.create().expire(10);
        tooLong.route("/x").revalidate(60).get(req -> Response.text("x"));
        e = assertThrows(IllegalArgumentException.class, () -> dispatcher(tooLong));
        assertTrue(e.getMessage().contains("expire"));
    }

    @Test
    void invalidTagIsRejectedWhenDeclared() {
        App app = App.create();
        var e = assertThrows(IllegalArgumentException.class, () -> app.route("/x").tags("bad:tag"));
        assertTrue(e.getMessage().contains("':'"));
        assertNull(null);
    }
}
