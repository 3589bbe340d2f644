package dev.isr4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CanonicalPathTest {
    @Test
    void escapesOfUnreservedCharactersAreDecoded() {
        assertEquals("/api/posts/1", CanonicalPath.of("/api/posts/%31"));
        assertEquals("/a-b.c_d~e", CanonicalPath.of("/%61%2D%62%2e%63%5F%64%7e%65"));
    }

    @Test
    void repeatedAndTrailingSlashesCollapse() {
        assertEquals("/api/posts/1", CanonicalPath.of("/api/posts//1"));
        assertEquals("/api/posts/1", CanonicalPath.of("/api/posts/1//"));
        assertEquals("/api/posts/1", CanonicalPath.of("//api///posts/1/"));
        assertEquals("/", CanonicalPath.of("/"));
        assertEquals("/", CanonicalPath.of("///"));
        assertEquals("/", CanonicalPath.of(""));
        assertEquals("/", CanonicalPath.of(null));
    }

    @Test
    void dotSegmentsResolveAndNeverClimbAboveTheRoot() {
        assertEquals("/b", CanonicalPath.of("/a/../b"));
        assertEquals("/a/b", CanonicalPath.of("/a/./b"));
        assertEquals("/b", CanonicalPath.of("/a/%2e%2E/b"), "an encoded dot segment is one too (as WHATWG URL)");
        assertEquals("/etc", CanonicalPath.of("/../../etc"));
        assertEquals("/", CanonicalPath.of("/a/.."));
        assertEquals("/.../.a/a.", CanonicalPath.of("/.../.a/a."), "only '.' and '..' are dot segments");
    }

    @Test
    void charactersOutsideTheRawSetAreWrittenAsUpperCaseUtf8Escapes() {
        assertEquals("/caf%C3%A9", CanonicalPath.of("/caf\u00e9"));
        assertEquals("/caf%C3%A9", CanonicalPath.of("/caf%c3%a9"));
        assertEquals("/hello%20world", CanonicalPath.of("/hello world"));
        assertEquals("/%F0%9F%98%80", CanonicalPath.of("/\ud83d\ude00"));
        assertEquals("/100%25", CanonicalPath.of("/100%25"));
        assertEquals("/a%3Fb%23c", CanonicalPath.of("/a%3fb%23c"));
        assertEquals("/tab%09", CanonicalPath.of("/tab%09"));
    }

    @Test
    void subDelimitersColonAndAtAreWrittenRawSinceTheRouterDecodesThemAnyway() {
        assertEquals("/a:b@c!$&'()*+,;=", CanonicalPath.of("/a%3Ab%40c%21%24%26%27%28%29%2A%2B%2C%3B%3D"));
    }

    @Test
    void aCanonicalPathIsReturnedAsIs() {
        String p = "/api/posts/1";
        assertSame(p, CanonicalPath.of(p));
    }

    @Test
    void malformedEscapesAreRejectedNamingTheIndex() {
        var e = assertThrows(CanonicalPath.Invalid.class, () -> CanonicalPath.of("/a/%zz"));
        assertTrue(e.getMessage().contains("index 3") && e.getMessage().contains("two hex digits"), e.getMessage());
        assertThrows(CanonicalPath.Invalid.class, () -> CanonicalPath.of("/a/%4"));
        assertThrows(CanonicalPath.Invalid.class, () -> CanonicalPath.of("/a/%"));
        assertThrows(CanonicalPath.Invalid.class, () -> CanonicalPath.of("/a/%4/b"), "an escape cannot span a '/'");
    }

    @Test
    void nulRawOrEncodedIsRejected() {
        assertTrue(CanonicalPath.problem("/a%00b").contains("NUL"));
        assertTrue(CanonicalPath.problem("/a\0b").contains("NUL"));
    }

    @Test
    void anEncodedSlashIsRejectedAsAmbiguous() {
        assertTrue(CanonicalPath.problem("/api/posts/a%2Fb").contains("%2F"));
        assertTrue(CanonicalPath.problem("/api/posts/a%2fb").contains("%2F"));
    }

    @Test
    void escapesThatAreNotUtf8AreRejected() {
        for (String p : new String[] {"/%FF", "/%C3", "/%C3x", "/%C0%AF", "/%ED%A0%80", "/%F4%90%80%80", "/%80"}) {
            assertTrue(CanonicalPath.problem(p).contains("UTF-8"), p);
        }
        assertTrue(CanonicalPath.problem("/\ud800").contains("lone surrogate"));
        assertNull(CanonicalPath.problem("/%F0%9F%98%80"));
    }
}
