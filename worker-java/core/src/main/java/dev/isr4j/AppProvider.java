package dev.isr4j;

import java.util.ServiceLoader;

/**
 * How the runtime finds your application: implement this and name the class in
 * {@code src/main/resources/META-INF/services/dev.isr4j.AppProvider}. The Wasm build (TeaVM resolves the
 * service at compile time) and the JVM find it the same way.
 */
public interface AppProvider {
    App create();

    /** The single provider on the class path; throws with instructions when there is none or several. */
    static App load() {
        AppProvider found = null;
        for (AppProvider p : ServiceLoader.load(AppProvider.class)) {
            if (found != null) {
                throw new IllegalStateException("Several dev.isr4j.AppProvider implementations are registered ("
                        + found.getClass().getName() + ", " + p.getClass().getName() + "); keep exactly one");
            }
            found = p;
        }
        if (found == null) {
            throw new IllegalStateException("No dev.isr4j.AppProvider is registered: create "
                    + "src/main/resources/META-INF/services/dev.isr4j.AppProvider naming your provider class");
        }
        App app = found.create();
        if (app == null) {
            throw new IllegalStateException(found.getClass().getName() + ".create() returned null");
        }
        return app;
    }
}
