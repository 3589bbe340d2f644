package dev.isr4j.bind.processor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.tools.Diagnostic;

/**
 * One type to bind: its properties, the adapters of their types, and the adapter's source. Errors are
 * reported on the member whose type cannot be bound, with what to use instead.
 */
final class BoundType {
    private static final String API = "dev.isr4j.bind.";
    private static final String SUPPORTED = "String, boolean, int, long, short, byte, double, float (or their boxes), "
            + "BigDecimal, BigInteger, Instant, LocalDate, LocalDateTime, OffsetDateTime, an enum, a @Jsonable record "
            + "or class, and List, Set, Collection, Optional or Map<String, ...> of those";

    /** A property: its JSON name, its type, how to read it from a value and how to give it back. */
    private record Property(String name, TypeMirror type, String getter, String setter, Element where) {
    }

    private final ProcessingEnvironment env;
    private final TypeElement type;
    private final TypeElement annotation;
    private final Map<String, TypeElement> local;
    private final List<Property> properties = new ArrayList<>();
    /** The adapters this one's properties use, as static fields: their declared type and initialiser. */
    private final List<String[]> codecs = new ArrayList<>();
    private final List<String> codecOf = new ArrayList<>();
    private boolean ok = true;

    BoundType(ProcessingEnvironment env, TypeElement type, TypeElement annotation, Map<String, TypeElement> local) {
        this.env = env;
        this.type = type;
        this.annotation = annotation;
        this.local = local;
    }

    TypeElement type() {
        return type;
    }

    private String packageName() {
        return env.getElementUtils().getPackageOf(type).getQualifiedName().toString();
    }

    /** {@code Outer_InnerJsonAdapter} for {@code Outer.Inner}. */
    static String adapterSimpleName(TypeElement t) {
        StringBuilder name = new StringBuilder(t.getSimpleName());
        for (Element e = t.getEnclosingElement(); e instanceof TypeElement outer; e = outer.getEnclosingElement()) {
            name.insert(0, outer.getSimpleName() + "_");
        }
        return name + "JsonAdapter";
    }

    String adapterQualifiedName() {
        String pkg = packageName();
        return (pkg.isEmpty() ? "" : pkg + ".") + adapterSimpleName(type);
    }

    private String adapterOf(TypeElement t) {
        String pkg = env.getElementUtils().getPackageOf(t).getQualifiedName().toString();
        return (pkg.isEmpty() ? "" : pkg + ".") + adapterSimpleName(t);
    }

    private void error(String message, Element where) {
        ok = false;
        env.getMessager().printMessage(Diagnostic.Kind.ERROR, "isr4j JSON: " + message, where);
    }

    private String display() {
        return type.getQualifiedName().toString();
    }

    /** Works out the properties; {@code reached} gets the records and classes they need adapters for. */
    boolean analyse(List<TypeElement> reached) {
        for (Element e = type; e instanceof TypeElement t; e = t.getEnclosingElement()) {
            if (JsonableProcessor.isPrivate(t)) {
                error(display() + " is private (or inside a private class): the generated adapter beside it cannot "
                        + "reach it; make it package-private or public", type);
                return false;
            }
            if (t != type && !t.getModifiers().contains(Modifier.STATIC) && t.getKind() == ElementKind.CLASS
                    && type.getKind() == ElementKind.CLASS && !type.getModifiers().contains(Modifier.STATIC)) {
                error(display() + " is an inner class: make it static (or a record) to bind it", type);
                return false;
            }
        }
        if (!type.getTypeParameters().isEmpty()) {
            error(display() + " has type parameters: bind a concrete record instead (e.g. one with a List<Item>)", type);
            return false;
        }
        if (type.getKind() == ElementKind.RECORD) {
            for (RecordComponentElement c : type.getRecordComponents()) {
                properties.add(new Property(c.getSimpleName().toString(), c.asType(),
                        c.getAccessor().getSimpleName() + "()", null, c));
            }
        } else if (type.getKind() == ElementKind.CLASS) {
            if (type.getModifiers().contains(Modifier.ABSTRACT)) {
                error(display() + " is abstract: bind a record or a concrete class", type);
                return false;
            }
            if (!hasNoArgConstructor()) {
                error(display() + " needs a constructor without arguments that is not private (or make it a record)",
                        type);
                return false;
            }
            collectBeanProperties(type);
        } else {
            error(display() + " is not a record or a class", type);
            return false;
        }
        for (Property p : properties) {
            if (p.type().getKind().isPrimitive()) {
                if (p.type().getKind() == TypeKind.CHAR) {
                    error(p.name() + " is a char: use a String", p.where());
                }
                codecOf.add(null);
            } else {
                codecOf.add(codecField(p.type(), p.where(), p.name(), reached));
            }
        }
        return ok;
    }

