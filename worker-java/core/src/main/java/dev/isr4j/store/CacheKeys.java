package dev.isr4j.store;

import dev.isr4j.text.CanonicalPath;
import dev.isr4j.text.Utf8;
import java.util.ArrayList;
import java.util.List;

/**
 * Cache keys, stable across releases (entries written by one release are read by the next). A cache key is the
 * full identity of what an entry was written for; a storage with a key limit stores it under
 * {@link #storageKey} and keeps the key itself in the entry, so a hash collision is a miss, never a wrong answer.
 *
 * <ul>
 *   <li>route handlers: {@code app:<path>:route}, or {@code app:<buildId>:<path>:route} with a build id;
 *       pages: {@code pages:<path>} ({@code pages:<buildId>:<path>}); data: {@code data:<name>} followed by
 *       the arguments, each as U+0001 then {@code <length>:<chars>} (or U+0001 {@code N} for null);</li>
 *   <li>{@code <path>} is the pathname without query string in its {@link CanonicalPath} form (escapes of
 *       characters allowed raw decoded, repeated and trailing slashes dropped, dot segments resolved);</li>
 *   <li>storage keys: a route or page key longer than 200 characters becomes {@code app:__hash:<h>:route}
 *       ({@code app:<buildId>:__hash:<h>:route}, {@code pages:[<buildId>:]__hash:<h>}), where {@code <h>} is
 *       the 64-bit FNV-1a hash of the normalised path's UTF-8 bytes (offset basis 0xcbf29ce484222325, prime
 *       0x100000001b3), as 16 lower-case hex digits; a data key always becomes
 *       {@code data:<name>:<h>} with {@code <h>} the hash of everything after {@code data:}. So no key, with
 *       KV's "cache:" prefix, comes near KV's 512-byte limit.</li>
 * </ul>
 */
public final class CacheKeys {
    public static final int MAX_PLAIN_KEY_LENGTH = 200;

    private CacheKeys() {
    }

    /** The canonical path; throws {@link CanonicalPath.Invalid} for a path that has none (see there). */
    public static String normalisePath(String path) {
        return CanonicalPath.of(path);
    }

    public static String routeKey(String path, String buildId) {
        String p = normalisePath(path);
        String prefix = buildId == null || buildId.isEmpty() ? "app:" : "app:" + buildId + ":";
        return prefix + p + ":route";
    }

    /** Page entries: {@code pages:<path>} ({@code pages:<buildId>:<path>}). */
    public static String pageKey(String path, String buildId) {
        String p = normalisePath(path);
        String prefix = buildId == null || buildId.isEmpty() ? "pages:" : "pages:" + buildId + ":";
        return prefix + p;
    }

    /**
     * Where a storage with a key limit keeps the entry of {@code key} (see the class comment): the key itself
     * when short, else a hashed form. Different keys may share a storage key; the entry tells them apart.
     */
    public static String storageKey(String key) {
        if (key.startsWith("data:")) {
            String rest = key.substring(5);
            int args = rest.indexOf('\u0001');
            return "data:" + (args < 0 ? rest : rest.substring(0, args)) + ":" + fnv1a64Hex(rest);
        }
        if (key.length() <= MAX_PLAIN_KEY_LENGTH) {
            return key;
        }
        int slash = key.indexOf('/');
        if (slash > 0 && key.startsWith("app:") && key.endsWith(":route") && slash <= key.length() - 6) {
            return key.substring(0, slash) + "__hash:" + fnv1a64Hex(key.substring(slash, key.length() - 6)) + ":route";
        }
        if (slash > 0 && key.startsWith("pages:")) {
            return key.substring(0, slash) + "__hash:" + fnv1a64Hex(key.substring(slash));
        }
        return "__hash:" + fnv1a64Hex(key);
    }

    /** The tag every entry for a path carries, for revalidatePath; ':' keeps it apart from user tags. */
    public static String pathTag(String path) {
        return "path:" + normalisePath(path);
    }

    /** True for a path tag (as opposed to a user's tag). */
    public static boolean isPathTag(String tag) {
        return tag.startsWith("path:");
    }

    /**
     * Layout tags go this many segments deep: an entry carries at most {@value} + 1 of them (the root's and one per
     * ancestor, its own path included, down to this depth). {@code revalidatePath(p, LAYOUT)} for a deeper
     * {@code p} revalidates its ancestor at this depth, which reaches everything below {@code p} and some more.
     */
    public static final int MAX_LAYOUT_DEPTH = 15;
    /** Longer layout tags are written as {@code layout:#<fnv1a64 of the path>}; a collision only widens a revalidation. */
    static final int MAX_PLAIN_LAYOUT_TAG_LENGTH = 128;

    /**
     * The implicit tags of an entry for {@code path}, one per segment from the root down (as Next.js's
     * {@code _N_T_} layout tags): {@code layout:/}, {@code layout:/blog}, {@code layout:/blog/post}. So
     * {@code revalidatePath("/blog", LAYOUT)} is one tag write ({@link #layoutTag}) that reaches every entry
     * below {@code /blog}, in the cache or in the build's prerendered bundle, whatever its path's length.
     */
    public static List<String> layoutTags(String path) {
        String p = normalisePath(path);
        var tags = new ArrayList<String>();
        tags.add(layoutTagOf("/"));
        int depth = 0;
        for (int i = 1; i <= p.length() && depth < MAX_LAYOUT_DEPTH && p.length() > 1; i++) {
            if (i == p.length() || p.charAt(i) == '/') {
                depth++;
                tags.add(layoutTagOf(p.substring(0, i)));
            }
        }
        return tags;
    }

    /** The tag {@code revalidatePath(path, LAYOUT)} writes: the layout tag of the path (or of its ancestor at
     * {@link #MAX_LAYOUT_DEPTH} segments when deeper). */
    public static String layoutTag(String path) {
        var tags = layoutTags(path);
        return tags.get(tags.size() - 1);
    }

    private static String layoutTagOf(String prefix) {
        String tag = "layout:" + prefix;
        return tag.length() <= MAX_PLAIN_LAYOUT_TAG_LENGTH ? tag : "layout:#" + fnv1a64Hex(prefix);
    }

    /** True for tags isr4j derives from paths ({@code path:}, {@code layout:}); users cannot write them. */
    public static boolean isImplicitTag(String tag) {
        return tag != null && (tag.startsWith("path:") || tag.startsWith("layout:"));
    }

    public static long fnv1a64(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : Utf8.encode(s)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    public static String fnv1a64Hex(String s) {
        String hex = Long.toHexString(fnv1a64(s));
        return "0".repeat(16 - hex.length()) + hex;
    }
}
