package ${package};

import dev.isr4j.App;
import dev.isr4j.AppProvider;
import dev.isr4j.Fallback;
import dev.isr4j.Handler;
import dev.isr4j.Json;
import dev.isr4j.Props;
import dev.isr4j.Response;
import java.util.Map;

/**
 * Your site. Named in META-INF/services/dev.isr4j.AppProvider; `mvn package` prerenders its static paths and
 * compiles it to WebAssembly for the worker in worker-shim/.
 */
public final class SiteApp implements AppProvider {
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
                .props(req -> Props.of(Json.object()
                        .put("slug", req.param("slug"))
                        .put("renderedAt", req.env().clock().millis())))
                .render(SiteApp::post);

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

    static String post(Map<String, Object> props) {
        String slug = escape(String.valueOf(props.get("slug")));
        return "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + slug + "</title></head><body>"
                + "<article data-slug=\"" + slug + "\"><h1>" + slug + "</h1>"
                + "<p>Rendered at <time>" + props.get("renderedAt") + "</time> (epoch ms)</p></article></body></html>";
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
