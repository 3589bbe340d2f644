package dev.isr4j.isr;

import dev.isr4j.store.CacheKeys;
import dev.isr4j.Body;
import dev.isr4j.Headers;
import dev.isr4j.text.Utf8;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The {@code Cache-Tag} header a cached answer carries, so a CDN in front (Cloudflare's name for it) can be
 * purged by the same tags isr4j invalidates. One mapping from an isr4j tag to its downstream form, used both
 * for the header and for purging, so the two always agree.
 *
 * <p>Cloudflare accepts tags of printable ASCII up to 1024 characters, comma-separated, and a header of up to
 * 16 KB. A tag that is not printable ASCII, holds a space or a comma, or is longer than 1024 characters is sent
 * as {@code isr4j-h-<32 hex digits>} (a digest of the tag). Tags that do not fit the header's budget are left
 * out, path tags last; such an answer can then only be purged by one of the tags that fit.
 */
public final class CacheTagHeader {
    public static final String NAME = "cache-tag";
    static final int MAX_TAG_LENGTH = 1024;
    static final int MAX_HEADER_LENGTH = 16_000;

    private CacheTagHeader() {
    }

    /** The downstream form of one isr4j tag. */
    public static String downstream(String tag) {
        if (tag.length() <= MAX_TAG_LENGTH && isPlain(tag)) {
            return tag;
        }
        String digest = Etags.of(0, Headers.empty(), Body.of(Utf8.encode(tag)));
        return "isr4j-h-" + digest.substring(1, digest.length() - 1);
    }

    /** The downstream forms of several tags, without repeats. */
    public static List<String> downstream(List<String> tags) {
        var out = new LinkedHashSet<String>();
        for (String t : tags) {
            out.add(downstream(t));
        }
        return new ArrayList<>(out);
    }

    /**
     * The header value for an entry's tags (path tags first: they are what revalidatePath purges), or null
     * when there are none.
     */
    public static String value(List<String> tags) {
        if (tags == null || tags.isEmpty()) {
            return null;
        }
        int slot = System.identityHashCode(tags) & (RECENT.length - 1);
        Recent recent = RECENT[slot];
        if (recent != null && recent.tags() == tags) {
            return recent.value(); // the same (immutable) list as an earlier answer's: a hot entry served again
        }
        String value = compute(tags);
        RECENT[slot] = new Recent(tags, value);
        return value;
    }

    /**
     * Lists asked about lately and their values, a slot per identity hash (entries the decoder remembers hand
     * out the same list on every read). One record per slot, so a reader never pairs one list with another's
     * value, and threads need no lock.
     */
    private record Recent(List<String> tags, String value) {
    }

    private static final Recent[] RECENT = new Recent[64];

    private static String compute(List<String> tags) {
        var ordered = new ArrayList<String>(tags.size());
        for (String t : tags) {
            if (CacheKeys.isPathTag(t)) {
                ordered.add(t);
            }
        }
        for (String t : tags) {
            if (!CacheKeys.isPathTag(t)) {
                ordered.add(t);
            }
        }
        var sb = new StringBuilder();
        for (String t : downstream(ordered)) {
            if (sb.length() + 1 + t.length() > MAX_HEADER_LENGTH) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(t);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    private static boolean isPlain(String tag) {
        if (tag.isEmpty()) {
            return false;
        }
        for (int i = 0; i < tag.length(); i++) {
            char c = tag.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == ',' || c == '"') {
                return false;
            }
        }
        return true;
    }
}
