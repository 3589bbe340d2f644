package dev.isr4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

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
        }
        assertEquals(valid, validated);
    }
}
