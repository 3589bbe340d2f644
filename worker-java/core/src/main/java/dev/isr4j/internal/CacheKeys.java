package dev.isr4j.internal;

import java.nio.charset.StandardCharsets;

/**
 * Cache keys, stable across releases (entries written by one release are read by the next). A cache key is the
 * full identity of what an entry was written for; a storage with a key limit stores it under
 * {@link #storageKey} and keeps the key itself in the entry, so a hash collision is a miss, never a wrong answer.
 *
 * <ul>
 *   <li>route handlers: {@code app:<path>:route}, or {@code app:<buildId>:<path>:route} with a build id;
 *       pages: {@code pages:<path>} ({@code pages:<buildId>:<path>}); data: {@code data:<name>} followed by
 *       the arguments, each as U+0001 then {@code <length>:<chars>} (or U+0001 {@code N} for null);</li>
 *   <li>{@code <path>} is the pathname as received, without query string, with one trailing '/' removed
 *       (except for "/" itself);</li>
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

    public static String normalisePath(String path) {
        if (path == null || path.isEmpty()) {
            return "/";
        }
        if (path.length() > 1 && path.endsWith("/")) {
            return path.substring(0, path.length() - 1);
        }
        return path;
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

    /** True when {@code tag} is the path tag of {@code root} or of a path below it, by whole segments. */
    public static boolean isPathTagUnder(String tag, String root) {
        if (!tag.startsWith("path:")) {
            return false;
        }
        String p = tag.substring(5);
        String r = normalisePath(root);
        return p.equals(r) || r.equals("/") || (p.startsWith(r) && p.charAt(r.length()) == '/');
    }

    public static long fnv1a64(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
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
