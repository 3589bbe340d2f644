package dev.isr4j;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The secret's comparison itself (the guard's behaviour is in revalidation.RevalidationSecretTest). */
class RevalidationSecretCheckTest {
    @Test
    void constantTimeEqualsComparesWholeStrings() {
        assertTrue(RevalidationSecret.constantTimeEquals("secret", "secret"));
        assertTrue(RevalidationSecret.constantTimeEquals("sécrét✓", "sécrét✓"));
        assertFalse(RevalidationSecret.constantTimeEquals("secreT", "secret"));
        assertFalse(RevalidationSecret.constantTimeEquals("Secret", "secret"));
        assertFalse(RevalidationSecret.constantTimeEquals("secre", "secret"), "a prefix of the secret");
        assertFalse(RevalidationSecret.constantTimeEquals("secrets", "secret"), "the secret as a prefix");
        assertFalse(RevalidationSecret.constantTimeEquals("", "secret"));
        assertFalse(RevalidationSecret.constantTimeEquals("secret", ""));
        assertFalse(RevalidationSecret.constantTimeEquals("secret\0", "secret"), "padding with zero bytes");
        assertFalse(RevalidationSecret.constantTimeEquals("x".repeat(1000), "secret"));
        assertTrue(RevalidationSecret.constantTimeEquals("", ""));
    }
}
