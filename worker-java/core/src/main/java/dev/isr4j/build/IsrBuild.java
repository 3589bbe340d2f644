package dev.isr4j.build;

import dev.isr4j.App;
import dev.isr4j.AppProvider;
import dev.isr4j.Env;
import dev.isr4j.Json;
import dev.isr4j.runtime.IsrRuntime;
import dev.isr4j.runtime.Prerenderer;
import dev.isr4j.api.Clock;
import dev.isr4j.api.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The door at build time, as {@link IsrRuntime} is at run time: prerenders an app's static paths (every static
 * path of every page, every parameterless FORCE_STATIC route) on the JVM, through the same dispatcher and KV
 * cache handler the worker runs, into the bundle the worker ships and serves as HITs from its first request.
 *
 * <p>{@code isr4j:build} (the Maven plugin) runs {@link #main} with the app module's runtime class path; without
 * Maven: {@code java -cp <that class path> dev.isr4j.runtime.IsrBuild worker-shim/build/prerendered.mjs}.
 * The JVM test kit starts from {@link #prerender}, as the deployed worker starts from the build's bundle.
 */
public final class IsrBuild {
    private IsrBuild() {
    }

    /**
     * Prerenders the app {@link AppProvider#load()} finds into {@code args[0]}, an ES module
     * ({@code export default "<bundle JSON>"; export const buildId = "<id>";}). {@code args[1]}, when given and not
     * empty, is a development build's id: the app's cache keys are scoped to it unless the app sets its own, here
     * and (through the module's {@code buildId}) in the worker. {@code args[2]}, when given, is the site's wrangler
     * config: prerendering then sees its vars and its KV and D1 data ({@link BuildEnv}). Fails when a static path
     * does not render.
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 3) {
            System.err.println("usage: IsrBuild <output.mjs> [development build id] [wrangler.jsonc]");
            System.exit(2);
        }
        App app = AppProvider.load();
        String buildId = args.length >= 2 ? args[1] : "";
        if (!buildId.isEmpty() && app.buildId().isEmpty()) {
            app.buildId(buildId);
        }
        String bundle;
        if (args.length == 3 && !args[2].isEmpty()) {
            try (BuildEnv env = BuildEnv.of(Path.of(args[2]), Clock.SYSTEM, Log.STDERR)) {
                bundle = prerender(app, env, Clock.SYSTEM, Log.STDERR);
            }
        } else {
            bundle = prerender(app, Env.NONE, Clock.SYSTEM, Log.STDERR);
        }
        Path out = Path.of(args[0]);
        Files.createDirectories(out.toAbsolutePath().getParent());
        var module = new StringBuilder("// Generated at build time by isr4j's Prerenderer: pages rendered ahead "
                + "of the first request.\nexport default ");
        Json.writeString(module, bundle);
        module.append(";\n// A development build's id (empty otherwise): the worker scopes cache keys to it.\nexport const buildId = ");
        Json.writeString(module, buildId);
        module.append(";\n");
        Files.writeString(out, module.toString(), StandardCharsets.UTF_8);
    }

    /**
     * The bundle of the app's prerendered entries, which {@link IsrRuntime#start} takes as {@code prerenderedBundle},
     * rendered with {@code env} (the site's build-time data: {@link BuildEnv}, or the test kit's bindings).
     *
     * @throws IllegalStateException when a static path does not render (a 5xx), naming it
     */
    public static String prerender(App app, Env env, Clock clock, Log log) {
        return Prerenderer.render(app, env, clock, log);
    }
}
