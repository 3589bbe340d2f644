package dev.isr4j.route;

import dev.isr4j.CacheProfile;
import dev.isr4j.Dynamic;
import dev.isr4j.Handler;
import dev.isr4j.Route;
import dev.isr4j.text.Tags;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A declared {@link Route} as the runtime serves it: its cache-life profile applied, its page's GET handler added,
 * and its tags filled in per path. Built once per runtime, when it starts.
 */
public final class RouteSpec {
    private final String pattern;
    private final Map<String, Handler> handlers;
    private final List<String> tags;
    private final Dynamic dynamic;
    private final PageSpec page;
    private long revalidateSeconds;
    private long expireSeconds;

    /** @param profiles the app's cache-life profiles; an unknown profile name fails here with the known ones */
    public RouteSpec(Route declared, Map<String, CacheProfile> profiles) {
        this.pattern = declared.pattern();
        this.tags = List.copyOf(declared.tags());
        this.dynamic = declared.dynamic();
        this.revalidateSeconds = declared.revalidateSeconds();
        applyProfile(declared.cacheLife(), profiles);
        var byMethod = new LinkedHashMap<>(declared.handlers());
        this.page = declared.page() == null ? null : new PageSpec(this, declared.page());
        if (page != null) {
            byMethod.put("GET", page::render);
        }
        this.handlers = Collections.unmodifiableMap(byMethod);
    }

    public String pattern() {
        return pattern;
    }

    /** Resolves a cacheLife profile into revalidate and expire; unknown names fail with the known ones. */
    private void applyProfile(String profile, Map<String, CacheProfile> profiles) {
        if (profile == null) {
            return;
        }
        var p = profiles.get(profile);
        if (p == null) {
            throw new IllegalArgumentException("Route " + pattern + ": " + unknownProfile(profile, profiles)
                    .getMessage());
        }
        revalidateSeconds = p.revalidateSeconds();
        expireSeconds = p.expireSeconds();
    }

    /** What a reference to a profile the app does not have fails with. */
    public static IllegalArgumentException unknownProfile(String name, Map<String, CacheProfile> profiles) {
        return new IllegalArgumentException("unknown cache profile '" + name + "'; known profiles: "
                + String.join(", ", profiles.keySet()) + " (add your own with App.cacheProfile)");
    }

    /** The route's own expire (from its profile), or 0 for the app's. */
    public long expireSeconds() {
        return expireSeconds;
    }

    /** The expire that applies to this route: its profile's, else {@code appExpireSeconds}. */
    public long expireSeconds(long appExpireSeconds) {
        return expireSeconds > 0 ? expireSeconds : appExpireSeconds;
    }

    public Map<String, Handler> handlers() {
        return handlers;
    }

    /** Seconds until stale, or 0 when the route is not ISR. */
    public long revalidateSeconds() {
        return revalidateSeconds;
    }

    /** The page declaration when this route is a page, else null. */
    public PageSpec page() {
        return page;
    }

    public Dynamic dynamic() {
        return dynamic;
    }

    public boolean isIsr() {
        return dynamic == Dynamic.FORCE_STATIC || (revalidateSeconds > 0 && dynamic != Dynamic.FORCE_DYNAMIC);
    }

    /** The number of tag templates declared on the route. */
    public int tagCount() {
        return tags.size();
    }

    /** The route's tags with path parameters filled in; a tag that ends up invalid is dropped. */
    public List<String> resolveTags(Map<String, String> params) {
        var out = new ArrayList<String>(tags.size());
        for (String t : tags) {
            String resolved = t;
            for (var p : params.entrySet()) {
                resolved = resolved.replace("{" + p.getKey() + "}", p.getValue());
            }
            if (Tags.isValid(resolved)) {
                out.add(resolved);
            }
        }
        return out;
    }
}
