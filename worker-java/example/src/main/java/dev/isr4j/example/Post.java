package dev.isr4j.example;

import dev.isr4j.bind.Jsonable;
import java.util.ArrayList;
import java.util.List;

/**
 * A post as its page shows it and {@code GET /api/posts/{slug}} returns it. Read from D1 by column name (the query
 * aliases {@code author_id AS authorId}); its tags come from a second query.
 */
@Jsonable
public record Post(String slug, String title, String summary, String body, String authorId, String authorName,
                   String publishedAt, String updatedAt, List<String> tags) {

    Post withTags(List<String> tags) {
        return new Post(slug, title, summary, body, authorId, authorName, publishedAt, updatedAt, List.copyOf(tags));
    }

    /**
     * The body's paragraphs (separated by blank lines), so the template writes each as escaped text. By hand, not
     * with {@code split} or {@code lines()}: a regular expression or a stream would add ~46-49 KB to the gzipped Wasm module.
     */
    public List<String> paragraphs() {
        var out = new ArrayList<String>();
        var current = new StringBuilder();
        for (int start = 0, end; start <= body.length(); start = end + 1) {
            end = body.indexOf('\n', start);
            end = end < 0 ? body.length() : end;
            String line = body.substring(start, end);
            if (line.isBlank()) {
                flush(current, out);
            } else {
                current.append(current.isEmpty() ? "" : "\n").append(line.strip());
            }
        }
        flush(current, out);
        return out;
    }

    private static void flush(StringBuilder paragraph, List<String> out) {
        if (!paragraph.isEmpty()) {
            out.add(paragraph.toString());
            paragraph.setLength(0);
        }
    }
}
