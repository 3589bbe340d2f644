package dev.isr4j.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** IsoTime against java.time's own formatters, which the Wasm build avoids for their size. */
class IsoTimeTest {
    @Test
    void instantsFormatAndParseExactlyAsJavaTimeDoes() {
        var random = new Random(42);
        List<Instant> samples = new java.util.ArrayList<>(List.of(Instant.EPOCH, Instant.parse("2026-12-07T10:00:00Z"),
                Instant.parse("2000-02-29T23:59:59.5Z"), Instant.parse("1969-12-31T23:59:59.999999999Z"),
                Instant.parse("0001-01-01T00:00:00.000001Z"), Instant.parse("9999-12-31T23:59:59Z"),
                Instant.ofEpochSecond(253402300800L), Instant.ofEpochSecond(-62167219201L)));
        for (int i = 0; i < 20_000; i++) {
            long seconds = random.nextLong() % 400_000_000_000L;
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            samples.add(Instant.ofEpochSecond(seconds, nano));
        }
        for (Instant t : samples) {
            assertEquals(t.toString(), IsoTime.format(t));
            assertEquals(t, IsoTime.parseInstant(t.toString()), t.toString());
        }
    }

    @Test
    void offsetsAndShortFormsParseToTheSameInstant() {
        assertEquals(Instant.parse("2026-12-07T09:00:00Z"), IsoTime.parseInstant("2026-12-07T10:00:00+01:00"));
        assertEquals(Instant.parse("2026-12-07T10:00:00Z"), IsoTime.parseInstant("2026-12-07T10:00Z"));
        assertEquals(LocalDate.of(2024, 2, 29), IsoTime.parseLocalDate("2024-02-29"));
        assertEquals(LocalDateTime.parse("2026-12-07T10:00:00.25"), IsoTime.parseLocalDateTime("2026-12-07T10:00:00.25"));
        assertEquals(OffsetDateTime.parse("2026-12-07T10:00-05:30"), IsoTime.parseOffsetDateTime("2026-12-07T10:00-05:30"));
    }

    @Test
    void whatJavaTimeRefusesIsRefused() {
        for (String bad : List.of("", "2026-12-07", "2026-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2026-12-07T24:00:00Z",
                "2026-12-07T10:00:00", "2026-12-07T10:00:00.Z", "2026-12-07T10:00:00.1234567890Z", "26-12-07T10:00:00Z",
                "2026-12-07T10:00:00+1:00", "2026-12-07 10:00:00Z", "2026-12-07T10:00:00Zjunk")) {
            assertThrows(IllegalArgumentException.class, () -> IsoTime.parseInstant(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> IsoTime.parseLocalDate("2026-02-30"));
        assertThrows(IllegalArgumentException.class, () -> IsoTime.parseOffsetDateTime("2026-12-07T10:00:00"));
    }
}
