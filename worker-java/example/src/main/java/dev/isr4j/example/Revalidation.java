package dev.isr4j.example;

import dev.isr4j.bind.Jsonable;

/** A CMS's webhook body for {@code POST /api/revalidate}: the post that changed. */
@Jsonable
public record Revalidation(String slug) {
}
