package dev.isr4j.example;

/**
 * Dates a person can read, {@code 2026-11-29 10:42:07 UTC}, without java.time (which TeaVM would compile
 * into the Wasm module whole, for one line of output).
 */
public final class ReadableDates {
    private ReadableDates() {
    }

    /** {@code yyyy-MM-dd HH:mm:ss UTC} for an epoch time in ms (rounded down to the second). */
    public static String utc(long epochMillis) {
        return format(epochMillis, ' ', " UTC");
    }

    /** The same instant as an HTML {@code <time datetime>} value: {@code 2026-11-29T10:42:07Z}. */
    public static String iso(long epochMillis) {
        return format(epochMillis, 'T', "Z");
    }

    private static String format(long epochMillis, char separator, String zone) {
        long seconds = Math.floorDiv(epochMillis, 1000);
        long days = Math.floorDiv(seconds, 86_400);
        long secondOfDay = seconds - days * 86_400;
        // Days since 1970-01-01 to a proleptic Gregorian date, counting in 400-year eras that start on 1 March
        // (so the leap day is the last day of a year): era, day of era, year of era, day of year, then month.
        long shifted = days + 719_468; // 0000-03-01 to 1970-01-01
        long era = Math.floorDiv(shifted, 146_097);
        long dayOfEra = shifted - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long monthFromMarch = (5 * dayOfYear + 2) / 153;
        long day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1;
        long month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        var sb = new StringBuilder(24);
        sb.append(year).append('-');
        two(sb, month).append('-');
        two(sb, day).append(separator);
        two(sb, secondOfDay / 3600).append(':');
        two(sb, secondOfDay / 60 % 60).append(':');
        two(sb, secondOfDay % 60).append(zone);
        return sb.toString();
    }

    private static StringBuilder two(StringBuilder sb, long n) {
        return sb.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
    }
}
