package dev.isr4j.maven;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;

/** Where the worker goes: {@code worker-shim/} beside the wrangler configuration that deploys it. */
final class WorkerLocation {
    static final String SHIM_DIRECTORY = "worker-shim";
    static final List<String> WRANGLER_CONFIGS = List.of("wrangler.jsonc", "wrangler.json", "wrangler.toml");

    private WorkerLocation() {
    }

    /** The configured folder if any, else {@code worker-shim/} beside the nearest wrangler config. */
    static Path shimDirectory(Path moduleDirectory, Path configured) throws MojoFailureException {
        if (configured != null) {
            Path absolute = moduleDirectory.resolve(configured).normalize();
            if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
                throw new MojoFailureException("isr4j: <outputDirectory> " + absolute + " is a file; point it at a "
                        + "folder (the shim goes there, the module and runtime into its build/ folder)");
            }
            return absolute;
        }
        for (Path dir = moduleDirectory.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            for (String name : WRANGLER_CONFIGS) {
                if (Files.isRegularFile(dir.resolve(name))) {
                    return dir.resolve(SHIM_DIRECTORY);
                }
            }
        }
        throw new MojoFailureException("isr4j: found no wrangler.jsonc in " + moduleDirectory
                + " or any folder above it, so there is no worker to build into. Create wrangler.jsonc at the "
                + "root of your project with \"main\": \"" + SHIM_DIRECTORY + "/" + BuildWorkerMojo.SHIM_FILE
                + "\", or set <outputDirectory> in the isr4j-maven-plugin's <configuration>");
    }

    /**
     * The wrangler config (JSON or JSONC) of the worker in {@code shimDirectory}: the nearest one in its folder or
     * above, else above the module; null when there is none (or only wrangler.toml, which the build does not read).
     */
    static Path wranglerConfig(Path moduleDirectory, Path shimDirectory) {
        for (Path start : List.of(shimDirectory, moduleDirectory)) {
            for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
                for (String name : List.of("wrangler.jsonc", "wrangler.json")) {
                    if (Files.isRegularFile(dir.resolve(name))) {
                        return dir.resolve(name);
                    }
                }
            }
        }
        return null;
    }
}
