package dev.isr4j.example;

import dev.isr4j.BadRequestException;
import dev.isr4j.D1;
import dev.isr4j.Env;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** The blog's posts in D1: every query is a prepared statement with bound values. */
final class Posts {
    /** The D1 binding in wrangler.jsonc. */
    static final String DB = "DB";

    private static final String SUMMARY = "SELECT p.slug, p.title, p.summary, a.name AS authorName, "
            + "p.published_at AS publishedAt FROM posts p JOIN authors a ON a.id = p.author_id ";

    /** Tags a post may carry: each is a page and a cache tag its edits revalidate. */
    static final int MAX_TAGS = 10;

    private final D1 db;

    private Posts(D1 db) {
        this.db = db;
    }

    static Posts in(Env env) {
        return new Posts(env.d1(DB));
    }

    /** The newest posts first. */
    List<PostSummary> newest(int limit) {
        return db.prepare(SUMMARY + "ORDER BY p.published_at DESC, p.slug LIMIT ?").bind(limit).all(PostSummary.class);
    }

    /** The slugs of the newest posts: the post pages the build prerenders. */
    List<String> newestSlugs(int limit) {
        return db.prepare("SELECT slug FROM posts ORDER BY published_at DESC, slug LIMIT ?").bind(limit)
                .all(String.class);
    }

    /** The posts with {@code tag}, newest first. */
    List<PostSummary> tagged(String tag) {
        return db.prepare(SUMMARY + "JOIN post_tags t ON t.slug = p.slug WHERE t.tag = ? "
                + "ORDER BY p.published_at DESC, p.slug").bind(tag).all(PostSummary.class);
    }

    /** The post with its tags, or null. */
    Post find(String slug) {
        Post post = db.prepare("SELECT p.slug, p.title, p.summary, p.body, p.author_id AS authorId, "
                + "a.name AS authorName, p.published_at AS publishedAt, p.updated_at AS updatedAt "
                + "FROM posts p JOIN authors a ON a.id = p.author_id WHERE p.slug = ?").bind(slug).first(Post.class);
        return post == null ? null : post.withTags(tagsOf(slug));
    }

    List<String> tagsOf(String slug) {
        return db.prepare("SELECT tag FROM post_tags WHERE slug = ? ORDER BY tag").bind(slug).all(String.class);
    }

    /**
     * Applies {@code edit} to the post in one transaction; returns the tags the post had before (its old tag pages
     * need revalidating too), or null when there is no such post.
     */
    List<String> update(String slug, PostEdit edit) {
        List<String> before = tagsOf(slug);
        var statements = new ArrayList<D1.Statement>();
        statements.add(db.prepare("UPDATE posts SET title = coalesce(?, title), summary = coalesce(?, summary), "
                + "body = coalesce(?, body), updated_at = datetime('now') WHERE slug = ?")
                .bind(text(edit.title(), "title", 200), text(edit.summary(), "summary", 500),
                        text(edit.body(), "body", 100_000), slug));
        if (edit.tags() != null) {
            if (edit.tags().size() > MAX_TAGS) {
                throw new BadRequestException("tags: at most " + MAX_TAGS + " per post");
            }
            statements.add(db.prepare("DELETE FROM post_tags WHERE slug = ?").bind(slug));
            for (String tag : new LinkedHashSet<>(edit.tags())) {
                statements.add(db.prepare("INSERT INTO post_tags (slug, tag) VALUES (?, ?)").bind(slug, tag(tag)));
            }
        }
        return db.batch(statements).get(0).changes() == 0 ? null : before;
    }

    /** A field of an edit: null (unchanged) or non-blank text within {@code max} characters. */
    private static String text(String value, String field, int max) {
        if (value != null && (value.isBlank() || value.length() > max)) {
            throw new BadRequestException(field + " must be 1 to " + max + " characters when given");
        }
        return value;
    }

    /** A tag as URLs and cache tags use it: 1-40 of a-z, 0-9 and '-'. */
    static String tag(String tag) {
        if (!isTag(tag)) {
            throw new BadRequestException("tag " + (tag == null ? "null" : "\"" + tag + "\"")
                    + " must be 1 to 40 characters of a-z, 0-9 and '-'");
        }
        return tag;
    }

    static boolean isTag(String s) {
        return isSlug(s) && s.length() <= 40;
    }

    /** A slug: 1-100 of a-z, 0-9 and '-' (anything else is no post's). */
    static boolean isSlug(String s) {
        if (s == null || s.isEmpty() || s.length() > 100) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
