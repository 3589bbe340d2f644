package dev.isr4j.isr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.isr4j.Body;
import dev.isr4j.Headers;
import org.junit.jupiter.api.Test;

class EtagsTest {
    private static final Headers HTML = Headers.of("content-type", "text/html; charset=utf-8");

    @Test
    void aPageKeepsTheTagItHadWhenItsPropsTravelledInAHeader() {
        String props = "{\"slug\":\"hello\"}";
        assertEquals(Etags.of(200, HTML.with("x-isr-props", props), Body.of("<h1>hello</h1>")),
                Etags.of(200, HTML, Body.of("<h1>hello</h1>"), props));
    }

    @Test
    void propsAreDigestedSoTheDataRoutesTagChangesWithThem() {
        assertNotEquals(Etags.of(200, HTML, Body.of("<h1>x</h1>"), "{\"n\":1}"),
                Etags.of(200, HTML, Body.of("<h1>x</h1>"), "{\"n\":2}"));
        assertEquals(Etags.of(200, HTML, Body.of("<h1>x</h1>")), Etags.of(200, HTML, Body.of("<h1>x</h1>"), null));
    }
}
