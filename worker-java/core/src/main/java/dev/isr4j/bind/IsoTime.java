package dev.isr4j.bind;

import dev.isr4j.text.CivilDates;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * ISO-8601 text for the java.time types JSON carries, by arithmetic rather than through {@code DateTimeFormatter}:
 * the formatter machinery is most of what java.time costs a Wasm module (about 100 KB gzipped), and these
 * fixed shapes need none of it. Formats match {@code Instant.toString()}; parsing accepts what
 * {@code Instant.parse} and the {@code ISO_LOCAL_*} / {@code ISO_OFFSET_DATE_TIME} formatters accept for
 * the common shape: {@code yyyy-MM-dd}, {@code HH:mm[:ss[.fraction]]}, and {@code Z} or {@code ±HH:mm}.
 * Anything else is an {@link IllegalArgumentException}.
 */
final class IsoTime {
    private static final long SECONDS_PER_DAY = 86_400;

    private IsoTime() {
    }

    static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        long days = Math.floorDiv(seconds, SECONDS_PER_DAY);
        int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
        var sb = new StringBuilder(30);
        appendDate(sb, days);
        sb.append('T');
        pad2(sb, secondOfDay / 3600).append(':');
        pad2(sb, secondOfDay / 60 % 60).append(':');
        pad2(sb, secondOfDay % 60);
        int nano = instant.getNano();
        if (nano > 0) {
            // as Instant.toString: groups of three digits, as many as the value needs
            String digits = Integer.toString(nano + 1_000_000_000).substring(1);
            int keep = nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
            sb.append('.').append(digits, 0, keep);
        }
        return sb.append('Z').toString();
    }

    static Instant parseInstant(String s) {
        var p = new Cursor(s);
        long days = p.date();
        p.expect('T');
        long secondOfDay = p.time();
        int nano = p.fraction();
        int offset = p.offsetSeconds(true);
        p.end();
        return Instant.ofEpochSecond(days * SECONDS_PER_DAY + secondOfDay - offset, nano);
    }

    static LocalDate parseLocalDate(String s) {
        var p = new Cursor(s);
        int[] ymd = p.ymd();
        p.end();
        return LocalDate.of(ymd[0], ymd[1], ymd[2]);
    }

    static LocalDateTime parseLocalDateTime(String s) {
        var p = new Cursor(s);
        LocalDateTime t = p.localDateTime();
        p.end();
        return t;
    }

    static OffsetDateTime parseOffsetDateTime(String s) {
        var p = new Cursor(s);
        LocalDateTime t = p.localDateTime();
        int offset = p.offsetSeconds(false);
        p.end();
        return OffsetDateTime.of(t, ZoneOffset.ofTotalSeconds(offset));
    }

    /** {@code yyyy-MM-dd} of a count of days since 1970-01-01, years outside 0-9999 signed as java.time writes them. */
    private static void appendDate(StringBuilder sb, long epochDay) {
        long[] ymd = CivilDates.civilFromDays(epochDay);
        long year = ymd[0];
        if (year > 9999) {
            sb.append('+').append(year);
        } else if (year < 0) {
            sb.append('-');
            padYear(sb, -year);
        } else {
            padYear(sb, year);
        }
        sb.append('-');
        pad2(sb, (int) ymd[1]).append('-');
        pad2(sb, (int) ymd[2]);
    }

    private static void padYear(StringBuilder sb, long year) {
        String y = Long.toString(year);
        for (int i = y.length(); i < 4; i++) {
            sb.append('0');
        }
        sb.append(y);
    }

    private static StringBuilder pad2(StringBuilder sb, int v) {
        return sb.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }

    private static final class Cursor {
        private final String s;
        private int pos;

        Cursor(String s) {
            this.s = s;
        }

        private IllegalArgumentException bad() {
            return new IllegalArgumentException("not an ISO-8601 value: " + s);
        }

        void expect(char c) {
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw bad();
            }
            pos++;
        }

        void end() {
            if (pos != s.length()) {
                throw bad();
            }
        }

        private int digits(int n) {
            if (pos + n > s.length()) {
                throw bad();
            }
            int v = 0;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(pos++);
                if (c < '0' || c > '9') {
                    throw bad();
                }
                v = v * 10 + (c - '0');
            }
            return v;
        }

        int[] ymd() {
            int sign = 1;
            int yearDigits = 4;
            if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                sign = s.charAt(pos) == '-' ? -1 : 1;
                pos++;
                int start = pos;
                while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                    pos++;
                }
                yearDigits = pos - start;
                pos = start;
                if (yearDigits < 4 || yearDigits > 9) {
                    throw bad();
                }
            }
            int year = sign * digits(yearDigits);
            expect('-');
            int month = digits(2);
            expect('-');
            int day = digits(2);
            if (month < 1 || month > 12 || day < 1 || day > lengthOfMonth(year, month)) {
                throw bad();
            }
            return new int[] {year, month, day};
        }

        long date() {
            int[] ymd = ymd();
            return CivilDates.daysFromCivil(ymd[0], ymd[1], ymd[2]);
        }

        /** HH:mm[:ss] as a second of the day. */
        long time() {
            int h = digits(2);
            expect(':');
            int m = digits(2);
            int sec = 0;
            if (pos < s.length() && s.charAt(pos) == ':') {
                pos++;
                sec = digits(2);
            }
            if (h > 23 || m > 59 || sec > 59) {
                throw bad();
            }
            return h * 3600L + m * 60L + sec;
        }

        /** [.fraction] of up to nine digits, as nanoseconds. */
        int fraction() {
            if (pos >= s.length() || s.charAt(pos) != '.') {
                return 0;
            }
            pos++;
            int start = pos;
            int nano = 0;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                if (pos - start == 9) {
                    throw bad();
                }
                nano = nano * 10 + (s.charAt(pos++) - '0');
            }
            int n = pos - start;
            if (n == 0) {
                throw bad();
            }
            for (int i = n; i < 9; i++) {
                nano *= 10;
            }
            return nano;
        }

        LocalDateTime localDateTime() {
            int[] ymd = ymd();
            expect('T');
            long t = time();
            int nano = fraction();
            return LocalDateTime.of(ymd[0], ymd[1], ymd[2], (int) (t / 3600), (int) (t / 60 % 60), (int) (t % 60), nano);
        }

        /** Z (when allowed) or ±HH:mm. */
        int offsetSeconds(boolean zOnlyIsFine) {
            if (pos < s.length() && (s.charAt(pos) == 'Z' || s.charAt(pos) == 'z')) {
                pos++;
                return 0;
            }
            if (pos >= s.length() || (s.charAt(pos) != '+' && s.charAt(pos) != '-')) {
                throw bad();
            }
            int sign = s.charAt(pos++) == '-' ? -1 : 1;
            int h = digits(2);
            expect(':');
            int m = digits(2);
            if (h > 18 || m > 59 || h * 60 + m > 18 * 60) {
                throw bad();
            }
            return sign * (h * 3600 + m * 60);
        }

        private static int lengthOfMonth(int year, int month) {
            return switch (month) {
                case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
                case 4, 6, 9, 11 -> 30;
                default -> 31;
            };
        }
    }
}
