package dev.isr4j;

import dev.isr4j.text.Utf8;

/**
 * The bytes of a request or response body. A runtime may back a body with bytes that live outside Java
 * (a JS ArrayBuffer in workerd) and copy them into Java only when {@link #bytes()} is first called, so a
 * cached body can go from storage to the client without entering Java at all.
 */
public interface Body {
    Body EMPTY = of(new byte[0]);

    /** Length in bytes. */
    int length();

    /** The bytes; callers must not modify the returned array. */
    byte[] bytes();

    /** Bytes {@code from} (inclusive) to {@code to} (exclusive) as a new body. */
    default Body slice(int from, int to) {
        return of(java.util.Arrays.copyOfRange(bytes(), from, to));
    }

    default String text() {
        return Utf8.decode(bytes());
    }

    /**
     * The body read as JSON into a {@code type} (a {@link dev.isr4j.bind.Jsonable} record or class, or a string,
     * number or boolean box). A body that is not that JSON - empty, malformed, truncated, a string where a number
     * belongs - throws {@link BadRequestException}, which the request is answered with as a 400 naming the
     * problem and where it is ({@code $.items[2].price}).
     */
    default <T> T json(Class<T> type) {
        try {
            return dev.isr4j.bind.JsonBinding.fromJson(text(), type);
        } catch (dev.isr4j.bind.JsonBindingException e) {
            throw new BadRequestException("the body is not the JSON expected: " + e.getMessage());
        }
    }

    static Body of(byte[] bytes) {
        return new ByteArrayBody(bytes);
    }

    static Body of(String text) {
        return new ByteArrayBody(Utf8.encode(text));
    }

    /** A body held as a Java byte array. */
    final class ByteArrayBody implements Body {
        private final byte[] bytes;

        ByteArrayBody(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int length() {
            return bytes.length;
        }

        @Override
        public byte[] bytes() {
            return bytes;
        }
    }
}
