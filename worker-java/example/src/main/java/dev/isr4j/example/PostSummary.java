package dev.isr4j.example;

import dev.isr4j.bind.Jsonable;

/** A post in a list: the index, a tag's page, {@code GET /api/posts}. */
@Jsonable
public record PostSummary(String slug, String title, String summary, String authorName, String publishedAt) {
}
