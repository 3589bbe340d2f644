package dev.isr4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TagsTest {
    @Test
    void c1ControlsAreRejectedLikeC0() {
        for (char c : new char[] {'\u0000', '\t', '\u001f', '\u007f', '\u0080', '\u0085', '\u009f'}) {
            assertTrue(Tags.problem("a" + c).contains("control character"), Integer.toHexString(c));
        }
        assertNull(Tags.problem("a\u00a0b"), "U+00A0 is not a control");
    }

    @Test
    void loneSurrogatesAreRejectedAndPairsAccepted() {
        assertTrue(Tags.problem("a\ud800").contains("lone surrogate U+D800 at index 1"));
        assertTrue(Tags.problem("\udc00a").contains("lone surrogate"));
        assertTrue(Tags.problem("\ude00\ud83d").contains("lone surrogate"), "a pair in the wrong order");
        assertNull(Tags.problem("emoji-\ud83d\ude00"));
    }

    @Test
    void theMessageQuotesTheTagPrintably() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tags.validate("bad\ttag\n"));
        assertEquals("Invalid cache tag 'bad\\u0009tag\\u000a': it contains the control character U+0009 at index 3",
                e.getMessage());
        var longOne = assertThrows(IllegalArgumentException.class, () -> Tags.validate("t".repeat(300)));
        assertTrue(longOne.getMessage().contains("300 characters, shown in part"), longOne.getMessage());
    }
}
