package dev.isr4j.isr;

import dev.isr4j.Body;
import dev.isr4j.Headers;
import dev.isr4j.text.Utf8;

/**
 * Strong entity tags for cached answers: a 128-bit digest of what a client receives from an entry (status,
 * stored headers, body, and a page's props, which its data route answers), so a regeneration that produces the
 * same bytes keeps its tag. Computed once, when
 * the entry is written, and stored with it; a HIT never hashes. Not a cryptographic digest: an ETag only has
 * to change when the representation does, and the representation is the app's own output.
 */
public final class Etags {
    private static final long P1 = 0x9E3779B97F4A7C15L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    static final String PROPS_FIELD = "x-isr-props";

    private Etags() {
    }

    /** {@code "<32 hex digits>"} for a response about to be stored. */
    public static String of(int status, Headers headers, Body body) {
        return of(status, headers, body, null);
    }

    /**
     * As {@link #of(int, Headers, Body)} for a page whose answer carries {@code props} (null: none). The props
     * are digested as a last field named {@value #PROPS_FIELD}, as when they travelled in that header, so a
     * page keeps the tag earlier releases gave the same output.
     */
    public static String of(int status, Headers headers, Body body, String props) {
        long[] h = {0x243F6A8885A308D3L ^ status, 0x13198A2E03707344L};
        for (var field : headers.entries()) {
            field(h, field.getKey(), field.getValue());
        }
        if (props != null) {
            field(h, PROPS_FIELD, props);
        }
        byte[] bytes = body.bytes();
        mix(h, bytes);
        long a = finish(h[0] ^ bytes.length);
        long b = finish(h[1] + a);
        return "\"" + hex(a) + hex(b) + "\"";
    }

    private static void field(long[] h, String name, String value) {
        mix(h, Utf8.encode(name));
        mix(h, new byte[] {0});
        mix(h, Utf8.encode(value));
        mix(h, new byte[] {'\n'});
    }

    /** A different tag for another representation of the same entry (a page's props JSON). */
    public static String variant(String etag, String suffix) {
        if (etag == null || etag.length() < 2 || !etag.endsWith("\"")) {
            return null;
        }
        return etag.substring(0, etag.length() - 1) + "-" + suffix + "\"";
    }

    /**
     * RFC 9110 section 13.1.2: does an {@code If-None-Match} value match {@code etag}? Weak comparison
     * ({@code W/} prefixes ignored), {@code *} matches any current representation. A malformed list matches
     * nothing, so the full answer is sent.
     */
    public static boolean noneMatchHits(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null || etag == null) {
            return false;
        }
        String own = opaque(etag, 0, etag.length());
        int i = 0;
        int n = ifNoneMatch.length();
        while (i < n) {
            char c = ifNoneMatch.charAt(i);
            if (c == ' ' || c == '\t' || c == ',') {
                i++;
                continue;
            }
            if (c == '*') {
                return true;
            }
            int start = i;
            if (ifNoneMatch.startsWith("W/", i)) {
                i += 2;
            }
            if (i >= n || ifNoneMatch.charAt(i) != '"') {
                return false;
            }
            int close = ifNoneMatch.indexOf('"', i + 1);
            if (close < 0) {
                return false;
            }
            i = close + 1;
            if (own != null && own.equals(opaque(ifNoneMatch, start, i))) {
                return true;
            }
        }
        return false;
    }

    /** The quoted opaque part of an entity tag, without any {@code W/}, or null when malformed. */
    private static String opaque(String s, int from, int to) {
        if (s.startsWith("W/", from)) {
            from += 2;
        }
        if (to - from < 2 || s.charAt(from) != '"' || s.charAt(to - 1) != '"') {
            return null;
        }
        return s.substring(from, to);
    }

    private static void mix(long[] h, byte[] bytes) {
        long h1 = h[0];
        long h2 = h[1];
        int i = 0;
        int whole = bytes.length & ~7;
        for (; i < whole; i += 8) {
            long k = (bytes[i] & 0xffL) | (bytes[i + 1] & 0xffL) << 8 | (bytes[i + 2] & 0xffL) << 16
                    | (bytes[i + 3] & 0xffL) << 24 | (bytes[i + 4] & 0xffL) << 32 | (bytes[i + 5] & 0xffL) << 40
                    | (bytes[i + 6] & 0xffL) << 48 | (bytes[i + 7] & 0xffL) << 56;
            h1 = Long.rotateLeft((h1 ^ k) * P1, 31);
            h2 = Long.rotateLeft((h2 + k) * P2, 27) ^ h1;
        }
        long k = 0;
        for (int shift = 0; i < bytes.length; i++, shift += 8) {
            k |= (bytes[i] & 0xffL) << shift;
        }
        h1 = Long.rotateLeft((h1 ^ k ^ bytes.length) * P1, 31);
        h2 = Long.rotateLeft((h2 + k) * P2, 27) ^ h1;
        h[0] = h1;
        h[1] = h2;
    }

    /** A 64-bit finaliser (xor-shift-multiply rounds) so every input bit reaches every output bit. */
    private static long finish(long x) {
        x ^= x >>> 33;
        x *= 0xFF51AFD7ED558CCDL;
        x ^= x >>> 33;
        x *= 0xC4CEB9FE1A85EC53L;
        x ^= x >>> 33;
        return x;
    }

    private static String hex(long v) {
        String s = Long.toHexString(v);
        return "0".repeat(16 - s.length()) + s;
    }
}
