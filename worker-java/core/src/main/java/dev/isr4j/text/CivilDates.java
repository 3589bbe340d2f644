package dev.isr4j.text;

/**
 * Days since 1970-01-01 to and from a proleptic Gregorian date (the calendar java.time uses), by arithmetic:
 * counting in 400-year eras that start on 1 March, so the leap day is the last day of a year. What HTTP-dates and
 * ISO-8601 text need without java.time, which TeaVM's Wasm build would pull in whole.
 */
public final class CivilDates {
    private CivilDates() {
    }

    /** {year, month (1-12), day (1-31)} of the day {@code epochDay} days after 1970-01-01. */
    public static long[] civilFromDays(long epochDay) {
        long z = epochDay + 719_468; // 0000-03-01 to 1970-01-01
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long d = doy - (153 * mp + 2) / 5 + 1;
        long m = mp < 10 ? mp + 3 : mp - 9;
        return new long[] {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
    }

    /** Days since 1970-01-01 of a valid date. */
    public static long daysFromCivil(long year, long month, long day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }
}
