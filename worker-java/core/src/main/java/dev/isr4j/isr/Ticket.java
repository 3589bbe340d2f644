package dev.isr4j.isr;

import dev.isr4j.Dynamic;
import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.route.RouteSpec;

/**
 * Java's leave for a host to replay one answer it gave from the cache (the isolate memory tier): the same
 * status, fields and body, for a request of exactly the same shape (method, URL, conditional fields), until
 * {@code until}. Two fields change as the answer ages, and the ticket says how to fill them at any moment
 * {@code now} before {@code until}: {@code age} = {@code max(0, floor((now - ageFrom) / 1000))} capped at
 * {@link CachedAnswer#MAX_DELTA_SECONDS}, and {@code cache-status} = {@link CachedAnswer#HIT_STATUS_PREFIX} followed
 * by {@code max(0, ttlFrom - age)} capped the same way; each only when the answer carries that field. That is how
 * {@link RouteCache} computes them; a host compares strings and a clock, and decides nothing.
 *
 * @param until epoch ms from which the ticket is void: never later than the entry turns stale, nor than any tag
 *              state its freshness was decided from stops being trusted
 * @param ageFrom the entry's last write (epoch ms), which its {@code Age} counts from
 * @param ttlFrom the entry's freshness lifetime in seconds, which its remaining {@code ttl} counts down from
 */
public record Ticket(long until, long ageFrom, long ttlFrom) {
    /**
     * Where an answer given at once hands its ticket. Its own interface, not a {@code Consumer}: TeaVM counts a call
     * as one that may suspend when any implementation of the method called may, and a host answers at once only
     * along calls that never do (a user's {@code Consumer} may well await).
     */
    @FunctionalInterface
    public interface Sink {
        void take(Ticket ticket);
    }

    /**
     * The ticket for the answer {@link RouteCache#storedAnswer} gives at {@code now} for a FRESH {@code lookup} of
     * {@code route} (never a STALE one, even on a FORCE_STATIC route): void from the moment the entry turns stale or
     * {@code trustedUntil} (when the tag states its freshness was decided from stop being trusted), whichever comes
     * first. Null when that moment has come.
     */
    public static Ticket of(RouteSpec route, CacheLookup lookup, long trustedUntil, long now) {
        if (lookup.state() != CacheLookup.State.FRESH) {
            return null;
        }
        CacheEntry entry = lookup.entry();
        long until = Math.min(entry.revalidateAt(), trustedUntil);
        if (until <= now) {
            return null;
        }
        long ttlFrom = route.dynamic() == Dynamic.FORCE_STATIC ? RouteCache.STATIC_SECONDS
                : RouteCache.revalidateOf(entry, route);
        return new Ticket(until, entry.lastModified(), ttlFrom);
    }

    /** The {@code Age} of the answer at {@code now}, as {@link RouteCache} sends it. */
    public long age(long now) {
        return CachedAnswer.deltaSeconds(Math.max(0, (now - ageFrom) / 1000));
    }

    /** The {@code Cache-Status} value of the answer at {@code now}, as {@link RouteCache} sends it. */
    public String cacheStatus(long now) {
        return CachedAnswer.hitStatus(Math.max(0, ttlFrom - Math.max(0, (now - ageFrom) / 1000)));
    }
}
