package dev.isr4j;

import dev.isr4j.text.Text;
import dev.isr4j.text.Utf8;

/**
 * The one check of the revalidation secret ({@code ISR_REVALIDATE_SECRET}, sent as
 * {@code Authorization: Bearer <secret>}), behind {@link Handler#withRevalidationSecret}, {@link
 * Request#hasRevalidationSecret} and, through the latter, {@code POST /__isr/revalidate}.
 */
final class RevalidationSecret {
    static final String VAR = "ISR_REVALIDATE_SECRET";

    enum Outcome { ACCEPTED, NOT_CONFIGURED, REJECTED }

    private RevalidationSecret() {
    }

    /** Reads the {@code Authorization} header (so the request counts as dynamic) and compares in constant time. */
    static Outcome check(Request request) {
        // Read first in every case: the answer depends on the request, so it must never be cached.
        String auth = request.header("authorization");
        String secret = request.env().var(VAR);
        if (secret == null || secret.isEmpty()) {
            return Outcome.NOT_CONFIGURED;
        }
        String token = auth != null && auth.length() >= 7
                && Text.asciiLowerCase(auth.substring(0, 7)).equals("bearer ") ? auth.substring(7).trim() : "";
        return constantTimeEquals(token, secret) ? Outcome.ACCEPTED : Outcome.REJECTED;
    }

    /** What a guarded handler answers instead of running: 401 for a missing or wrong token, 403 when unset. */
    static Response refusal(Outcome outcome) {
        if (outcome == Outcome.NOT_CONFIGURED) {
            // Fail closed: no secret means nobody may call, and the message says how to allow someone.
            return json(403, "this route needs the revalidation secret and none is configured; set " + VAR
                    + " (npx wrangler secret put " + VAR + "; for wrangler dev, a line " + VAR
                    + "=<secret> in .dev.vars)");
        }
        return json(401, "missing or wrong bearer token; send Authorization: Bearer <" + VAR + ">")
                .withHeader("www-authenticate", "Bearer");
    }

    /** Compares without an early exit, so timing does not reveal how much of the secret matched. */
    static boolean constantTimeEquals(String given, String expected) {
        byte[] a = Utf8.encode(given);
        byte[] b = Utf8.encode(expected);
        int diff = a.length ^ b.length;
        for (int i = 0; i < b.length; i++) {
            diff |= (i < a.length ? a[i] : 0) ^ b[i];
        }
        return diff == 0;
    }

    /** The runtime's never-cached Cache-Control (its {@code CachedAnswer.NO_STORE}): a refusal is one caller's. */
    static final String NO_STORE = "private, no-cache, no-store, max-age=0, must-revalidate";

    static Response json(int status, String error) {
        return Response.of(status, Headers.of("content-type", "application/json", "cache-control", NO_STORE),
                Body.of(Json.object().put("error", error).toJson()));
    }
}
