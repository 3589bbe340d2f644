package dev.isr4j.text;

import java.util.ArrayList;

/**
 * The one spelling of a request path that routing, cache keys, path tags and {@code revalidatePath} share,
 * so every spelling the router answers alike reads and invalidates one entry.
 *
 * <ul>
 *   <li>empty segments go: repeated slashes collapse, trailing slashes are dropped ({@code "/"} stays);</li>
 *   <li>escapes are decoded, then a character is written raw when RFC 3986 allows it raw in a segment
 *       (unreserved, sub-delims, ':' and '@') and as upper-case {@code %XX} UTF-8 otherwise: {@code %31} is
 *       {@code 1}, {@code %7e} is {@code ~}, {@code é} is {@code %C3%A9}. The router decodes every escape in
 *       a parameter, so decoding more than the unreserved set never merges paths it tells apart;</li>
 *   <li>dot segments ({@code .}, {@code ..}, also when written {@code %2E}) are resolved as RFC 3986 5.2.4
 *       and the WHATWG URL parser (which workerd applies first) do; {@code ..} never climbs above the root.</li>
 * </ul>
 *
 * Rejected with {@link Invalid} (the dispatcher answers 400): a '%' not followed by two hex digits, escapes
 * that are not UTF-8, NUL (raw or {@code %00}), a lone surrogate, and an encoded slash ({@code %2F}), which
 * would make a parameter's value ambiguous with two segments (Tomcat and Jetty refuse it for that reason).
 */
public final class CanonicalPath {
    private CanonicalPath() {
    }

    /** Why a path has no canonical form; the message says what is wrong with it. */
    public static final class Invalid extends IllegalArgumentException {
        Invalid(String message) {
            super(message);
        }
    }

    /** The canonical form of {@code path} (a pathname without query); null or "" is "/". */
    public static String of(String path) {
        if (path == null || path.isEmpty()) {
            return "/";
        }
        if (isCanonical(path)) {
            return path;
        }
        var segments = new ArrayList<String>();
        int start = 0;
        for (int i = 0; i <= path.length(); i++) {
            if (i == path.length() || path.charAt(i) == '/') {
                if (i > start) {
                    String segment = decodeSegment(path, start, i);
                    if (segment.equals("..")) {
                        if (!segments.isEmpty()) {
                            segments.remove(segments.size() - 1);
                        }
                    } else if (!segment.equals(".")) {
                        segments.add(encodeSegment(segment));
                    }
                }
                start = i + 1;
            }
        }
        if (segments.isEmpty()) {
            return "/";
        }
        var out = new StringBuilder(path.length());
        for (String s : segments) {
            out.append('/').append(s);
        }
        return out.toString();
    }

    /** Null when {@code path} has a canonical form, otherwise what is wrong with it. */
    public static String problem(String path) {
        try {
            of(path);
            return null;
        } catch (Invalid e) {
            return e.getMessage();
        }
    }

    /** The fast path: most paths are already canonical and need no copy. */
    private static boolean isCanonical(String p) {
        if (p.charAt(0) != '/') {
            return false;
        }
        if (p.length() == 1) {
            return true;
        }
        int segmentStart = 1;
        for (int i = 1; i <= p.length(); i++) {
            if (i == p.length() || p.charAt(i) == '/') {
                int len = i - segmentStart;
                if (len == 0) {
                    return false; // "//" or a trailing '/'
                }
                if (p.charAt(segmentStart) == '.' && (len == 1 || (len == 2 && p.charAt(segmentStart + 1) == '.'))) {
                    return false;
                }
                segmentStart = i + 1;
            } else if (!isRawInSegment(p.charAt(i))) {
                return false; // includes '%': escapes go through the full decode
            }
        }
        return true;
    }

    /** RFC 3986 pchar without pct-encoded: unreserved, sub-delims, ':' and '@'. */
    private static boolean isRawInSegment(char c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        return "-._~!$&'()*+,;=:@".indexOf(c) >= 0;
    }

