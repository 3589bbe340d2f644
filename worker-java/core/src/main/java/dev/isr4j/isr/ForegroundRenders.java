package dev.isr4j.isr;

import dev.isr4j.Handler;
import dev.isr4j.Request;
import dev.isr4j.Response;
import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.CacheHandler;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.api.CacheValue;
import dev.isr4j.api.Clock;
import dev.isr4j.api.Log;
import dev.isr4j.coord.CoordinatorObject;
import dev.isr4j.coord.RegenerationLeases;
import dev.isr4j.route.RouteSpec;
import java.util.Map;

/**
 * {@link RouteCache}'s foreground renders (MISS, hard-revalidated, expired, a BLOCKING page's first visit):
 * concurrent requests for one key wait for one render in this isolate and, under the coordinator's render lease,
 * across isolates; a render that is the same for everyone is answered, handed to its waiters and stored in the
 * background. Kept apart from the HIT and STALE paths, which never wait.
 */
final class ForegroundRenders {
    private final RouteCache cache;
    private final Log log;
    private final Clock clock;
    private final RequestCollapser<Rendered> renders;
    private volatile long collapseWaitMillis = RouteCache.DEFAULT_COLLAPSE_WAIT_MILLIS;

    ForegroundRenders(RouteCache cache, Log log, Clock clock) {
        this.cache = cache;
        this.log = log;
        this.clock = clock;
        this.renders = new RequestCollapser<>(clock, log, RequestCollapser.Pause.SLEEP);
    }

