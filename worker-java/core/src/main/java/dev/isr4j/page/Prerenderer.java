package dev.isr4j.page;

import dev.isr4j.routing.ApiAccess;
import dev.isr4j.routing.Dispatcher;
import dev.isr4j.App;
import dev.isr4j.AppProvider;
import dev.isr4j.Dynamic;
import dev.isr4j.Json;
import dev.isr4j.Request;
import dev.isr4j.api.Clock;
import dev.isr4j.api.KvStore;
import dev.isr4j.api.Log;
import dev.isr4j.cache.InMemoryKvStore;
import dev.isr4j.cache.KvCacheHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/**
 * Build-time prerendering, as {@code next build}: runs the app on the JVM, renders every static path of every
 * page (and every parameterless FORCE_STATIC route) through the real dispatcher into an in-memory KV, and
 * writes the entries as an ES module the worker bundles ({@code export default "<bundle JSON>"}). The
 * deployed worker serves them as HITs with no seeding step.
 *
 * <p>Usage: {@code java dev.isr4j.page.Prerenderer <output.mjs>} with the app on the class path.
 */
public final class Prerenderer {
    private Prerenderer() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Prerenderer <output.mjs>");
            System.exit(2);
        }
        String bundle = render(AppProvider.load(), Clock.SYSTEM, Log.STDERR);
        Path out = Path.of(args[0]);
        Files.createDirectories(out.toAbsolutePath().getParent());
        var module = new StringBuilder("// Generated at build time by isr4j's Prerenderer: pages rendered ahead "
                + "of the first request.\nexport default ");
        Json.writeString(module, bundle);
        module.append(";\n");
        Files.writeString(out, module.toString(), StandardCharsets.UTF_8);
    }

    /** Renders the app's static paths; returns the bundle JSON. Fails when a static path does not render. */
    public static String render(App app, Clock clock, Log log) {
        var store = new InMemoryKvStore(clock);
        var options = app.kvOptions();
        var dispatcher = new Dispatcher(app, new KvCacheHandler(store, clock, log, options), log, Map.of(),
                clock);
        for (var route : ApiAccess.routes(app)) {
            if (route.page() != null) {
                for (String path : route.page().staticPaths()) {
                    prerender(dispatcher, path);
                }
            } else if (route.dynamic() == Dynamic.FORCE_STATIC && !route.pattern().contains("{")) {
                prerender(dispatcher, route.pattern());
            }
        }
        var entries = Json.array();
        String prefix = options.appPrefix() + "cache:";
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
