package dev.isr4j.bind;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record (or a class with a no-argument constructor) as JSON: isr4j's annotation processor
 * (isr4j-json-processor) writes its {@link JsonAdapter} at compile time, so reading and writing it needs no
 * reflection and behaves the same on the JVM and in WebAssembly. Records and classes it refers to that are
 * compiled alongside are bound too; a component of a type that cannot be bound is a compile error.
 */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Jsonable {
}
