package dev.isr4j.isr;

import dev.isr4j.text.CivilDates;

/**
 * HTTP-dates (RFC 9110 section 5.6.7) without java.time, which TeaVM's Wasm build would pull in whole.
 * Sends IMF-fixdate; reads IMF-fixdate, the obsolete RFC 850 form and asctime, as a recipient must.
 */
final class HttpDates {
    private static final String[] DAYS = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"}; // 1970-01-01 was a Thursday
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
            "Nov", "Dec"};

    private HttpDates() {
    }

    /** {@code Sun, 06 Nov 1994 08:49:37 GMT} for an epoch time in ms (rounded down to the second). */
    public static String format(long epochMillis) {
        long seconds = Math.floorDiv(epochMillis, 1000);
        long days = Math.floorDiv(seconds, 86_400);
        long secondOfDay = seconds - days * 86_400;
        long[] ymd = CivilDates.civilFromDays(days);
        var sb = new StringBuilder(29);
        sb.append(DAYS[(int) Math.floorMod(days, 7)]).append(", ");
        two(sb, ymd[2]).append(' ').append(MONTHS[(int) ymd[1] - 1]).append(' ');
        sb.append(ymd[0]).append(' ');
        two(sb, secondOfDay / 3600).append(':');
        two(sb, secondOfDay / 60 % 60).append(':');
        two(sb, secondOfDay % 60).append(" GMT");
        return sb.toString();
    }

    /** Epoch ms of an HTTP-date, or -1 when {@code text} is not one (a recipient then ignores the field). */
    public static long parse(String text) {
        if (text == null || text.length() > 64) {
            return -1;
        }
        // Split on spaces, commas, '-' and ':' so all three forms become the same handful of words.
        String[] words = new String[8];
        int n = 0;
        int start = -1;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : ' ';
            boolean separator = c == ' ' || c == ',' || c == '-' || c == ':';
            if (!separator && start < 0) {
                start = i;
            } else if (separator && start >= 0) {
                if (n == words.length) {
                    return -1;
                }
                words[n++] = text.substring(start, i);
                start = -1;
            }
        }
        long day;
        long month;
        long year;
        int time;
        if (n == 8 && "GMT".equals(words[7])) {
            // IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT" or RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT"
            day = number(words[1]);
            month = month(words[2]);
            year = number(words[3]);
            if (words[3].length() == 2 && year >= 0) {
                year += year < 70 ? 2000 : 1900; // RFC 9110: two-digit years more than 50 years ahead are past
            } else if (words[3].length() != 4) {
                return -1;
            }
            time = 4;
        } else if (n == 7) {
            // asctime "Sun Nov  6 08:49:37 1994"
            month = month(words[1]);
            day = number(words[2]);
            year = words[6].length() == 4 ? number(words[6]) : -1;
            time = 3;
        } else {
            return -1;
        }
        long hour = number(words[time]);
        long minute = number(words[time + 1]);
        long second = number(words[time + 2]);
        if (month < 1 || day < 1 || day > 31 || year < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 60 || words[time].length() != 2 || words[time + 1].length() != 2
                || words[time + 2].length() != 2) {
            return -1;
        }
        return ((CivilDates.daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000;
    }

    private static long number(String s) {
        if (s.isEmpty() || s.length() > 4) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static long month(String s) {
        for (int i = 0; i < MONTHS.length; i++) {
            if (MONTHS[i].equals(s)) {
                return i + 1;
            }
        }
        return -1;
    }

    private static StringBuilder two(StringBuilder sb, long v) {
        if (v < 10) {
            sb.append('0');
        }
        return sb.append(v);
    }

    // Days <-> proleptic Gregorian dates, by the well-known era arithmetic (eras of 400 years, March-based years).
}
