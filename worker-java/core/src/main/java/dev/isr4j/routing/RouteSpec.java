package dev.isr4j.routing;

import dev.isr4j.text.Router;
import dev.isr4j.data.DataCache;
import dev.isr4j.page.PageSpec;
import dev.isr4j.text.Tags;
import dev.isr4j.text.Text;
import dev.isr4j.Dynamic;
import dev.isr4j.Handler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A declared route: pattern, ISR options and one handler per method. */
public final class RouteSpec {
    private final String pattern;
    private final Map<String, Handler> handlers = new LinkedHashMap<>();
    private final List<String> tags = new ArrayList<>();
    private long revalidateSeconds;
    private Dynamic dynamic = Dynamic.AUTO;
    private String profile;
    private PageSpec page;
    private long expireSeconds;

    public RouteSpec(String pattern) {
        new Router<>().add(pattern, this); // validates the pattern now, with its message
        this.pattern = pattern;
    }

    public String pattern() {
        return pattern;
    }

    public void revalidate(double seconds) {
        this.revalidateSeconds = Double.isNaN(seconds) || Double.isInfinite(seconds) || seconds <= 0
                ? 0 : (long) Math.ceil(seconds);
    }

    public void tags(String... newTags) {
        for (String t : newTags) {
            Tags.validate(t.replace("{", "").replace("}", ""));
            tags.add(t);
        }
    }

    public void profile(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("Route " + pattern + ": cacheLife needs a profile name");
        }
        this.profile = name;
    }

    /** Resolves a cacheLife profile into revalidate and expire; unknown names fail with the known ones. */
    void applyProfile(java.util.Map<String, dev.isr4j.CacheProfile> profiles) {
        if (profile == null) {
            return;
        }
        var p = profiles.get(profile);
        if (p == null) {
            throw new IllegalArgumentException("Route " + pattern + ": " + DataCache.unknownProfile(profile, profiles)
                    .getMessage());
        }
        revalidateSeconds = p.revalidateSeconds();
        expireSeconds = p.expireSeconds();
    }

    /** The route's own expire (from its profile), or 0 for the app's. */
    public long expireSeconds() {
        return expireSeconds;
    }

    /** The expire that applies to this route: its profile's, else {@code appExpireSeconds}. */
    public long expireSeconds(long appExpireSeconds) {
        return expireSeconds > 0 ? expireSeconds : appExpireSeconds;
    }

    public void dynamic(Dynamic mode) {
        if (mode == null) {
            throw new IllegalArgumentException("dynamic(null): pass Dynamic.AUTO or Dynamic.FORCE_DYNAMIC");
        }
        this.dynamic = mode;
    }

    public void handler(String method, Handler handler) {
        if (!Text.isWord(method, "", 1, 32) || !Text.isLetters(method)) {
            throw new IllegalArgumentException("Route " + pattern + ": '" + method + "' is not an HTTP method");
        }
        if (handler == null) {
            throw new IllegalArgumentException("Route " + pattern + ": the " + method + " handler is null");
        }
        String m = dev.isr4j.text.Text.asciiUpperCase(method);
        if (handlers.containsKey(m)) {
            throw new IllegalArgumentException("Route " + pattern + " has two " + m + " handlers");
        }
        handlers.put(m, handler);
    }

    public Map<String, Handler> handlers() {
        return Collections.unmodifiableMap(handlers);
    }

    /** Seconds until stale, or 0 when the route is not ISR. */
    public long revalidateSeconds() {
        return revalidateSeconds;
    }

    public void page(PageSpec page) {
        this.page = page;
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