    /** Decodes path[from, to) strictly: escapes and raw characters as one UTF-8 byte sequence. */
    private static String decodeSegment(String path, int from, int to) {
        byte[] bytes = new byte[(to - from) * 3];
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = path.charAt(i);
            if (c == '%') {
                int hi = i + 1 < to ? hex(path.charAt(i + 1)) : -1;
                int lo = i + 2 < to ? hex(path.charAt(i + 2)) : -1;
                if (hi < 0 || lo < 0) {
                    throw new Invalid("malformed percent-encoding at index " + i
                            + ": '%' must be followed by two hex digits (write a literal '%' as %25)");
                }
                int b = hi * 16 + lo;
                if (b == '/') {
                    throw new Invalid("an encoded '/' (%2F) at index " + i + " is not accepted: it would be "
                            + "ambiguous with a segment separator");
                }
                if (b == 0) {
                    throw new Invalid("the path contains NUL (%00) at index " + i);
                }
                bytes[n++] = (byte) b;
                i += 2;
            } else if (c == 0) {
                throw new Invalid("the path contains NUL at index " + i);
            } else if (c < 0x80) {
                bytes[n++] = (byte) c;
            } else {
                int cp;
                if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(path.charAt(i + 1))) {
                    cp = Character.toCodePoint(c, path.charAt(++i));
                } else if (Character.isSurrogate(c)) {
                    throw new Invalid("the path contains a lone surrogate at index " + i);
                } else {
                    cp = c;
                }
                n = putUtf8(bytes, n, cp);
            }
        }
        return decodeUtf8(bytes, n, from);
    }

    private static int putUtf8(byte[] out, int n, int cp) {
        if (cp < 0x800) {
            out[n++] = (byte) (0xc0 | (cp >> 6));
        } else if (cp < 0x10000) {
            out[n++] = (byte) (0xe0 | (cp >> 12));
            out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
        } else {
            out[n++] = (byte) (0xf0 | (cp >> 18));
            out[n++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
            out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
        }
        out[n++] = (byte) (0x80 | (cp & 0x3f));
        return n;
    }

    /** Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF); the JDK decoder would replace. */
    private static String decodeUtf8(byte[] bytes, int n, int segmentStart) {
        var out = new StringBuilder(n);
        for (int i = 0; i < n; ) {
            int b = bytes[i] & 0xff;
            int more;
            int cp;
            int min;
            if (b < 0x80) {
                out.append((char) b);
                i++;
                continue;
            } else if (b >= 0xc2 && b <= 0xdf) {
                more = 1;
                cp = b & 0x1f;
                min = 0x80;
            } else if (b >= 0xe0 && b <= 0xef) {
                more = 2;
                cp = b & 0x0f;
                min = 0x800;
            } else if (b >= 0xf0 && b <= 0xf4) {
                more = 3;
                cp = b & 0x07;
                min = 0x10000;
            } else {
                throw notUtf8(segmentStart);
            }
            if (i + more >= n) {
                throw notUtf8(segmentStart);
            }
            for (int k = 1; k <= more; k++) {
                int c = bytes[i + k] & 0xff;
                if ((c & 0xc0) != 0x80) {
                    throw notUtf8(segmentStart);
                }
                cp = (cp << 6) | (c & 0x3f);
            }
            if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
                throw notUtf8(segmentStart);
            }
            out.appendCodePoint(cp);
            i += more + 1;
        }
        return out.toString();
    }

    private static Invalid notUtf8(int segmentStart) {
        return new Invalid("the segment starting at index " + segmentStart
                + " does not decode to UTF-8 (its percent-encoded bytes must be a UTF-8 sequence)");
    }

    private static String encodeSegment(String decoded) {
        var out = new StringBuilder(decoded.length() + 8);
        byte[] buf = new byte[4];
        for (int i = 0; i < decoded.length(); ) {
            int cp = decoded.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 0x80 && isRawInSegment((char) cp)) {
                out.append((char) cp);
                continue;
            }
            int n = cp < 0x80 ? one(buf, cp) : putUtf8(buf, 0, cp);
            for (int k = 0; k < n; k++) {
                int b = buf[k] & 0xff;
                out.append('%').append(HEX.charAt(b >> 4)).append(HEX.charAt(b & 0xf));
            }
        }
        return out.toString();
    }

    private static int one(byte[] buf, int b) {
        buf[0] = (byte) b;
        return 1;
    }

    private static final String HEX = "0123456789ABCDEF";

    private static int hex(char c) {
        return Text.hexValue(c);
    }
}
