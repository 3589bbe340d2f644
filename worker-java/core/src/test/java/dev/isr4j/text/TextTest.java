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
    void asciiUpperCaseChangesOnlyAsciiLetters() {
        org.junit.jupiter.api.Assertions.assertEquals("GET", Text.asciiUpperCase("get"));
        org.junit.jupiter.api.Assertions.assertEquals("M-SEARCH", Text.asciiUpperCase("m-Search"));
        String same = "PURGE";
        org.junit.jupiter.api.Assertions.assertSame(same, Text.asciiUpperCase(same));
        org.junit.jupiter.api.Assertions.assertEquals("\u00e9T\u00df", Text.asciiUpperCase("\u00e9t\u00df"));
    }

    @org.junit.jupiter.api.Test
    void asciiLowerCaseChangesOnlyAsciiLetters() {
        org.junit.jupiter.api.Assertions.assertEquals("content-type", Text.asciiLowerCase("Content-Type"));
        org.junit.jupiter.api.Assertions.assertEquals("az[@`{", Text.asciiLowerCase("AZ[@`{"));
        String same = "x-isr-cache";
        org.junit.jupiter.api.Assertions.assertSame(same, Text.asciiLowerCase(same));
        org.junit.jupiter.api.Assertions.assertEquals("\u00c9t\u0130", Text.asciiLowerCase("\u00c9T\u0130"));
    }
}