    private boolean hasNoArgConstructor() {
        List<ExecutableElement> constructors = ElementFilter.constructorsIn(type.getEnclosedElements());
        for (ExecutableElement c : constructors) {
            if (c.getParameters().isEmpty() && !JsonableProcessor.isPrivate(c)) {
                return true;
            }
        }
        return constructors.isEmpty();
    }

    /** Fields of the class and its superclasses that are readable (a field or getter) or writable. */
    private void collectBeanProperties(TypeElement t) {
        TypeMirror superType = t.getSuperclass();
        if (superType.getKind() == TypeKind.DECLARED) {
            TypeElement superElement = (TypeElement) ((DeclaredType) superType).asElement();
            if (!superElement.getQualifiedName().contentEquals("java.lang.Object")) {
                collectBeanProperties(superElement);
            }
        }
        List<ExecutableElement> methods = ElementFilter.methodsIn(t.getEnclosedElements());
        for (VariableElement f : ElementFilter.fieldsIn(t.getEnclosedElements())) {
            var mods = f.getModifiers();
            if (mods.contains(Modifier.STATIC) || mods.contains(Modifier.TRANSIENT)) {
                continue;
            }
            String name = f.getSimpleName().toString();
            String cap = Character.toUpperCase(name.charAt(0)) + name.substring(1);
            boolean fieldVisible = !mods.contains(Modifier.PRIVATE);
            String getter = null;
            String setter = null;
            for (ExecutableElement m : methods) {
                if (JsonableProcessor.isPrivate(m) || m.getModifiers().contains(Modifier.STATIC)) {
                    continue;
                }
                String mn = m.getSimpleName().toString();
                if (m.getParameters().isEmpty() && (mn.equals("get" + cap)
                        || (mn.equals("is" + cap) && f.asType().getKind() == TypeKind.BOOLEAN))) {
                    getter = mn + "()";
                } else if (m.getParameters().size() == 1 && mn.equals("set" + cap)) {
                    setter = mn + "(%s)";
                }
            }
            if (getter == null && fieldVisible) {
                getter = name;
            }
            if (setter == null && fieldVisible && !mods.contains(Modifier.FINAL)) {
                setter = name + " = %s";
            }
            if (getter != null || setter != null) {
                properties.add(new Property(name, f.asType(), getter, setter, f));
            }
        }
    }

    /** A static field holding the adapter for {@code t}, or null after reporting why there is none. */
    private String codecField(TypeMirror t, Element where, String property, List<TypeElement> reached) {
        String init = codec(t, where, property, reached);
        if (init == null) {
            return null;
        }
        String name = "C" + codecs.size();
        codecs.add(new String[] {name, API + "JsonAdapter<" + t + ">", init});
        return name;
    }

