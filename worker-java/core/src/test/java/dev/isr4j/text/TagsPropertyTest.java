package dev.isr4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class TagsPropertyTest {
    /** The validator answers for any string; it never throws from isValid. */
    @Property
    void isValidNeverThrowsAndAgreesWithValidate(@ForAll String tag) {
        boolean valid = Tags.isValid(tag);
        boolean validated;
        try {
            Tags.validate(tag);
            validated = true;
        } catch (IllegalArgumentException e) {
            validated = false;
            assertNotNull(e.getMessage());
        }
        assertEquals(valid, validated);
    }

    /**
     * A valid tag survives the trip to a KV key and back (well-formed Unicode), holds no C0 or C1 control and
     * no reserved character, and fits the length limit; an invalid one has a stated reason.
     */
    @Property(tries = 3000)
    void validMeansWellFormedWithoutControlsOrReservedCharacters(@ForAll("tagLike") String tag) {
        boolean wellFormed = new String(tag.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(tag);
        boolean controls = tag.chars().anyMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f));
        boolean reserved = tag.indexOf(':') >= 0 || tag.indexOf('\\') >= 0;
        boolean length = !tag.isEmpty() && tag.length() <= Tags.MAX_LENGTH;
        assertEquals(wellFormed && !controls && !reserved && length, Tags.isValid(tag), Text.quote(tag));
        if (!Tags.isValid(tag)) {
            assertNotNull(Tags.problem(tag));
        }
    }

    /** The quoted form used in messages and logs never carries a control character or a lone surrogate. */
    @Property(tries = 2000)
    void quotedTagsArePrintable(@ForAll("tagLike") String tag) {
        String quoted = Text.quote(tag);
        assertFalse(quoted.chars().anyMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f)), quoted);
        assertTrue(new String(quoted.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(quoted));
    }

    @Provide
    Arbitrary<String> tagLike() {
        return Arbitraries.strings()
                .withChars("abz09-_ .:\\\u00e9\u4e2d")
                .withCharRange('\u0000', '\u001f')
                .withCharRange('\u007f', '\u00a1')
                .withCharRange('\ud800', '\ud801')
                .withCharRange('\udc00', '\udc01')
                .ofMinLength(0).ofMaxLength(300);
    }
}
