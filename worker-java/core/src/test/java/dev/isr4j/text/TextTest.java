package dev.isr4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextTest {
    @Test
    void percentDecodingHandlesUtf8PlusAndMalformedEscapes() {
        assertEquals("héllo wörld", Text.percentDecode("h%C3%A9llo%20w%C3%B6rld", false));
        assertEquals("a+b", Text.percentDecode("a+b", false));
        assertEquals("a b", Text.percentDecode("a+b", true));
        assertEquals("100%", Text.percentDecode("100%", false));
        assertEquals("%zz", Text.percentDecode("%zz", false));
        assertEquals("😀", Text.percentDecode("%F0%9F%98%80", false));
        assertEquals("😀x", Text.percentDecode("😀%78", false));
    }

    @Test
    void splitKeepsEmptyParts() {
        assertEquals(List.of("a", "", "b", ""), Text.split("a;;b;", ';'));
        assertEquals(List.of(""), Text.split("", ';'));
    }

    @Test
    void wordsAreLettersDigitsAndAllowedExtras() {
        assertTrue(Text.isWord("build-1.2_x", "._-", 0, 64));
        assertTrue(Text.isWord("", "._-", 0, 64));
        assertFalse(Text.isWord("a b", "._-", 0, 64));
        assertFalse(Text.isWord("a/b", "._-", 0, 64));
        assertFalse(Text.isWord(null, "", 0, 64));
        assertFalse(Text.isWord("x".repeat(65), "", 0, 64));
        assertTrue(Text.isLetters("GET"));
        assertFalse(Text.isLetters("G3T"));
    }

    @org.junit.jupiter.api.Test
    void asciiCaseChangesOnlyAsciiLetters() {
        for (String[] c : new String[][] {
                {"get", "GET", "get"}, {"m-Search", "M-SEARCH", "m-search"}, {"Content-Type", "CONTENT-TYPE", "content-type"},
                {"AZ[@`{az", "AZ[@`{AZ", "az[@`{az"}, {"\u00e9t\u00df\u0130", "\u00e9T\u00df\u0130", "\u00e9t\u00df\u0130"}}) {
            org.junit.jupiter.api.Assertions.assertEquals(c[1], Text.asciiUpperCase(c[0]), c[0]);
            org.junit.jupiter.api.Assertions.assertEquals(c[2], Text.asciiLowerCase(c[0]), c[0]);
        }
        String upper = "PURGE";
        org.junit.jupiter.api.Assertions.assertSame(upper, Text.asciiUpperCase(upper), "nothing to change: the same string");
        String lower = "x-isr-cache";
        org.junit.jupiter.api.Assertions.assertSame(lower, Text.asciiLowerCase(lower));
    }
}
