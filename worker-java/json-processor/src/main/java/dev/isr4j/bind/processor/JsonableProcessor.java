package dev.isr4j.bind.processor;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.Messager;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Writes a {@code <Type>JsonAdapter} beside every {@code @dev.isr4j.bind.Jsonable} record or class (and every
 * record or class of this compilation that one of them contains), and lists them all in
 * {@code META-INF/services/dev.isr4j.bind.JsonAdapter}, where the runtime (and TeaVM, at compile time) finds
 * them. A member of a type that cannot be bound is a compile error on that member, saying what to use.
 */
public final class JsonableProcessor extends AbstractProcessor {
    static final String ANNOTATION = "dev.isr4j.bind.Jsonable";
    private static final String SERVICE = "META-INF/services/dev.isr4j.bind.JsonAdapter";

    /** Adapters written by this compilation, by binary name, for the services file. */
    private final Set<String> written = new LinkedHashSet<>();

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of(ANNOTATION);
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        Messager messager = processingEnv.getMessager();
        TypeElement annotation = processingEnv.getElementUtils().getTypeElement(ANNOTATION);
        if (annotation != null) {
            Deque<TypeElement> queue = new ArrayDeque<>();
            for (Element e : round.getElementsAnnotatedWith(annotation)) {
                if (e.getKind() == ElementKind.ENUM) {
                    continue; // enums are bound by name wherever they appear; nothing to generate
                }
                if (e instanceof TypeElement t) {
                    queue.add(t);
                }
            }
            Set<String> seen = new LinkedHashSet<>();
            Map<String, TypeElement> local = new LinkedHashMap<>();
            for (Element root : round.getRootElements()) {
                collectLocal(root, local);
            }
            while (!queue.isEmpty()) {
                TypeElement type = queue.poll();
                String name = type.getQualifiedName().toString();
                if (!seen.add(name)) {
                    continue;
                }
                var model = new BoundType(processingEnv, type, annotation, local);
                List<TypeElement> reached = new ArrayList<>();
                if (model.analyse(reached)) {
                    write(model);
                }
                queue.addAll(reached);
            }
        }
        if (round.processingOver() && !written.isEmpty()) {
            writeServices(messager);
        }
        return false;
    }

    private static void collectLocal(Element e, Map<String, TypeElement> local) {
        if (e instanceof TypeElement t) {
            local.put(t.getQualifiedName().toString(), t);
            for (Element inner : t.getEnclosedElements()) {
                collectLocal(inner, local);
            }
        }
    }

    private void write(BoundType model) {
        Filer filer = processingEnv.getFiler();
        try {
            var file = filer.createSourceFile(model.adapterQualifiedName(), model.type());
            try (Writer w = file.openWriter()) {
                w.write(model.source());
            }
            written.add(model.adapterQualifiedName());
        } catch (IOException e) {
            processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
                    "isr4j JSON: cannot write " + model.adapterQualifiedName() + ": " + e.getMessage(), model.type());
        }
    }

    private void writeServices(Messager messager) {
        Set<String> all = new LinkedHashSet<>();
        Filer filer = processingEnv.getFiler();
        try {
            // an incremental build may keep adapters of an earlier compilation in the same output
            FileObject old = filer.getResource(StandardLocation.CLASS_OUTPUT, "", SERVICE);
            for (String line : old.getCharContent(true).toString().split("\n")) {
                String n = line.trim();
                if (!n.isEmpty() && !n.startsWith("#") && processingEnv.getElementUtils().getTypeElement(n) != null) {
                    all.add(n);
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // no earlier file
        }
        all.addAll(written);
        try {
            FileObject out = filer.createResource(StandardLocation.CLASS_OUTPUT, "", SERVICE);
            try (Writer w = out.openWriter()) {
                for (String n : all) {
                    w.write(n + "\n");
                }
            }
        } catch (IOException e) {
            messager.printMessage(Diagnostic.Kind.ERROR, "isr4j JSON: cannot write " + SERVICE + ": " + e.getMessage());
        }
    }

    static boolean isPrivate(Element e) {
        return e.getModifiers().contains(Modifier.PRIVATE);
    }
}
