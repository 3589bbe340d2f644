package dev.isr4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {
    private final Router<String> router = new Router<>();

    @Test
    void literalPathMatchesExactlyAndIgnoresTrailingSlash() {
        router.add("/api/hello", "hello");
        assertEquals("hello", router.match("/api/hello").target());
        assertEquals("hello", router.match("/api/hello/").target());
        assertNull(router.match("/api/hello/x"));
        assertNull(router.match("/api"));
    }

    @Test
    void namedParameterCapturesOneDecodedSegment() {
        router.add("/api/posts/{id}", "post");
        var m = router.match("/api/posts/hello%20world");
        assertEquals("post", m.target());
        assertEquals(Map.of("id", "hello world"), m.params());
        assertNull(router.match("/api/posts/1/comments"));
        assertNull(router.match("/api/posts"));
    }

    @Test
    void catchAllCapturesTheRestOfThePath() {
        router.add("/api/long/{...rest}", "long");
        assertEquals(Map.of("rest", "a/b/c"), router.match("/api/long/a/b/c").params());
        assertEquals(Map.of("rest", "a"), router.match("/api/long/a").params());
        assertNull(router.match("/api/long"), "a catch-all needs at least one segment");
    }

    @Test
    void literalsWinOverParametersWhateverTheOrder() {
        router.add("/api/posts/{id}", "param");
        router.add("/api/posts/latest", "literal");
        router.add("/api/{...rest}", "catchall");
        assertEquals("literal", router.match("/api/posts/latest").target());
        assertEquals("param", router.match("/api/posts/7").target());
        assertEquals("catchall", router.match("/api/other/thing").target());
    }

    @Test
    void malformedPatternsFailWithAMessage() {
        var e = assertThrows(IllegalArgumentException.class, () -> router.add("api/x", "x"));
        assertTrue(e.getMessage().contains("must start with '/'"));
        e = assertThrows(IllegalArgumentException.class, () -> router.add("/a/{...rest}/b", "x"));
        assertTrue(e.getMessage().contains("last segment"));
        e = assertThrows(IllegalArgumentException.class, () -> router.add("/a/post-{id}", "x"));
        assertTrue(e.getMessage().contains("whole segment"));
        e = assertThrows(IllegalArgumentException.class, () -> router.add("/a/{id}/{id}", "x"));
        assertTrue(e.getMessage().contains("twice"));
    }

    @Test
    void twoRoutesOfTheSameShapeAreRejected() {
        router.add("/api/posts/{id}", "a");
        var e = assertThrows(IllegalArgumentException.class, () -> router.add("/api/posts/{slug}", "b"));
        assertTrue(e.getMessage().contains("declared twice"));
    }
}
