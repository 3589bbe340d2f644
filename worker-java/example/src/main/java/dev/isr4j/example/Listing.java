package dev.isr4j.example;

import dev.isr4j.bind.Jsonable;
import java.util.List;

/** The props of a list page: the index (tag null) or one tag's page. */
@Jsonable
public record Listing(String tag, List<PostSummary> posts) {
}