    private String codec(TypeMirror t, Element where, String property, List<TypeElement> reached) {
        if (t.getKind() != TypeKind.DECLARED) {
            String hint = t.getKind() == TypeKind.ARRAY ? ": use a List" : t.getKind().isPrimitive()
                    ? ": use its box inside a List, Set, Map or Optional" : "";
            error(property + " has type " + t + ", which cannot be bound" + hint + " (supported: " + SUPPORTED + ")",
                    where);
            return null;
        }
        DeclaredType d = (DeclaredType) t;
        TypeElement e = (TypeElement) d.asElement();
        String name = e.getQualifiedName().toString();
        List<? extends TypeMirror> args = d.getTypeArguments();
        String scalar = switch (name) {
            case "java.lang.String" -> "string()";
            case "java.lang.Boolean" -> "bool()";
            case "java.lang.Integer" -> "integer()";
            case "java.lang.Long" -> "longs()";
            case "java.lang.Short" -> "shorts()";
            case "java.lang.Byte" -> "bytes()";
            case "java.lang.Double" -> "doubles()";
            case "java.lang.Float" -> "floats()";
            case "java.math.BigDecimal" -> "decimal()";
            case "java.math.BigInteger" -> "bigInteger()";
            case "java.time.Instant" -> "instant()";
            case "java.time.LocalDate" -> "localDate()";
            case "java.time.LocalDateTime" -> "localDateTime()";
            case "java.time.OffsetDateTime" -> "offsetDateTime()";
            default -> null;
        };
        if (scalar != null) {
            return API + "JsonCodecs." + scalar;
        }
        String container = switch (name) {
            case "java.util.List" -> "list";
            case "java.util.Set" -> "set";
            case "java.util.Collection" -> "collection";
            case "java.util.Optional" -> "optional";
            case "java.util.Map" -> "map";
            default -> null;
        };
        if (container != null) {
            if (args.isEmpty()) {
                error(property + " is a raw " + name + ": give its element type, e.g. List<String>", where);
                return null;
            }
            TypeMirror element = args.get(args.size() - 1);
            if (container.equals("map")) {
                TypeMirror key = args.get(0);
                if (key.getKind() != TypeKind.DECLARED
                        || !((TypeElement) ((DeclaredType) key).asElement()).getQualifiedName()
                        .contentEquals("java.lang.String")) {
                    error(property + " is a map with " + key + " keys: JSON object keys are strings, use Map<String, ...>",
                            where);
                    return null;
                }
            }
            String inner = codec(element, where, property, reached);
            return inner == null ? null : API + "JsonCodecs." + container + "(" + inner + ")";
        }
        if (e.getKind() == ElementKind.ENUM) {
            return API + "JsonCodecs.enumOf(" + name + ".class, " + name + ".values())";
        }
        boolean bound = e.getAnnotationMirrors().stream()
                .anyMatch(a -> a.getAnnotationType().asElement().equals(annotation));
        if ((e.getKind() == ElementKind.RECORD || e.getKind() == ElementKind.CLASS)
                && (bound || local.containsKey(name))) {
            reached.add(e);
            return adapterOf(e) + ".INSTANCE";
        }
        error(property + " has type " + t + ", which cannot be bound"
                + (name.equals("java.util.Date") || name.startsWith("java.util.Calendar") ? ": use java.time.Instant"
                : name.equals("java.lang.Object") ? ": give it a concrete type" : e.getKind() == ElementKind.INTERFACE
                ? ": an interface has no one shape to read" : ": annotate it with @Jsonable if it is yours")
                + " (supported: " + SUPPORTED + ")", where);
        return null;
    }

    /** The adapter's Java source. */
    String source() {
        String t = type.getQualifiedName().toString();
        String simple = adapterSimpleName(type);
        var s = new StringBuilder();
        String pkg = packageName();
        if (!pkg.isEmpty()) {
            s.append("package ").append(pkg).append(";\n\n");
        }
        s.append("/** JSON for {@link ").append(t).append("}: generated by isr4j-json-processor; do not edit. */\n");
        s.append("@javax.annotation.processing.Generated(\"dev.isr4j.bind.processor.JsonableProcessor\")\n");
        s.append("public final class ").append(simple).append(" implements ").append(API).append("JsonAdapter<")
                .append(t).append("> {\n");
        s.append("    public static final ").append(simple).append(" INSTANCE = new ").append(simple).append("();\n");
        for (String[] c : codecs) {
            s.append("    private static final ").append(c[1]).append(' ').append(c[0]).append(" = ").append(c[2])
                    .append(";\n");
        }
        s.append("\n    /** For ServiceLoader; use {@link #INSTANCE}. */\n    public ").append(simple).append("() {\n    }\n\n");
        s.append("    @Override\n    public Class<").append(t).append("> type() {\n        return ").append(t)
                .append(".class;\n    }\n\n");
        writeMethod(s, t);
        readMethod(s, t);
        s.append("}\n");
        return s.toString();
    }

