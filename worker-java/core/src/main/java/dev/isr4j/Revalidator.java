package dev.isr4j;

/**
 * On-demand revalidation, from a handler ({@code req.revalidator()}) or the {@code POST /__isr/revalidate}
 * endpoint. Calls return once the invalidation is stored.
 *
 * <pre>{@code
 * app.route("/api/posts/{id}").post(req -> {
 *     savePost(req.param("id"), req.text());
 *     req.revalidator().tag("post-" + req.param("id")); // next GET of that post is a MISS
 *     return Response.status(204);
 * });
 * }</pre>
 */
public interface Revalidator {
    Revalidator NONE = new Revalidator() {
        @Override
        public void tags(java.util.List<String> tags, String profile) {
            throw new IllegalStateException("revalidation is not available here");
        }

        @Override
        public void path(String path, PathType type, String profile) {
            throw new IllegalStateException("revalidation is not available here");
        }
    };

    /** Hard: entries with this tag are a MISS from now on (regenerated in the foreground). */
    default void tag(String tag) {
        tags(java.util.List.of(tag), null);
    }

    /**
     * Soft (Next.js 16 {@code revalidateTag(tag, profile)}): entries with this tag turn STALE, so the next
     * request is served stale and regenerated in the background.
     */
    default void tag(String tag, String profile) {
        tags(java.util.List.of(tag), profile);
    }

    /**
     * Hard when {@code profile} is null, soft otherwise. An invalid tag (tag rules: docs/revalidation.md) is logged
     * and left out while the valid ones still count; nothing here fails the calling request for a bad value.
     */
    void tags(java.util.List<String> tags, String profile);

    /** Hard invalidation of one path's entries. */
    default void path(String path) {
        path(path, PathType.PAGE, null);
    }

    default void path(String path, PathType type) {
        path(path, type, null);
    }

    /** Any spelling of a path revalidates its canonical form; an invalid path is logged and skipped. */
    void path(String path, PathType type, String profile);
}