    void collapseWaitMillis(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("the collapse wait must be >= 0 ms, got " + millis);
        }
        this.collapseWaitMillis = millis;
    }

    void collapsePause(RequestCollapser.Pause pause) {
        renders.pause(pause);
    }

    void forgetCollapsed() {
        renders.forgetShared();
    }

    int collapsedWaiters(String key) {
        return renders.waiting(key);
    }

    /**
     * A foreground render of {@code key}, or the answer of the render it waited for (see {@link RequestCollapser}).
     * @param lookup what the store held for the key (absent, expired, hard-revalidated or unreadable)
     */
    Response serve(String key, RouteSpec route, Handler routeHandler, Request request, Map<String, String> params,
                   BackgroundWork background, CacheLookup lookup, boolean corrupt, boolean occupied, long expire)
            throws Exception {
        RequestCollapser.Turn<Rendered> turn = occupied ? null
                : renders.join(key, route.pattern(), collapseWaitMillis);
        if (turn != null && turn.shared() != null) {
            return collapsedAnswer(turn.shared(), route);
        }
        Lease lease = null;
        try {
            if (turn != null && turn.followsAWrite()) {
                // This request may have read the store before the last render's write landed: read it again.
                CacheLookup again = cache.lookup(route, key, null, background);
                if (again.state() == CacheLookup.State.FRESH) {
                    return storedForAll(turn, again.entry(), route, expire);
                }
            }
            if (turn != null && turn.leads() && cache.leases() != null) {
                // Across isolates: claim the render, or wait (bounded) for another isolate's and serve its entry.
                long seen = lookup.entry() == null ? -1 : lookup.entry().lastModified();
                CacheLookup rendered = claimOrAwait(route, key, seen, background);
                if (rendered == null) {
                    lease = new Lease(key);
                } else if (rendered.entry() != null) {
                    return storedForAll(turn, rendered.entry(), route, expire);
                }
            }
            return render(key, route, routeHandler, request, params, background, turn, lease, corrupt, occupied,
                    expire);
        } finally {
            if (turn != null) {
                turn.fail(); // ended without sharing (it threw, or its answer is not for others): the next waiter leads
            }
            if (lease != null) {
                lease.end(-1); // nothing was written (a write reports its own end): the key is free for the next
            }
        }
    }


    /**
     * A fresh entry the leader found in the store after all (written moments ago, here or by another isolate): its
     * HIT, handed to the requests waiting for the leader too; later requests read the store themselves.
     */
    private Response storedForAll(RequestCollapser.Turn<Rendered> turn, CacheEntry entry, RouteSpec route,
                                  long expire) {
        turn.share(Rendered.of(entry, route, expire), entry.revalidateAt());
        turn.drop();
        return cache.served(entry, "HIT", route, cache.ageOf(entry));
    }

    /** A render lease held from the coordinator; ended exactly once, with what was written. */
    private final class Lease {
        private final String key;
        private boolean ended;

        Lease(String key) {
            this.key = key;
        }

        /** Called by the write when it is scheduled: from then on the write ends the lease. */
        Lease handOver() {
            ended = true;
            return this;
        }

        void end(long lastModified) {
            if (!ended) {
                ended = true;
                finish(lastModified);
            }
        }

        void finish(long lastModified) {
            RegenerationLeases coordinated = cache.leases();
            if (coordinated != null) {
                coordinated.finishRender(key, lastModified);
            }
        }
    }

    /** Longest pause between two render claims of a waiting isolate. */
    private static final long LONGEST_CLAIM_PAUSE_MILLIS = 200;

    /**
     * With the coordinator: null when this isolate renders {@code key} under the render lease; a lookup with the
     * entry another isolate rendered meanwhile (read from this location's store); or {@link CacheLookup#MISS} when
     * this isolate renders without a lease (the coordinator did not answer, the wait ran out, or the other render's
     * write has not reached this location's KV: up to ~60 s between locations).
     *
     * @param seen lastModified of the newest entry this isolate saw for the key (-1: none)
     */
    private CacheLookup claimOrAwait(RouteSpec route, String key, long seen, BackgroundWork background) {
        RegenerationLeases coordinated = cache.leases();
        long wait = collapseWaitMillis;
        if (coordinated == null || wait <= 0) {
            return CacheLookup.MISS;
        }
        RequestCollapser<Rendered>.Wait waiting = renders.startWait(wait, LONGEST_CLAIM_PAUSE_MILLIS);
        long readFor = -1; // the newest finished render this isolate has looked for in its store
        while (true) {
            CoordinatorObject.Claim claim = coordinated.claimRender(key, seen);
            if (claim == null) {
                return CacheLookup.MISS;
            }
            switch (claim.verdict()) {
                case GRANTED:
                    return null;
                case DONE: {
                    if (claim.done() <= readFor) {
                        return CacheLookup.MISS; // looked for that write and it is not here: KV has not caught up
                    }
                    readFor = claim.done();
                    CacheLookup again = cache.lookup(route, key, null, background);
                    if (again.state() == CacheLookup.State.FRESH) {
                        return again;
                    }
                    seen = Math.max(seen, claim.done()); // not here (yet): claim as one who saw that write
                    continue;
                }
                default:
                    break; // BUSY: another isolate renders it now
            }
            if (waiting.over()) {
                log.warn("waited " + wait + " ms for another isolate's render of " + key + "; rendering here too");
                return CacheLookup.MISS;
            }
            waiting.pause();
        }
    }

    /** A foreground render: answered, and stored in the background when it is the same for everyone. */
    private Response render(String key, RouteSpec route, Handler routeHandler, Request request,
                            Map<String, String> params, BackgroundWork background,
                            RequestCollapser.Turn<Rendered> turn, Lease lease, boolean corrupt, boolean occupied,
                            long expire) throws Exception {
        boolean isStatic = route.dynamic() == dev.isr4j.Dynamic.FORCE_STATIC;
        Response response;
        try {
            response = routeHandler.handle(request);
        } catch (Exception e) {
            if (corrupt) {
                cache.deleteLater(key, background);
            }
            throw e;
        }
        if (!RouteCache.cacheable(route, request, response)) {
            if (turn != null && response.status() < 500) {
                turn.keepPrivate(route.pattern()); // dynamic: every waiter renders its own (a 5xx: the next leads)
            }
            if (corrupt) {
                cache.deleteLater(key, background);
            }
            return response;
        }
        if (turn != null && response.headers().has("set-cookie")) {
            turn.keepPrivate(route.pattern()); // a cookie is one user's: that answer is never handed to another
        }
        if (occupied) {
            // Another key's entry holds this key's storage slot: answered (shareable, it is the same for everyone)
            // but not stored, so the other owner's entry is never overwritten.
            CacheValue value = RouteCache.toValue(response, clock.millis());
            var options = cache.options(route, request, params);
            long n = isStatic ? RouteCache.STATIC_SECONDS : options.revalidateSeconds();
            return CachedAnswer.decorate(RouteCache.withSetCookies(value.headers(), response),
                    isStatic ? "STATIC" : "MISS", -1,
                    n, isStatic ? 0 : Math.max(0, expire - n), "isr4j; fwd=miss", options.tags());
        }
        // From here the MISS write replaces an unreadable entry; deleting it as well could race the write.
        CacheValue value = cache.hosted(RouteCache.toValue(response, clock.millis()));
        response = response.withBody(value.body()); // answered and stored from the same copy
        var options = cache.options(route, request, params);
        if (turn != null) {
            long renderedAt = clock.millis();
            turn.share(new Rendered(value, options, renderedAt, isStatic, expire),
                    Math.min(options.revalidateAt(renderedAt), renderedAt + RequestCollapser.SHARED_AT_MOST_MILLIS));
        }
        Lease writeEnds = lease == null ? null : lease.handOver();
        BackgroundWrites.submit(background, () -> {
            long written = -1;
            try {
                long at = clock.millis(); // no later than the entry's lastModified: other isolates compare with it
                written = cache.write(key, value, options, background) ? at : -1;
            } finally {
                if (turn != null && written >= 0) {
                    turn.stored(); // from now on requests read the store
                } else if (turn != null) {
                    turn.drop(); // not stored: the next request renders again
                }
                if (writeEnds != null) {
                    writeEnds.finish(written);
                }
            }
        }, log, "write of " + key);
        long n = isStatic ? RouteCache.STATIC_SECONDS : options.revalidateSeconds();
        return CachedAnswer.decorate(RouteCache.withSetCookies(value.headers(), response),
                isStatic ? "STATIC" : "MISS", -1, n,
                isStatic ? 0 : Math.max(0, expire - n), "isr4j; fwd=miss; stored", options.tags());
    }

    /** What a render hands to the requests that waited for it. */
    private record Rendered(CacheValue value, CacheHandler.SetOptions options, long renderedAt, boolean isStatic,
                            long expire) {
        /** An entry another isolate rendered, handed on as this isolate's waiters would get it from a render. */
        static Rendered of(CacheEntry entry, RouteSpec route, long expire) {
            long n = RouteCache.revalidateOf(entry, route);
            var options = new CacheHandler.SetOptions(n, Math.max(1, (entry.expireAt() - entry.lastModified()) / 1000),
                    entry.tags());
            return new Rendered(entry.value(), options, entry.lastModified(),
                    route.dynamic() == dev.isr4j.Dynamic.FORCE_STATIC, Math.max(expire, n + 1));
        }
    }

    /**
     * A collapsed request's answer: the render it waited for, as that render's own request got it (status, stored
     * headers, bytes), marked {@code HIT} (no handler ran for it) with {@code Cache-Status: fwd=miss; collapsed}
     * (RFC 9211: it was collapsed into another request's forward) and its Age since that render.
     */
    private Response collapsedAnswer(Rendered r, RouteSpec route) {
        CacheValue v = r.value();
        Response response = RouteCache.answerOf(v);
        long age = Math.max(0, (clock.millis() - r.renderedAt()) / 1000);
        long n = r.isStatic() ? RouteCache.STATIC_SECONDS : r.options().revalidateSeconds();
        return CachedAnswer.decorate(response, r.isStatic() ? "STATIC" : "HIT", age, n,
                r.isStatic() ? 0 : Math.max(0, r.expire() - n), "isr4j; fwd=miss; collapsed", r.options().tags());
    }
}
