package dev.isr4j.bind;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;

/** The java.time adapters behind {@link JsonCodecs}: ISO-8601 strings, read and written by {@link IsoTime}. */
final class TimeCodecs {
    private TimeCodecs() {
    }

    /** A value the parser reads as a string and {@code parse} turns into the type (an error names the place). */
    abstract static class TextCodec<T> implements JsonAdapter<T> {
        private final String what;

        TextCodec(String what) {
            this.what = what;
        }

        abstract T parse(String text);

        String format(T value) {
            return value.toString();
        }

        @Override
        public final void write(JsonWriter out, T value) {
            out.value(value == null ? null : format(value));
        }

        @Override
        public final T read(JsonParser in) {
            if (in.nextIsNull()) {
                return null;
            }
            String text = in.nextString();
            try {
                return parse(text);
            } catch (DateTimeException | IllegalArgumentException e) {
                throw new JsonBindingException(in.path(), "expected " + what + ", found \"" + text + "\"");
            }
        }
    }

    static final class InstantCodec extends TextCodec<Instant> {
        static final InstantCodec INSTANCE = new InstantCodec();

        InstantCodec() {
            super("an ISO-8601 instant such as \"2026-12-07T10:00:00Z\"");
        }

        @Override
        Instant parse(String text) {
            return IsoTime.parseInstant(text);
        }

        @Override
        String format(Instant value) {
            return IsoTime.format(value);
        }
    }

    static final class LocalDateCodec extends TextCodec<LocalDate> {
        static final LocalDateCodec INSTANCE = new LocalDateCodec();

        LocalDateCodec() {
            super("an ISO-8601 date such as \"2026-12-07\"");
        }

        @Override
        LocalDate parse(String text) {
            return IsoTime.parseLocalDate(text);
        }
    }

    static final class LocalDateTimeCodec extends TextCodec<LocalDateTime> {
        static final LocalDateTimeCodec INSTANCE = new LocalDateTimeCodec();

        LocalDateTimeCodec() {
            super("an ISO-8601 local date-time such as \"2026-12-07T10:00:00\"");
        }

        @Override
        LocalDateTime parse(String text) {
            return IsoTime.parseLocalDateTime(text);
        }
    }

    static final class OffsetDateTimeCodec extends TextCodec<OffsetDateTime> {
        static final OffsetDateTimeCodec INSTANCE = new OffsetDateTimeCodec();

        OffsetDateTimeCodec() {
            super("an ISO-8601 date-time with offset such as \"2026-12-07T10:00:00+01:00\"");
        }

        @Override
        OffsetDateTime parse(String text) {
            return IsoTime.parseOffsetDateTime(text);
        }
    }
}
