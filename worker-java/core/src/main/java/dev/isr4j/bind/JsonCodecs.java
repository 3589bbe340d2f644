package dev.isr4j.bind;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Adapters for the JDK's types and for containers of other adapters' types; generated adapters are built
 * from these. Each is its own class, reached only through its method here, so a module pays only for the
 * types its records use (java.time alone adds about 100 KB to a gzipped Wasm module).
 *
 * <p>Sets and maps whose order is not their own (a {@code HashMap}, {@code Map.of}) are written in sorted key
 * order, so the same value gives the same bytes on every JVM and in Wasm; a {@code LinkedHashMap},
 * {@code SortedMap} or list keeps its order.
 */
public final class JsonCodecs {
    private JsonCodecs() {
    }

    public static JsonAdapter<String> string() {
        return StringCodec.INSTANCE;
    }

    public static JsonAdapter<Boolean> bool() {
        return BooleanCodec.INSTANCE;
    }

    public static JsonAdapter<Integer> integer() {
        return IntegerCodec.INSTANCE;
    }

    public static JsonAdapter<Long> longs() {
        return LongCodec.INSTANCE;
    }

    public static JsonAdapter<Short> shorts() {
        return ShortCodec.INSTANCE;
    }

    public static JsonAdapter<Byte> bytes() {
        return ByteCodec.INSTANCE;
    }

    public static JsonAdapter<Double> doubles() {
        return DoubleCodec.INSTANCE;
    }

    public static JsonAdapter<Float> floats() {
        return FloatCodec.INSTANCE;
    }

    /**
     * Exact decimals ({@code 15.90} stays {@code 15.90}). Asking for it binds {@code BigDecimal} as a top-level type
     * too ({@link JsonBinding#adapter}); a module that never asks leaves java.math out.
     */
    public static JsonAdapter<BigDecimal> decimal() {
        return JsonBinding.used(BigDecimal.class, DecimalCodec.INSTANCE);
    }

    public static JsonAdapter<BigInteger> bigInteger() {
        return BigIntegerCodec.INSTANCE;
    }

    /** An ISO-8601 instant in UTC: {@code "2026-12-07T10:00:00Z"}. */
    public static JsonAdapter<Instant> instant() {
        return TimeCodecs.InstantCodec.INSTANCE;
    }

    /** {@code "2026-12-07"}. */
    public static JsonAdapter<LocalDate> localDate() {
        return TimeCodecs.LocalDateCodec.INSTANCE;
    }

    /** {@code "2026-12-07T10:00:00"}. */
    public static JsonAdapter<LocalDateTime> localDateTime() {
        return TimeCodecs.LocalDateTimeCodec.INSTANCE;
    }

    /** {@code "2026-12-07T10:00:00+01:00"}. */
    public static JsonAdapter<OffsetDateTime> offsetDateTime() {
        return TimeCodecs.OffsetDateTimeCodec.INSTANCE;
    }

    public static <T> JsonAdapter<List<T>> list(JsonAdapter<T> element) {
        return new ContainerCodecs.ListCodec<>(element);
    }

    public static <T> JsonAdapter<Collection<T>> collection(JsonAdapter<T> element) {
        return new ContainerCodecs.CollectionCodec<>(element);
    }

    public static <T> JsonAdapter<Set<T>> set(JsonAdapter<T> element) {
        return new ContainerCodecs.SetCodec<>(element);
    }

    /** A JSON object with string keys. */
    public static <T> JsonAdapter<Map<String, T>> map(JsonAdapter<T> value) {
        return new ContainerCodecs.MapCodec<>(value);
    }

    /** Empty is written as null; null or a missing member reads as empty (see the generated defaults). */
    public static <T> JsonAdapter<Optional<T>> optional(JsonAdapter<T> value) {
        return new ContainerCodecs.OptionalCodec<>(value);
    }

    /** An enum by its constant's name; any other string is an error listing the names. */
    public static <E extends Enum<E>> JsonAdapter<E> enumOf(Class<E> type, E[] constants) {
        return new ContainerCodecs.EnumCodec<>(type, constants);
    }

    private static final class StringCodec implements JsonAdapter<String> {
        static final StringCodec INSTANCE = new StringCodec();

