package dev.isr4j.maven;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.maven.plugin.MojoExecutionException;
import org.teavm.backend.wasm.WasmDebugInfoLocation;
import org.teavm.backend.wasm.WasmGCTarget;
import org.teavm.cache.AlwaysStaleCacheStatus;
import org.teavm.cache.EmptyProgramCache;
import org.teavm.model.ClassHolderTransformer;
import org.teavm.model.ClassReaderSource;
import org.teavm.model.PreOptimizingClassHolderSource;
import org.teavm.model.ReferenceCache;
import org.teavm.parsing.ClasspathClassHolderSource;
import org.teavm.parsing.resource.ResourceProvider;
import org.teavm.tooling.TeaVMToolLog;
import org.teavm.tooling.builder.BuildException;
import org.teavm.vm.DirectoryBuildTarget;
import org.teavm.vm.TeaVM;
import org.teavm.vm.TeaVMBuilder;

/**
 * TeaVM for a development server: the same compilation as TeaVM's build tool with {@link WasmCompiler}'s settings,
 * but the classes of the libraries (isr4j, TeaVM's class library, jte...), parsed and pre-optimised, are kept from
 * one build to the next; only the app's own classes are read again. TeaVM copies every class it takes from its
 * source before transforming it, so what is kept stays as it was read. In a JVM that has compiled the app once,
 * this halves TeaVM's time again (the example: 2-5 s instead of 4-8 s warm, 10-16 s cold).
 *
 * <p>The libraries are read again when the class path or a library's modification time changes.
 */
final class WarmTeaVM {
    private List<String> libraries = List.of();
    private List<FileTime> libraryTimes = List.of();
    private ReferenceCache references;
    private ResourceProvider libraryResources;
    /** What the kept classes' substitutions (TeaVM's class library for the JDK's) were found with. */
    private URLClassLoader libraryLoader;
    private PreOptimizingClassHolderSource libraryClasses;

    WasmCompiler.Outcome build(List<String> classpath, Path ownClasses, String mainClass, Path targetDirectory,
                               String fileName, boolean methodNames, TeaVMToolLog log)
            throws BuildException, MojoExecutionException {
        List<File> files = classpath.stream().map(File::new).toList();
        URLClassLoader loader = new URLClassLoader(WorkerBuild.urls(classpath), WarmTeaVM.class.getClassLoader());
        ResourceProvider resources = ResourceProvider.ofClassPath(files);
        try {
            ClassReaderSource libraryClasses = libraries(classpath, ownClasses);
            // the app's classes, read afresh: a class the app no longer has is looked for in the libraries only
            var appClasses = new ClasspathClassHolderSource(resources, references, loader);
            ClassReaderSource classes = name -> Files.isRegularFile(ownClasses.resolve(name.replace('.', '/') + ".class"))
                    ? PreOptimizingClassHolderSource.optimize(appClasses, name)
                    : libraryClasses.get(name);

            var target = new WasmGCTarget();
            target.setObfuscated(!methodNames);
            target.setStrict(WasmCompiler.STRICT);
            target.setDebugInfo(false);
            target.setDebugInfoLevel(null); // as TeaVM's build tool passes it when debug information is off
            target.setDebugInfoLocation(WasmDebugInfoLocation.EXTERNAL);
            target.setBufferHeapMinSize(WasmCompiler.MIN_DIRECT_BUFFERS_SIZE);
            target.setSharedBuffer(false);
            TeaVM vm = new TeaVMBuilder(target)
                    .setReferenceCache(references)
                    .setClassLoader(loader)
                    .setClassSource(classes)
                    .setResourceProvider(resources)
                    .setObfuscated(!methodNames)
                    .setStrict(WasmCompiler.STRICT)
                    .build();
            vm.setProperties(new Properties());
            vm.setProgramCache(EmptyProgramCache.INSTANCE);
            vm.setCacheStatus(AlwaysStaleCacheStatus.INSTANCE);
            vm.setOptimizationLevel(WasmCompiler.OPTIMIZATION);
            vm.installPlugins();
            for (String transformer : WasmCompiler.TRANSFORMERS) {
                vm.add(Class.forName(transformer, true, loader).asSubclass(ClassHolderTransformer.class)
                        .getConstructor().newInstance());
            }
            vm.setEntryPoint(mainClass);
            vm.setEntryPointName(WasmCompiler.ENTRY_POINT_NAME);
            Files.createDirectories(targetDirectory);
            log.info("Running TeaVM (warm)");
            vm.build(new DirectoryBuildTarget(targetDirectory.toFile()), fileName);
            return new WasmCompiler.Outcome(vm.getDependencyInfo().getCallGraph(), vm.getProblemProvider());
        } catch (ReflectiveOperationException | IOException | RuntimeException | LinkageError e) {
            // what TeaVM met may have left the kept classes half-made: read them afresh next time
            libraries = List.of();
            release();
            throw new BuildException(e);
        } finally {
            resources.close();
            try {
                loader.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }

    /** The libraries' classes as kept from the last build, or read afresh if the class path changed. */
    private ClassReaderSource libraries(List<String> classpath, Path ownClasses) throws MojoExecutionException {
        List<String> entries = new ArrayList<>(classpath);
        entries.removeIf(e -> Path.of(e).toAbsolutePath().normalize().equals(ownClasses.toAbsolutePath().normalize()));
        List<FileTime> times = new ArrayList<>();
        for (String entry : entries) {
            try {
                times.add(Files.exists(Path.of(entry)) ? Files.getLastModifiedTime(Path.of(entry)) : FileTime.fromMillis(0));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (!entries.equals(libraries) || !times.equals(libraryTimes) || libraryClasses == null) {
            URL[] urls = WorkerBuild.urls(entries);
            release();
            List<File> files = entries.stream().map(File::new).toList();
            references = new ReferenceCache();
            libraryResources = ResourceProvider.ofClassPath(files);
            libraryLoader = new URLClassLoader(urls, WarmTeaVM.class.getClassLoader());
            libraryClasses = new PreOptimizingClassHolderSource(
                    new ClasspathClassHolderSource(libraryResources, references, libraryLoader));
            libraries = entries;
            libraryTimes = times;
        }
        return libraryClasses;
    }

    private void release() {
        if (libraryResources != null) {
            libraryResources.close();
            libraryResources = null;
        }
        if (libraryLoader != null) {
            try {
                libraryLoader.close();
            } catch (IOException e) {
                // nothing left to release
            }
            libraryLoader = null;
        }
        libraryClasses = null;
    }
}
