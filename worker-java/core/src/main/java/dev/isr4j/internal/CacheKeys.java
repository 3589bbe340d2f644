package dev.isr4j.internal;

import java.nio.charset.StandardCharsets;

/**
 * Cache keys for route handlers, stable across releases (entries written by one release are read by the next).
 *
 * <ul>
 *   <li>{@code app:<path>:route}, or {@code app:<buildId>:<path>:route} with a build id;</li>
 *   <li>{@code <path>} is the pathname without query string in its {@link CanonicalPath} form (escapes of
 *       characters allowed raw decoded, repeated and trailing slashes dropped, dot segments resolved);</li>
 *   <li>a key longer than 200 characters becomes {@code app:__hash:<h>:route} (with a build id,
 *       {@code app:<buildId>:__hash:<h>:route}), where {@code <h>} is the 64-bit FNV-1a hash of the normalised
 *       path's UTF-8 bytes (offset basis 0xcbf29ce484222325, prime 0x100000001b3), as 16 lower-case hex
 *       digits. So no key, with KV's "cache:" prefix, comes near KV's 512-byte limit.</li>
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
        String key = prefix + p + ":route";
        if (key.length() <= MAX_PLAIN_KEY_LENGTH) {
            return key;
        }
        return prefix + "__hash:" + fnv1a64Hex(p) + ":route";
    }

    /** Page entries: {@code pages:<path>} ({@code pages:<buildId>:<path>}), hashed like route keys when long. */
    public static String pageKey(String path, String buildId) {
        String p = normalisePath(path);
        String prefix = buildId == null || buildId.isEmpty() ? "pages:" : "pages:" + buildId + ":";
        String key = prefix + p;
        return key.length() <= MAX_PLAIN_KEY_LENGTH ? key : prefix + "__hash:" + fnv1a64Hex(p);
    }

    /** The tag every entry for a path carries, for revalidatePath; ':' keeps it apart from user tags. */
    public static String pathTag(String path) {
        return "path:" + normalisePath(path);
    }

    /** True for a path tag (as opposed to a user's tag). */
    public static boolean isPathTag(String tag) {
        return tag.startsWith("path:");
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
