package dev.isr4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class CanonicalPathPropertyTest {
    /** Anything a client can send: canonicalisation succeeds or fails with its documented error only. */
    @Property(tries = 2000)
    void neverThrowsAnythingButInvalidAndIsIdempotent(@ForAll("rawPaths") String raw) {
        String canonical;
        try {
            canonical = CanonicalPath.of(raw);
        } catch (CanonicalPath.Invalid e) {
            assertNotNull(e.getMessage());
            return;
        }
        assertEquals(canonical, CanonicalPath.of(canonical));
        assertEquals(null, CanonicalPath.problem(canonical));
    }

    @Property(tries = 1000)
    void arbitraryStringsNeverThrowAnythingButInvalid(@ForAll String raw) {
        try {
            String c = CanonicalPath.of("/" + raw);
            assertEquals(c, CanonicalPath.of(c));
        } catch (CanonicalPath.Invalid expected) {
            // documented
        }
    }

    /** Spellings of one path (escapes, extra slashes, dot segments) all canonicalise alike and route alike. */
    @Property(tries = 1000)
    void everySpellingHasTheSameCanonicalPathAndTheSameParams(
            @ForAll("segmentLists") List<String> segments, @ForAll long seed) {
        String plain = "/" + String.join("/", segments.stream().map(CanonicalPathPropertyTest::encodeAll).toList());
        String spelled = spell(segments, new Random(seed));
        assertEquals(CanonicalPath.of(plain), CanonicalPath.of(spelled), spelled);

        var router = new Router<String>();
        router.add("/r/{a}", "one");
        router.add("/r/{a}/{b}", "two");
        router.add("/r/{a}/{b}/{...rest}", "rest");
        var expected = router.match(CanonicalPath.of("/r" + plain));
        var actual = router.match(CanonicalPath.of("/r" + spelled));
        assertEquals(expected.target(), actual.target(), spelled);
        assertEquals(expected.params(), actual.params(), spelled);
        // The params are the decoded segments themselves.
        assertEquals(segments.get(0), actual.params().get("a"));
        if (segments.size() > 2) {
            assertEquals(String.join("/", segments.subList(2, segments.size())), actual.params().get("rest"));
        }
    }

    @Provide
    Arbitrary<String> rawPaths() {
        Arbitrary<Character> chars = Arbitraries.oneOf(
                Arbitraries.of('/', '/', '%', '.', 'a', 'Z', '0', '-', '~', ':', '@', '?', ' ', '\0', '\u00e9',
                        '\ud83d', '\ude00', '\u0085'),
                Arbitraries.chars().with("0123456789abcdefABCDEF"),
                Arbitraries.chars());
        return chars.list().ofMaxSize(40).map(cs -> {
            var sb = new StringBuilder("/");
            cs.forEach(sb::append);
            return sb.toString();
        });
    }

    /** Path segments as a handler would see them: any text but '/', NUL, lone surrogates and dot segments. */
    @Provide
    Arbitrary<List<String>> segmentLists() {
        Arbitrary<String> segment = Arbitraries.strings()
                .withChars("abcXYZ019-._~!$&'()*+,;=:@ %?#[]\u00e9\u4e2d\u0001\u007f")
                .withChars('\ud83d')
                .ofMinLength(1).ofMaxLength(8)
                .map(s -> s.replace("\ud83d", "\ud83d\ude00"))
                .filter(s -> !s.equals(".") && !s.equals(".."));
        return segment.list().ofMinSize(1).ofMaxSize(5);
    }

    private static String encodeAll(String segment) {
        var sb = new StringBuilder();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            sb.append('%').append(String.format("%02X", b & 0xff));
        }
        return sb.toString();
    }

    /** One random spelling: each character raw (when a client may send it raw) or escaped in either case. */
    private static String spell(List<String> segments, Random random) {
        var sb = new StringBuilder();
        for (String segment : segments) {
            sb.append("/".repeat(1 + random.nextInt(2)));
            if (random.nextInt(4) == 0) {
                sb.append(random.nextBoolean() ? "./" : "%2e/"); // a '.' segment changes nothing
            }
            if (random.nextInt(4) == 0) {
                sb.append("junk/").append(random.nextBoolean() ? "../" : ".%2E/"); // nor does x/..
            }
            for (int i = 0; i < segment.length(); ) {
                int cp = segment.codePointAt(i);
                String ch = new String(Character.toChars(cp));
                i += ch.length();
                boolean rawOk = cp > ' ' && cp != '%' && cp != '?' && cp != '#' && cp != 0x7f;
                if (rawOk && random.nextBoolean()) {
                    sb.append(ch);
                } else {
                    for (byte b : ch.getBytes(StandardCharsets.UTF_8)) {
                        String hex = String.format("%02X", b & 0xff);
                        sb.append('%').append(random.nextBoolean() ? hex : hex.toLowerCase());
                    }
                }
            }
        }
        sb.append("/".repeat(random.nextInt(3)));
        return sb.toString();
    }
}
