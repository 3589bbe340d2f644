package ${package};

import dev.isr4j.App;
import dev.isr4j.AppProvider;
import dev.isr4j.BadRequestException;
import dev.isr4j.D1;
import dev.isr4j.Env;
import dev.isr4j.Fallback;
import dev.isr4j.Handler;
import dev.isr4j.Json;
import dev.isr4j.Props;
import dev.isr4j.Response;
import dev.isr4j.bind.Jsonable;
import java.util.ArrayList;
import java.util.List;
import templates.Templates;

/**
 * Your site: a blog whose posts are rows of a D1 table (migrations/ at the project's root). Named in
 * META-INF/services/dev.isr4j.AppProvider; `mvn package` prerenders its static paths and compiles it to WebAssembly
 * for the worker in worker-shim/.
 *
 * <p>Cache tags: {@code posts} (the index), {@code post-<slug>} (one post's page). An edit revalidates exactly
 * those two; every other page stays a cache hit.
 */
public final class SiteApp implements AppProvider {
    /** The D1 binding ({@code d1_databases} in wrangler.jsonc). */
    static final String DB = "DB";
    /** How many of the newest posts `mvn package` prerenders; the others render on their first request. */
    static final int PRERENDERED_POSTS = 100;

    /**
     * A post: a row of the posts table (bound by column name, so {@code updated_at AS updatedAt}) and a post page's
     * props, stored as this record's JSON, which /_isr/data/posts/<slug>.json returns.
     */
    @Jsonable
    public record Post(String slug, String title, String body, String updatedAt) {
    }

    /** A line of the index. */
    @Jsonable
    public record PostSummary(String slug, String title, String updatedAt) {
    }

    /** The index page's props. */
    @Jsonable
    public record Index(List<PostSummary> posts) {
    }

    /** The body of {@code PUT /api/posts/{slug}}: the fields to change; one left out (null) keeps its value. */
    @Jsonable
    public record PostEdit(String title, String body) {
    }

    @Override
    public App create() {
        App app = App.create();

        // The index: rendered on its first request (x-isr-cache: MISS), then served from the cache (HIT); after 60
        // seconds one request gets the cached page (STALE) while it is regenerated in the background.
        app.page("/").revalidate(60).tags("posts")
                .props(req -> Props.of(new Index(db(req.env())
                        .prepare("SELECT slug, title, updated_at AS updatedAt FROM posts "
                                + "ORDER BY updated_at DESC, slug LIMIT 100")
                        .all(PostSummary.class))))
                .render(Index.class, Templates::index); // src/main/jte/index.jte, HTML-escaped

        // A post: the newest posts are rendered by `mvn package` (their slugs listed from D1 when the site is
        // built) and served as HITs from the first request; any other slug is rendered on its first request
        // (BLOCKING), then cached the same way. A slug with no row is a cached 404.
        app.page("/posts/{slug}")
                .staticPaths(env -> postPaths(db(env)))
                .fallback(Fallback.BLOCKING)
                .revalidate(3600).tags("post-{slug}")
                .props(req -> {
                    Post post = findPost(db(req.env()), req.param("slug"));
                    return post == null ? Props.notFound() : Props.of(post);
                })
                .render(Post.class, Templates::post); // src/main/jte/post.jte, HTML-escaped

        // An edit, only for callers that send the ISR_REVALIDATE_SECRET as a bearer token: D1 first, then exactly
        // the pages that show the post, its page and the index, are revalidated (their next request is a MISS).
        //   curl -X PUT http://localhost:8787/api/posts/hello-world -H "Authorization: Bearer $SECRET" \
        //        -d '{"title": "Hello again"}'
        app.route("/api/posts/{slug}").put(Handler.withRevalidationSecret(req -> {
            String slug = req.param("slug");
            PostEdit edit = req.body().json(PostEdit.class); // a body that is not that JSON is a 400
            D1 db = db(req.env());
            long changed = db.prepare("UPDATE posts SET title = coalesce(?, title), body = coalesce(?, body), "
                            + "updated_at = datetime('now') WHERE slug = ?")
                    .bind(text(edit.title(), "title", 200), text(edit.body(), "body", 100_000), slug)
                    .run().changes();
            if (changed == 0) {
                return Response.json(Json.object().put("error", "no post " + slug)).withStatus(404);
            }
            req.revalidator().tags(List.of("post-" + slug, "posts"), null);
            return Response.json(findPost(db, slug));
        }));

        // On-demand revalidation of any tag, for the same callers: POST /api/revalidate?tag=posts makes the next
        // request for everything tagged "posts" a MISS (for data changed in D1 by something else than this worker).
        app.route("/api/revalidate").post(Handler.withRevalidationSecret(req -> {
            String tag = req.queryParam("tag");
            if (tag == null || tag.isEmpty()) {
                return Response.json(Json.object().put("error", "add ?tag=<tag to revalidate>")).withStatus(400);
            }
            req.revalidator().tag(tag);
            return Response.json(Json.object().put("revalidated", tag));
        }));

        return app;
    }

    private static D1 db(Env env) {
        return env.d1(DB);
    }

    /** The post with {@code slug}, or null; a statement with a bound value, never SQL built from strings. */
    private static Post findPost(D1 db, String slug) {
        return db.prepare("SELECT slug, title, body, updated_at AS updatedAt FROM posts WHERE slug = ?")
                .bind(slug).first(Post.class);
    }

    /** The pages of the newest posts, listed when the site is built. */
    private static List<String> postPaths(D1 db) {
        // a loop, not a stream: streams would add tens of KB to the Wasm module for one line
        var paths = new ArrayList<String>();
        for (String slug : db.prepare("SELECT slug FROM posts ORDER BY updated_at DESC, slug LIMIT ?")
                .bind(PRERENDERED_POSTS).all(String.class)) {
            paths.add("/posts/" + slug);
        }
        return paths;
    }

    /** A field of an edit: null (unchanged) or non-blank text of at most {@code max} characters. */
    private static String text(String value, String field, int max) {
        if (value != null && (value.isBlank() || value.length() > max)) {
            throw new BadRequestException(field + " must be 1 to " + max + " characters when given");
        }
        return value;
    }
}
