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
import dev.isr4j.Env;
import dev.isr4j.route.PageSpec;
import dev.isr4j.text.CanonicalPath;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Build-time prerendering, as {@code next build}: runs the app on the JVM, renders every static path of every
 * page (and every parameterless FORCE_STATIC route) through the real dispatcher into an in-memory KV, and
 * returns the entries as one bundle ({@link Prerendered}) that the build ({@link dev.isr4j.build.IsrBuild})
 * writes as an ES module the worker ships. The deployed worker serves them as HITs with no seeding step.
 */
public final class Prerenderer {
    private Prerenderer() {
    }

    /**
     * Renders the app's static paths with {@code env} as every handler's env (vars and bindings the build provides);
     * returns the bundle JSON. Fails when a static path does not render, with the handler's error.
     */
    public static String render(App app, Env env, Clock clock, Log log) {
        var errors = new LastError(log);
        var store = new InMemoryKvStore(clock);
        var handler = new KvCacheHandler(store, clock, errors, app.kvOptions());
        var dispatcher = new Dispatcher(app, handler, errors, Map.of(), clock);
        for (var route : dispatcher.routes()) {
            if (route.page() != null) {
                var page = route.page();
                var paths = new LinkedHashSet<>(page.staticPaths());
                if (page.staticPathsLoader() != null) {
                    paths.addAll(listed(page, env));
                }
                if (page.staticPathsOnFirstRequest()) {
                    if (!paths.isEmpty()) {
                        log.warn("page " + route.pattern() + ": " + paths.size() + " static path(s) left to their "
                                + "first request (renderStaticPathsOnFirstRequest): " + String.join(", ", paths));
                    }
                    continue;
                }
                for (String path : paths) {
                    prerender(dispatcher, env, errors, path);
                }
            } else if (route.dynamic() == Dynamic.FORCE_STATIC && !route.pattern().contains("{")) {
                prerender(dispatcher, env, errors, route.pattern());
            }
        }
        var entries = Json.array();
        String prefix = handler.entryPrefix();
        String cursor = null;
        while (true) {
            KvStore.Page page = store.list(prefix, cursor);
            for (KvStore.Listed listed : page.keys()) {
                if (listed.name().startsWith(prefix + "data:")) {
                    continue; // a cached function's value: the worker computes its own (only pages are served)
                }
                var stored = store.getWithMetadata(listed.name());
                byte[] body = stored.value().bytes();
                String text = new String(body, StandardCharsets.UTF_8);
                var entry = Json.array().add(listed.name().substring(prefix.length())).add(stored.metadata());
                if (Arrays.equals(text.getBytes(StandardCharsets.UTF_8), body)) {
                    entry.add(text).add(Prerendered.TEXT); // as text, a non-ASCII character is not written byte by byte
                } else {
                    entry.add(Prerendered.bytesAsText(body)).add(Prerendered.BYTES);
                }
                entries.add(entry);
            }
            if (page.complete()) {
                break;
            }
            cursor = page.cursor();
        }
        return Json.object().put("version", Prerendered.VERSION).put("builtAt", clock.millis())
                .put("entries", entries).toJson();
    }

    private static List<String> listed(PageSpec page, Env env) {
        List<String> paths;
        try {
            paths = page.staticPathsLoader().paths(env);
        } catch (Exception e) {
            throw new IllegalStateException("listing the static paths of page " + page.route().pattern()
                    + " failed: " + e.getMessage(), e);
        }
        var out = new ArrayList<String>();
        for (String p : paths == null ? List.<String>of() : paths) {
            if (p == null || !p.startsWith("/") || !page.matches(CanonicalPath.of(p))) {
                throw new IllegalStateException("page " + page.route().pattern() + " listed the static path " + p
                        + ", which does not match its pattern");
            }
            out.add(CanonicalPath.of(p));
        }
        return out;
    }

    private static void prerender(Dispatcher dispatcher, Env env, LastError errors, String path) {
        errors.last = null;
        var response = dispatcher.handle(Request.builder("GET", "http://localhost" + path).env(env).build(),
                Runnable::run);
        if (response.status() >= 500) {
            Throwable cause = errors.last;
            throw new IllegalStateException("prerendering " + path + " failed with status " + response.status()
                    + (cause == null ? ": " + response.text() : ": " + cause), cause);
        }
    }

    /** The log, remembering the last error so a failed static path reports its cause, not only its status. */
    private static final class LastError implements Log {
        private final Log log;
        Throwable last;

        LastError(Log log) {
            this.log = log;
        }

        @Override
        public void warn(String message) {
            log.warn(message);
        }

        @Override
        public void error(String message, Throwable error) {
            last = error;
            log.error(message, error);
        }
    }
}
