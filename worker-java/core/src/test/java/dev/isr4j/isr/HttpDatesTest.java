package dev.isr4j.isr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class HttpDatesTest {
    private static final long RFC_EXAMPLE = 784_111_777_000L; // Sun, 06 Nov 1994 08:49:37 GMT

    @Test
    void formatsImfFixdate() {
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDates.format(RFC_EXAMPLE));
        assertEquals("Thu, 01 Jan 1970 00:00:00 GMT", HttpDates.format(0));
        assertEquals("Tue, 29 Feb 2028 12:00:00 GMT", HttpDates.format(1_835_438_400_000L));
    }

    @Test
    void readsAllThreeFormsRfc9110Names() {
        assertEquals(RFC_EXAMPLE, HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT"));
        assertEquals(RFC_EXAMPLE, HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT"));
        assertEquals(RFC_EXAMPLE, HttpDates.parse("Sun Nov  6 08:49:37 1994"));
    }

    @Test
    void anythingElseIsNotADate() {
        for (String s : new String[] {"", "yesterday", "Sun, 06 Nov 1994 08:49:37", "Sun, 32 Nov 1994 08:49:37 GMT",
                "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 06 Nov 1994 8:49:37 GMT",
                "1", "Sun, 06 Nov 19944 08:49:37 GMT", null}) {
            assertEquals(-1, HttpDates.parse(s), String.valueOf(s));
        }
    }

    @Property
    void parseReadsBackWhatFormatWrites(@ForAll @LongRange(min = 0, max = 253_402_300_799_000L) long millis) {
        assertEquals(millis / 1000 * 1000, HttpDates.parse(HttpDates.format(millis)));
    }

    @Property
    void parseNeverThrows(@ForAll String text) {
        HttpDates.parse(text);
    }
}