    private void writeMethod(StringBuilder s, String t) {
        s.append("    @Override\n    public void write(").append(API).append("JsonWriter out, ").append(t)
                .append(" value) {\n");
        s.append("        if (value == null) {\n            out.nullValue();\n            return;\n        }\n");
        s.append("        out.beginObject();\n");
        for (int i = 0; i < properties.size(); i++) {
            Property p = properties.get(i);
            if (p.getter() == null) {
                continue;
            }
            String get = "value." + p.getter();
            s.append("        out.name(\"").append(p.name()).append("\");\n");
            TypeKind k = p.type().getKind();
            if (codecOf.get(i) != null) {
                s.append("        ").append(codecOf.get(i)).append(".write(out, ").append(get).append(");\n");
            } else if (k == TypeKind.BOOLEAN) {
                s.append("        out.value(").append(get).append(");\n");
            } else if (k == TypeKind.DOUBLE || k == TypeKind.FLOAT) {
                s.append("        out.value((double) ").append(get).append(");\n");
            } else {
                s.append("        out.value((long) ").append(get).append(");\n");
            }
        }
        s.append("        out.endObject();\n    }\n\n");
    }

    private static String readPrimitive(TypeKind k) {
        return switch (k) {
            case BOOLEAN -> "in.nextBoolean()";
            case INT -> "in.nextInt()";
            case LONG -> "in.nextLong()";
            case SHORT -> "(short) in.integer(-32768, 32767, \"an integer between -32768 and 32767\")";
            case BYTE -> "(byte) in.integer(-128, 127, \"an integer between -128 and 127\")";
            case DOUBLE -> "in.nextDouble()";
            case FLOAT -> "(float) in.nextDouble()";
            default -> throw new IllegalStateException(k.toString());
        };
    }

    private String defaultOf(TypeMirror t) {
        if (t.getKind() == TypeKind.BOOLEAN) {
            return "false";
        }
        if (t.getKind().isPrimitive()) {
            return "0";
        }
        if (t.getKind() == TypeKind.DECLARED
                && ((TypeElement) ((DeclaredType) t).asElement()).getQualifiedName().contentEquals("java.util.Optional")) {
            return "java.util.Optional.empty()";
        }
        return "null";
    }

    private void readMethod(StringBuilder s, String t) {
        boolean record = type.getKind() == ElementKind.RECORD;
        s.append("    @Override\n    public ").append(t).append(" read(").append(API).append("JsonParser in) {\n");
        s.append("        if (in.nextIsNull()) {\n            return null;\n        }\n");
        if (record) {
            for (int i = 0; i < properties.size(); i++) {
                Property p = properties.get(i);
                s.append("        ").append(p.type()).append(" p").append(i).append(" = ").append(defaultOf(p.type()))
                        .append(";\n");
            }
        } else {
            s.append("        ").append(t).append(" value = new ").append(t).append("();\n");
        }
        s.append("        in.beginObject();\n        while (in.hasNext()) {\n            switch (in.nextName()) {\n");
        for (int i = 0; i < properties.size(); i++) {
            Property p = properties.get(i);
            if (!record && p.setter() == null) {
                continue;
            }
            String read = codecOf.get(i) != null ? codecOf.get(i) + ".read(in)" : readPrimitive(p.type().getKind());
            s.append("                case \"").append(p.name()).append("\":\n                    ");
            if (record) {
                s.append('p').append(i).append(" = ").append(read);
            } else {
                s.append("value.").append(String.format(p.setter(), read));
            }
            s.append(";\n                    break;\n");
        }
        s.append("                default:\n                    in.skipValue();\n            }\n        }\n");
        s.append("        in.endObject();\n");
        if (record) {
            s.append("        try {\n            return new ").append(t).append('(');
            for (int i = 0; i < properties.size(); i++) {
                s.append(i == 0 ? "" : ", ").append('p').append(i);
            }
            s.append(");\n        } catch (RuntimeException e) {\n");
            s.append("            throw new ").append(API).append("JsonBindingException(in.path(), \"")
                    .append(type.getSimpleName()).append(" refused these values: \" + e.getMessage());\n        }\n");
        } else {
            s.append("        return value;\n");
        }
        s.append("    }\n");
    }
}
