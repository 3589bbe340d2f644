package dev.isr4j;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A named cache lifetime, as Next.js {@code cacheLife}: {@code stale} (how long a client may reuse it),
 * {@code revalidate} (when it turns stale here) and {@code expire} (after which it is never served), in
 * seconds. Built-ins carry Next.js's numbers; add your own with {@link App#cacheProfile}.
 */
public record CacheProfile(String name, long staleSeconds, long revalidateSeconds, long expireSeconds) {
    /** "No practical expiry", as Next.js's INFINITE_CACHE. */
    public static final long NEVER = 0xFFFFFFFEL;

    public CacheProfile {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a cache profile needs a name");
        }
        if (staleSeconds < 0 || revalidateSeconds < 1 || expireSeconds < 1) {
            throw new IllegalArgumentException("cache profile '" + name + "' needs stale >= 0, revalidate >= 1 and "
                    + "expire >= 1 seconds; got " + staleSeconds + "/" + revalidateSeconds + "/" + expireSeconds);
        }
        if (expireSeconds <= revalidateSeconds) {
            throw new IllegalArgumentException("cache profile '" + name + "': expire (" + expireSeconds
                    + " s) must be longer than revalidate (" + revalidateSeconds + " s)");
        }
    }

    /** seconds, minutes, hours, days, weeks, max and default, with Next.js's stale/revalidate/expire. */
    public static Map<String, CacheProfile> builtIns() {
        var m = new LinkedHashMap<String, CacheProfile>();
        add(m, "default", 300, 900, NEVER);
        add(m, "seconds", 30, 1, 60);
        add(m, "minutes", 300, 60, 3600);
        add(m, "hours", 300, 3600, 86400);
        add(m, "days", 300, 86400, 604800);
        add(m, "weeks", 300, 604800, 2592000);
        add(m, "max", 300, 2592000, 31536000);
        return m;
    }

    private static void add(Map<String, CacheProfile> m, String name, long stale, long revalidate, long expire) {
        m.put(name, new CacheProfile(name, stale, revalidate, expire));
    }
}
