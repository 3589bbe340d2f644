package dev.isr4j.internal;

import dev.isr4j.PathType;
import dev.isr4j.Revalidator;
import dev.isr4j.api.CacheHandler;
import java.util.List;

/** Revalidation through the cache handler; validates everything before writing anything. */
final class CacheRevalidator implements Revalidator {
    private final CacheHandler handler;

    CacheRevalidator(CacheHandler handler) {
        this.handler = handler;
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
        // A layout is one implicit tag that every entry below it carries: one write, however large the site.
        String tag = type == PathType.LAYOUT ? CacheKeys.layoutTag(path) : CacheKeys.pathTag(path);
        handler.revalidateTag(List.of(tag), soft).await();
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
