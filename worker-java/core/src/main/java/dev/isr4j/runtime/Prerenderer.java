package dev.isr4j.runtime;

import dev.isr4j.page.Prerendered;
import dev.isr4j.routing.Dispatcher;
import dev.isr4j.App;
import dev.isr4j.Dynamic;
import dev.isr4j.Json;
import dev.isr4j.Request;
import dev.isr4j.api.Clock;
import dev.isr4j.api.KvStore;
import dev.isr4j.api.Log;
import dev.isr4j.cache.InMemoryKvStore;
import dev.isr4j.cache.KvCacheHandler;
import java.util.Base64;
import java.util.Map;

/**
 * Build-time prerendering, as {@code next build}: runs the app on the JVM, renders every static path of every
 * page (and every parameterless FORCE_STATIC route) through the real dispatcher into an in-memory KV, and
 * returns the entries as one bundle ({@link Prerendered}) that the build ({@link dev.isr4j.runtime.IsrBuild})
 * writes as an ES module the worker ships. The deployed worker serves them as HITs with no seeding step.
 */
public final class Prerenderer {
    private Prerenderer() {
    }

    /** Renders the app's static paths; returns the bundle JSON. Fails when a static path does not render. */
    public static String render(App app, Clock clock, Log log) {
        var store = new InMemoryKvStore(clock);
        var handler = new KvCacheHandler(store, clock, log, app.kvOptions());
        var dispatcher = new Dispatcher(app, handler, log, Map.of(), clock);
        for (var route : dispatcher.routes()) {
            if (route.page() != null) {
                for (String path : route.page().staticPaths()) {
                    prerender(dispatcher, path);
                }
            } else if (route.dynamic() == Dynamic.FORCE_STATIC && !route.pattern().contains("{")) {
                prerender(dispatcher, route.pattern());
            }
        }
        var entries = Json.array();
        String prefix = handler.entryPrefix();
        String cursor = null;
        while (true) {
            KvStore.Page page = store.list(prefix, cursor);
            for (KvStore.Listed listed : page.keys()) {
                var stored = store.getWithMetadata(listed.name());
                entries.add(Json.array()
                        .add(listed.name().substring(prefix.length()))
                        .add(stored.metadata())
                        .add(Base64.getEncoder().encodeToString(stored.value().bytes())));
            }
            if (page.complete()) {
                break;
            }
            cursor = page.cursor();
        }
        return Json.object().put("version", Prerendered.VERSION).put("builtAt", clock.millis())
                .put("entries", entries).toJson();
    }

    private static void prerender(Dispatcher dispatcher, String path) {
        var response = dispatcher.handle(Request.builder("GET", "http://localhost" + path).build(), Runnable::run);
        if (response.status() >= 500) {
            throw new IllegalStateException("prerendering " + path + " failed with status " + response.status()
                    + ": " + response.text());
        }
    }
}
