package dev.isr4j.example;

import dev.isr4j.bind.Jsonable;
import java.util.List;

/** The body of {@code PUT /api/posts/{slug}}: the fields to change; a field left out (null) keeps its value. */
@Jsonable
public record PostEdit(String title, String summary, String body, List<String> tags) {
}
