package ${package};

import dev.isr4j.App;
import dev.isr4j.AppProvider;
import dev.isr4j.Fallback;
import dev.isr4j.Handler;
import dev.isr4j.Json;
import dev.isr4j.Props;
import dev.isr4j.Response;
import dev.isr4j.bind.Jsonable;
import templates.Templates;

/**
 * Your site. Named in META-INF/services/dev.isr4j.AppProvider; `mvn package` prerenders its static paths and
 * compiles it to WebAssembly for the worker in worker-shim/.
 */
public final class SiteApp implements AppProvider {
    /** A post page's props: stored as this record's JSON, which /_isr/data/posts/<slug>.json returns. */
    @Jsonable
    public record Post(String slug, long renderedAt) {
    }

    @Override
    public App create() {
        App app = App.create();

        // An ISR route: the first request renders it (x-isr-cache: MISS), the next ones are served from the
        // cache (HIT); after 60 seconds one request gets the old answer (STALE) while it is regenerated.
        app.route("/api/time").revalidate(60).tags("time")
                .get(req -> Response.json(Json.object()
                        .put("message", "Hello from Java")
                        .put("renderedAt", req.env().clock().millis())));

        // A page: its static paths are rendered by `mvn package` and served as HITs from the first request;
        // any other slug is rendered on its first request (BLOCKING), then cached the same way.
        app.page("/posts/{slug}")
                .staticPaths("/posts/hello-world", "/posts/second-post")
                .fallback(Fallback.BLOCKING)
                .revalidate(300).tags("posts")
                .props(req -> Props.of(new Post(req.param("slug"), req.env().clock().millis())))
                .render(Post.class, Templates::post); // src/main/jte/post.jte, HTML-escaped

        // On-demand revalidation, only for callers that send the ISR_REVALIDATE_SECRET as a bearer token:
        // POST /api/revalidate?tag=posts makes the next request for everything tagged "posts" a MISS.
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
}