        @Override
        public void write(JsonWriter out, String value) {
            out.value(value);
        }

        @Override
        public String read(JsonParser in) {
            return in.nextIsNull() ? null : in.nextString();
        }
    }

    private static final class BooleanCodec implements JsonAdapter<Boolean> {
        static final BooleanCodec INSTANCE = new BooleanCodec();

        @Override
        public void write(JsonWriter out, Boolean value) {
            if (value == null) {
                out.nullValue();
            } else {
                out.value(value.booleanValue());
            }
        }

        @Override
        public Boolean read(JsonParser in) {
            return in.nextIsNull() ? null : in.nextBoolean();
        }
    }

    /** Integral boxes, read within their range. */
    private abstract static class IntegralCodec<T extends Number> implements JsonAdapter<T> {
        private final long min;
        private final long max;
        private final String what;

        IntegralCodec(long min, long max, String what) {
            this.min = min;
            this.max = max;
            this.what = what;
        }

        abstract T box(long v);

        @Override
        public final void write(JsonWriter out, T value) {
            if (value == null) {
                out.nullValue();
            } else {
                out.value(value.longValue());
            }
        }

        @Override
        public final T read(JsonParser in) {
            return in.nextIsNull() ? null : box(in.integer(min, max, what));
        }
    }

    private static final class IntegerCodec extends IntegralCodec<Integer> {
        static final IntegerCodec INSTANCE = new IntegerCodec();

        IntegerCodec() {
            super(Integer.MIN_VALUE, Integer.MAX_VALUE, "an integer between -2^31 and 2^31-1");
        }

        @Override
        Integer box(long v) {
            return (int) v;
        }
    }

    private static final class LongCodec extends IntegralCodec<Long> {
        static final LongCodec INSTANCE = new LongCodec();

        LongCodec() {
            super(Long.MIN_VALUE, Long.MAX_VALUE, "an integer");
        }

        @Override
        Long box(long v) {
            return v;
        }
    }

    private static final class ShortCodec extends IntegralCodec<Short> {
        static final ShortCodec INSTANCE = new ShortCodec();

        ShortCodec() {
            super(Short.MIN_VALUE, Short.MAX_VALUE, "an integer between -32768 and 32767");
        }

        @Override
        Short box(long v) {
            return (short) v;
        }
    }

    private static final class ByteCodec extends IntegralCodec<Byte> {
        static final ByteCodec INSTANCE = new ByteCodec();

        ByteCodec() {
            super(Byte.MIN_VALUE, Byte.MAX_VALUE, "an integer between -128 and 127");
        }

        @Override
        Byte box(long v) {
            return (byte) v;
        }
    }

    private static final class DoubleCodec implements JsonAdapter<Double> {
        static final DoubleCodec INSTANCE = new DoubleCodec();

        @Override
        public void write(JsonWriter out, Double value) {
            if (value == null) {
                out.nullValue();
            } else {
                out.value(value.doubleValue());
            }
        }

        @Override
        public Double read(JsonParser in) {
            return in.nextIsNull() ? null : in.nextDouble();
        }
    }

    private static final class FloatCodec implements JsonAdapter<Float> {
        static final FloatCodec INSTANCE = new FloatCodec();

        @Override
        public void write(JsonWriter out, Float value) {
            if (value == null) {
                out.nullValue();
            } else {
                out.value(value.doubleValue());
            }
        }

        @Override
        public Float read(JsonParser in) {
            return in.nextIsNull() ? null : (float) in.nextDouble();
        }
    }

    private static final class DecimalCodec implements JsonAdapter<BigDecimal> {
        static final DecimalCodec INSTANCE = new DecimalCodec();

        @Override
        public void write(JsonWriter out, BigDecimal value) {
            out.value(value);
        }

        @Override
        public BigDecimal read(JsonParser in) {
            return in.nextIsNull() ? null : in.nextDecimal();
        }
    }

    private static final class BigIntegerCodec implements JsonAdapter<BigInteger> {
        static final BigIntegerCodec INSTANCE = new BigIntegerCodec();

        @Override
        public void write(JsonWriter out, BigInteger value) {
            out.value(value);
        }

        @Override
        public BigInteger read(JsonParser in) {
            return in.nextIsNull() ? null : in.nextBigInteger();
        }
    }
}
