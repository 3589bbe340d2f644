package dev.isr4j.maven;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.TemplateException;
import gg.jte.resolve.DirectoryCodeResolver;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Turns the jte templates under {@code src/main/jte} into Java before the compiler runs: one class per
 * template (jte's own code generator, HTML-escaping every {@code ${...}} by default) and one facade,
 * {@code templates.Templates}, with a static method per template that takes the template's parameters and
 * returns its HTML. Handlers call the facade: no template engine, no class loading, no generated class names
 * in user code, so it compiles to WebAssembly. A template jte cannot parse fails the build with its file and line.
 */
@Mojo(name = "templates", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class TemplatesMojo extends AbstractMojo {
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    /** Where the templates are. Without this folder the goal does nothing. */
    @Parameter(property = "isr4j.templates", defaultValue = "${project.basedir}/src/main/jte")
    private File sourceDirectory;

    @Parameter(defaultValue = "${project.build.directory}/generated-sources/jte", readonly = true)
    private File targetDirectory;

    /** The package of the generated template classes and of the {@code Templates} facade. */
    @Parameter(property = "isr4j.templatePackage", defaultValue = "templates")
    private String packageName;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (!sourceDirectory.isDirectory()) {
            getLog().debug("isr4j: no templates in " + sourceDirectory);
            return;
        }
        try {
            List<String> generated = generate(sourceDirectory.toPath(), targetDirectory.toPath(), packageName);
            getLog().info("isr4j: " + generated.size() + " jte template(s) from " + sourceDirectory
                    + " -> " + packageName + ".Templates");
        } catch (TemplateException e) {
            throw new MojoFailureException("isr4j: " + e.getMessage().replace("Failed to compile ",
                    "the template src/main/jte/"), e);
        }
        project.addCompileSourceRoot(targetDirectory.getPath());
    }

    /** Generates the template classes and the facade into a fresh {@code target}; returns the templates' names. */
    static List<String> generate(Path source, Path target, String packageName) throws MojoExecutionException {
        try {
            if (Files.exists(target)) {
                try (Stream<Path> old = Files.walk(target)) {
                    for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p); // a removed template must not leave its class behind
                    }
                }
            }
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new MojoExecutionException("isr4j: cannot prepare " + target + ": " + e.getMessage(), e);
        }
        TemplateEngine engine = TemplateEngine.create(new DirectoryCodeResolver(source), target, ContentType.Html,
                TemplatesMojo.class.getClassLoader(), packageName);
        engine.setExtensions(Map.of(TemplatesFacade.class.getName(), Map.of()));
        return engine.generateAll();
    }
}
