package dev.isr4j;

/** A route handler: plain blocking Java; awaiting I/O suspends it without blocking the isolate. */
@FunctionalInterface
public interface Handler {
    Response handle(Request request) throws Exception;

    /**
     * Guards a handler that changes or reveals what the cache holds: it runs only for a request that carries
     * the deployment's {@code ISR_REVALIDATE_SECRET} as {@code Authorization: Bearer <secret>}. Otherwise the
     * answer is a 401, or a 403 naming the secret to set when none is configured (it fails closed).
     *
     * <pre>{@code
     * app.route("/api/posts/{id}").post(Handler.withRevalidationSecret(req -> {
     *     req.revalidator().tag("post-" + req.param("id"));
     *     return Response.status(204);
     * }));
     * }</pre>
     */
    static Handler withRevalidationSecret(Handler handler) {
        return request -> {
            var outcome = RevalidationSecret.check(request);
            return outcome == RevalidationSecret.Outcome.ACCEPTED
                    ? handler.handle(request) : RevalidationSecret.refusal(outcome);
        };
    }
}
