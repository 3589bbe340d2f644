package dev.isr4j.revalidation;

import dev.isr4j.isr.BackgroundWrites;
import dev.isr4j.isr.CacheTagHeader;
import dev.isr4j.text.CanonicalPath;
import dev.isr4j.store.CacheKeys;
import dev.isr4j.text.Tags;
import dev.isr4j.text.Text;
import dev.isr4j.PathType;
import dev.isr4j.Revalidator;
import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.CacheHandler;
import dev.isr4j.api.CachePurger;
import dev.isr4j.api.Log;
import java.util.ArrayList;
import java.util.List;

/**
 * Revalidation through the cache handler. A handler's invalid tag or path is logged and left out, as an
 * invalid route tag is: a bad value (a path parameter too long for a tag, say) never fails the user's request.
 * The endpoint validates everything itself first, so its callers get a 400 instead.
 */
public final class CacheRevalidator implements Revalidator {
    static final int MAX_PATH_LENGTH = 2048;

    private final CacheHandler handler;
    private final Log log;

    public CacheRevalidator(CacheHandler handler, Log log) {
        this.handler = handler;
        this.log = log;
    }

    /** Runs before each revalidation this isolate makes (the runtime forgets renders it would hand on). */
    private volatile Runnable beforeRevalidation = () -> { };

    public void beforeRevalidation(Runnable action) {
        this.beforeRevalidation = action;
    }

    /** Runs after each revalidation this isolate makes, once it is written or has failed. */
    private volatile Runnable afterRevalidation = () -> { };

    public void afterRevalidation(Runnable action) {
        this.afterRevalidation = action;
    }

    private void revalidate(List<String> tags, boolean soft) {
        beforeRevalidation.run();
        try {
            handler.revalidateTag(tags, soft).await();
        } finally {
            afterRevalidation.run();
        }
    }

    /**
     * This revalidator for one request: after each revalidation is stored, the same tags are purged downstream by
     * each of {@code purgers} (a hard revalidation is purged, a soft one invalidated: see {@link CachePurger}), each
     * in a background task of its own in the request's background work, so one slow purger never holds up another.
     */
    public Revalidator forRequest(List<CachePurger> purgers, BackgroundWork background, Log log) {
        if (purgers.isEmpty()) {
            return this;
        }
        return new Revalidator() {
            @Override
            public void tags(List<String> tags, String profile) {
                purgeLater(revalidateTags(tags, profile), profile != null); // what was left out was not revalidated, nor purged
            }

            @Override
            public void path(String path, PathType type, String profile) {
                String tag = revalidatePath(path, type, profile);
                purgeLater(tag == null ? List.of() : List.of(tag), profile != null);
            }

            private void purgeLater(List<String> tags, boolean soft) {
                if (tags.isEmpty()) {
                    return;
                }
                List<String> cacheTags = CacheTagHeader.downstream(tags);
                String what = (soft ? "downstream invalidation of " : "downstream purge of ") + cacheTags;
                for (CachePurger purger : purgers) {
                    BackgroundWrites.submit(background, () -> {
                        try {
                            if (soft) {
                                purger.invalidate(cacheTags);
                            } else {
                                purger.purge(cacheTags);
                            }
                        } catch (RuntimeException e) {
                            log.error(what + " failed", e);
                        }
                    }, log, what);
                }
            }
        };
    }

    @Override
    public void tags(List<String> tags, String profile) {
        revalidateTags(tags, profile);
    }

    @Override
    public void path(String path, PathType type, String profile) {
        revalidatePath(path, type, profile);
    }

    /** Revalidates the valid tags (the others are logged and left out); returns those it revalidated. */
    private List<String> revalidateTags(List<String> tags, String profile) {
        var valid = new ArrayList<String>();
        for (String t : tags == null ? List.<String>of() : tags) {
            String problem = Tags.problem(t);
            if (problem == null) {
                valid.add(t);
            } else {
                log.warn("revalidateTag: tag " + Text.quote(t) + " is left out: " + problem);
            }
        }
        String profileProblem = profileProblem(profile);
        if (profileProblem != null) {
            log.warn("revalidateTag: nothing revalidated: " + profileProblem);
            return List.of();
        }
        if (valid.isEmpty()) {
            log.warn("revalidateTag: no valid tag given; nothing revalidated");
            return List.of();
        }
        revalidate(List.copyOf(valid), profile != null);
        return valid;
    }

    /** Revalidates a path (or a layout); returns the one tag it wrote, or null when the path was left out. */
    private String revalidatePath(String path, PathType type, String profile) {
        String problem = pathProblem(path);
        if (problem == null) {
            problem = profileProblem(profile);
        }
        if (problem != null) {
            log.warn("revalidatePath: nothing revalidated: " + problem);
            return null;
        }
        String tag = pathRevalidationTag(path, type);
        revalidate(List.of(tag), profile != null);
        return tag;
    }

    /**
     * The one tag a path revalidation writes (and purges downstream): the canonical path's tag, or for a layout
     * the implicit tag every entry below it carries - one write, however large the site.
     */
    private static String pathRevalidationTag(String path, PathType type) {
        String canonical = CanonicalPath.of(path);
        return type == PathType.LAYOUT ? CacheKeys.layoutTag(canonical) : CacheKeys.pathTag(canonical);
    }

    /** What is wrong with a path given to revalidatePath, or null; any spelling of a path is accepted. */
    static String pathProblem(String path) {
        if (path == null || !path.startsWith("/")) {
            return "revalidatePath needs a path starting with '/', got: " + Text.quote(path);
        }
        if (path.length() > MAX_PATH_LENGTH) {
            return "revalidatePath: the path has " + path.length() + " characters; the limit is " + MAX_PATH_LENGTH;
        }
        if (path.indexOf('?') >= 0) {
            return "revalidatePath takes a pathname without query string, got: " + Text.quote(path);
        }
        String invalid = CanonicalPath.problem(path);
        return invalid == null ? null : "revalidatePath: path " + Text.quote(path) + " is invalid: " + invalid;
    }

    static String profileProblem(String profile) {
        if (profile != null && profile.isBlank()) {
            return "a revalidation profile must be a non-empty name such as \"max\", or absent for hard invalidation";
        }
        return null;
    }
}
