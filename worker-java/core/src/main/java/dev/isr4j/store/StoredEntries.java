package dev.isr4j.store;

import dev.isr4j.text.HeaderFields;
import dev.isr4j.Headers;
import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.CacheLookup;

/**
 * What a stored entry may hold to be served, whoever wrote it (isr4j, an older release, a hand-edited KV value):
 * statuses 200-499 (isr4j never stores a 5xx, and 1xx are not responses to store), header fields that
 * {@link HeaderFields} accepts, and timestamps with {@code 0 <= lastModified <= revalidateAt <= expireAt} and
 * {@code lastModified} at most {@link #MAX_CLOCK_SKEW_MILLIS} in the future. Fields that belong to one delivery
 * or one user are dropped on read as on write. An entry that breaks a rule is unreadable (a miss that heals).
 * An entry that claims longer lifetimes than its route (or cached function) configures now is {@link #bounded}.
 */
public final class StoredEntries {
    public static final int MIN_STATUS = 200;
    public static final int MAX_STATUS = 499;
    /** How far ahead of this isolate's clock another writer's clock may be. */
    public static final long MAX_CLOCK_SKEW_MILLIS = 60_000;
    /** Never served from an entry: they describe one delivery or belong to one user. */
    static final String[] NEVER_STORED = {"set-cookie", "cache-control", "x-isr-cache", "cache-status", "age"};

    private StoredEntries() {
    }

    /** The headers to keep from a stored entry (never-stored fields dropped). */
    public static Headers servable(Headers headers) {
        return headers.without(NEVER_STORED);
    }

    /** Why a stored status and header fields cannot be served, or null when they can. */
    public static String contentProblem(long status, Headers headers) {
        if (status < MIN_STATUS || status > MAX_STATUS) {
            return "status " + status + " is outside the " + MIN_STATUS + "-" + MAX_STATUS + " isr4j stores";
        }
        for (var field : headers.entries()) {
            if (!HeaderFields.isValidName(field.getKey())) {
                return "header name '" + printable(field.getKey()) + "' is not an RFC 9110 token";
            }
            if (!HeaderFields.isValidValue(field.getValue())) {
                return "header " + field.getKey() + " has a value with a control character or one above U+00FF";
            }
        }
        return null;
    }

    /** Why stored timestamps are not a consistent write, or null when they are. */
    public static String timeProblem(long lastModified, long revalidateAt, long expireAt) {
        if (lastModified < 0) {
            return "last-modified " + lastModified + " is negative";
        }
        if (revalidateAt < lastModified) {
            return "revalidate-at " + revalidateAt + " lies before last-modified " + lastModified;
        }
        if (expireAt < revalidateAt) {
            return "expire-at " + expireAt + " lies before revalidate-at " + revalidateAt;
        }
        return null;
    }

    /** Up to 40 characters, anything but visible ASCII escaped (for log lines). */
    static String printable(String s) {
        var sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 40; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                sb.append(c);
            } else {
                String hex = Integer.toHexString(c);
                sb.append("\\u").append("0".repeat(4 - hex.length())).append(hex);
            }
        }
        return s.length() > 40 ? sb + "..." : sb.toString();
    }

    /** True when an entry claims to be written later than {@code now} allows (beyond the clock skew). */
    public static boolean writtenInTheFuture(long lastModified, long now) {
        return lastModified > now && lastModified - now > MAX_CLOCK_SKEW_MILLIS;
    }

    /**
     * The lookup of an entry as the configuration in force now allows: the entry turns stale no later than
     * {@code revalidateSeconds} after its last write and expires no later than {@code expireSeconds} after it,
     * whatever timestamps were stored (a release with longer lifetimes, another tool, anyone who can write the
     * store). A shorter stored lifetime is kept (a data-cache bound, a shorter profile). Bounding only ever
     * makes an entry staler: past the bounded revalidate a FRESH lookup turns STALE; past the bounded expire, or
     * written in the future beyond the clock skew, it is {@link CacheLookup#INVALIDATED} (a miss that heals when
     * the render overwrites it). Lookups without an entry are returned as they are.
     *
     * @param now the clock the lookup was classified with
     */
    public static CacheLookup bounded(CacheLookup lookup, long now, long revalidateSeconds, long expireSeconds) {
        CacheEntry entry = lookup == null ? null : lookup.entry();
        if (entry == null) {
            return lookup;
        }
        long lastModified = entry.lastModified();
        long expireAt = Math.min(entry.expireAt(), after(lastModified, expireSeconds));
        long revalidateAt = Math.min(Math.min(entry.revalidateAt(), after(lastModified, revalidateSeconds)), expireAt);
        if (writtenInTheFuture(lastModified, now) || now >= expireAt) {
            return CacheLookup.INVALIDATED;
        }
        boolean stale = lookup.state() == CacheLookup.State.STALE || now >= revalidateAt;
        if (revalidateAt == entry.revalidateAt() && expireAt == entry.expireAt()) {
            return stale == (lookup.state() == CacheLookup.State.STALE) ? lookup : CacheLookup.stale(entry);
        }
        var within = new CacheEntry(entry.value(), lastModified, revalidateAt, expireAt, entry.tags());
        return stale ? CacheLookup.stale(within) : CacheLookup.fresh(within);
    }

    /** {@code seconds} after {@code millis}, saturating instead of overflowing. */
    private static long after(long millis, long seconds) {
        long span = seconds >= Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : Math.max(0, seconds) * 1000;
        return millis > Long.MAX_VALUE - span ? Long.MAX_VALUE : millis + span;
    }
}
