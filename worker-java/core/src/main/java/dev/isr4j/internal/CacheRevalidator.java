package dev.isr4j.internal;

import dev.isr4j.PathType;
import dev.isr4j.Revalidator;
import dev.isr4j.api.BackgroundWork;
import dev.isr4j.api.CacheHandler;
import dev.isr4j.api.CachePurger;
import dev.isr4j.api.Log;
import java.util.List;

/** Revalidation through the cache handler; validates everything before writing anything. */
final class CacheRevalidator implements Revalidator {
    private final CacheHandler handler;

    CacheRevalidator(CacheHandler handler) {
        this.handler = handler;
    }

    /**
     * This revalidator for one request: after each revalidation is stored, the same tags are purged
     * downstream by {@code purger} (when there is one) in the request's background work.
     */
    Revalidator forRequest(CachePurger purger, BackgroundWork background, Log log) {
        if (purger == null) {
            return this;
        }
        return new Revalidator() {
            @Override
            public void tags(List<String> tags, String profile) {
                CacheRevalidator.this.tags(tags, profile);
                purgeLater(tags);
            }

            @Override
            public void path(String path, PathType type, String profile) {
                CacheRevalidator.this.path(path, type, profile);
                purgeLater(List.of(CacheKeys.pathTag(path)));
            }

            private void purgeLater(List<String> tags) {
                List<String> cacheTags = CacheTagHeader.downstream(tags);
                BackgroundWrites.submit(background, () -> {
                    try {
                        purger.purge(cacheTags);
                    } catch (RuntimeException e) {
                        log.error("purging Cache-Tag " + cacheTags + " downstream failed", e);
                    }
                }, log, "downstream purge of " + cacheTags);
            }
        };
    }

    @Override
    public void tags(List<String> tags, String profile) {
        if (tags == null || tags.isEmpty()) {
            throw new IllegalArgumentException("revalidateTag needs at least one tag");
        }
        for (String t : tags) {
            Tags.validate(t);
        }
        handler.revalidateTag(List.copyOf(tags), soft(profile)).await();
    }

    @Override
    public void path(String path, PathType type, String profile) {
        validatePath(path);
        boolean soft = soft(profile);
        if (type == PathType.LAYOUT) {
            handler.revalidateLayout(path, soft).await();
        } else {
            handler.revalidateTag(List.of(CacheKeys.pathTag(path)), soft).await();
        }
    }

    static void validatePath(String path) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("revalidatePath needs a path starting with '/', got: " + path);
        }
        if (path.length() > 2048) {
            throw new IllegalArgumentException("revalidatePath: path longer than 2048 characters");
        }
        int q = path.indexOf('?');
        if (q >= 0) {
            throw new IllegalArgumentException("revalidatePath takes a pathname without query string, got: " + path);
        }
    }

    private static boolean soft(String profile) {
        if (profile != null && profile.isBlank()) {
            throw new IllegalArgumentException("a revalidation profile must be a non-empty name such as \"max\", "
                    + "or absent for hard invalidation");
        }
        return profile != null;
    }
}
