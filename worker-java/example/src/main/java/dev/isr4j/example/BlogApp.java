package dev.isr4j.example;

import dev.isr4j.App;
import dev.isr4j.AppProvider;
import dev.isr4j.Fallback;
import dev.isr4j.Handler;
import dev.isr4j.Props;
import dev.isr4j.Request;
import dev.isr4j.Response;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import templates.Templates;

/**
 * A small blog on D1: what a user of isr4j writes. Pages and JSON are served from the cache and revalidated by tag
 * when a post changes; everything else stays a cache hit. Registered in META-INF/services/dev.isr4j.AppProvider,
 * compiled to WebAssembly by {@code mvn package}.
 *
 * <p>Cache tags: {@code posts} (every list of posts), {@code post-<slug>} (one post's page and JSON),
 * {@code tag-<tag>} (one tag's page).
 */
public final class BlogApp implements AppProvider {
    /** How many of the newest posts the build prerenders; the others render on their first request. */
    static final int PRERENDERED_POSTS = 3;

    @Override
    public App create() {
        App app = App.create();
        app.notFoundPage(Templates.notFound());

        app.page("/").revalidate(60).tags("posts")
                .props(req -> Props.of(new Listing(null, Posts.in(req.env()).newest(20))))
                .render(Listing.class, Templates::index);

        app.page("/posts/{slug}").revalidate(3600).tags("post-{slug}").fallback(Fallback.BLOCKING)
                .staticPaths(env -> paths("/posts/", Posts.in(env).newestSlugs(PRERENDERED_POSTS)))
                .props(req -> {
                    Post post = Posts.isSlug(req.param("slug")) ? Posts.in(req.env()).find(req.param("slug")) : null;
                    return post == null ? Props.notFound() : Props.of(post);
                })
                .render(Post.class, Templates::post);

        app.page("/tags/{tag}").revalidate(3600).tags("tag-{tag}").fallback(Fallback.BLOCKING)
                .props(req -> {
                    String tag = req.param("tag");
                    List<PostSummary> posts = Posts.isTag(tag) ? Posts.in(req.env()).tagged(tag) : List.of();
                    return posts.isEmpty() ? Props.notFound() : Props.of(new Listing(tag, posts));
                })
                .render(Listing.class, Templates::index);

        app.route("/api/posts").revalidate(60).tags("posts")
                .get(req -> Response.json(Posts.in(req.env()).newest(100)));

        app.route("/api/posts/{slug}").revalidate(3600).tags("post-{slug}")
                .get(req -> {
                    Post post = Posts.isSlug(req.param("slug")) ? Posts.in(req.env()).find(req.param("slug")) : null;
                    return post == null ? notFound() : Response.json(post);
                })
                // An edit from the admin (Authorization: Bearer <ISR_REVALIDATE_SECRET>): D1 first, then exactly
                // the pages that show the post: its page and JSON, the lists, its tag pages before and after.
                .put(Handler.withRevalidationSecret(req -> {
                    String slug = req.param("slug");
                    PostEdit edit = req.body().json(PostEdit.class);
                    var posts = Posts.in(req.env());
                    List<String> before = Posts.isSlug(slug) ? posts.update(slug, edit) : null;
                    if (before == null) {
                        return notFound();
                    }
                    Post after = posts.find(slug);
                    revalidate(req, slug, before, after.tags());
                    return Response.json(after);
                }));

        // For a CMS that edits D1 itself: its webhook names the post, isr4j revalidates what shows it.
        app.route("/api/revalidate").post(Handler.withRevalidationSecret(req -> {
            Revalidation changed = req.body().json(Revalidation.class);
            if (changed.slug() == null || !Posts.isSlug(changed.slug())) {
                return Response.json("{\"error\":\"slug: a post's slug is required\"}").withStatus(400)
                        .withHeader("cache-control", "private, no-store");
            }
            List<String> tags = Posts.in(req.env()).tagsOf(changed.slug());
            return Response.json(revalidate(req, changed.slug(), tags, tags));
        }));
        return app;
    }

    /** Revalidates a post's page, every list, and the pages of the tags it had and has; returns the cache tags. */
    private static List<String> revalidate(Request req, String slug, List<String> tagsBefore, List<String> tagsAfter) {
        var cacheTags = new LinkedHashSet<String>();
        cacheTags.add("post-" + slug);
        cacheTags.add("posts");
        for (String tag : tagsBefore) {
            cacheTags.add("tag-" + tag);
        }
        for (String tag : tagsAfter) {
            cacheTags.add("tag-" + tag);
        }
        var list = new ArrayList<>(cacheTags);
        req.revalidator().tags(list, null);
        return list;
    }

    // A loop, not a stream: streams would add ~49 KB to the gzipped module for one line.
    private static List<String> paths(String prefix, List<String> slugs) {
        var out = new ArrayList<String>(slugs.size());
        for (String slug : slugs) {
            out.add(prefix + slug);
        }
        return out;
    }

    private static Response notFound() {
        return Response.json("{\"error\":\"no such post\"}").withStatus(404);
    }
}
