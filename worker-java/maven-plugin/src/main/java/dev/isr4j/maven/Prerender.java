package dev.isr4j.maven;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.Log;

/**
 * Runs isr4j-core's prerenderer over the app in this JVM, in a class loader of the module's runtime class path
 * alone (nothing from Maven or the plugin leaks in), as {@code next build} renders static paths.
 */
final class Prerender {
    private final Log log;

    Prerender(Log log) {
        this.log = log;
    }

    /**
     * {@code buildId}: a development build's id ("" for none), which the prerendered entries are keyed under.
     * {@code wranglerConfig}: the site's config, whose vars and local KV and D1 data prerendering sees (null: none).
     */
    void run(ClassLoader app, String prerendererClass, Path output, String buildId, Path wranglerConfig)
            throws MojoFailureException,
            MojoExecutionException {
        Method main;
        try {
            main = Class.forName(prerendererClass, true, app).getMethod("main", String[].class);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new MojoExecutionException("isr4j: cannot load the prerenderer " + prerendererClass
                    + " from isr4j-core: " + e, e);
        }
        log.info("isr4j: prerendering static paths");
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(app); // the app is found with ServiceLoader, which asks this loader
        try {
            main.invoke(null, (Object) new String[] {output.toString(), buildId,
                    wranglerConfig == null ? "" : wranglerConfig.toString()});
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new MojoFailureException("isr4j: prerendering failed: " + cause.getMessage(), cause);
        } catch (IllegalAccessException e) {
            throw new MojoExecutionException("isr4j: cannot call " + prerendererClass + ".main: " + e, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
