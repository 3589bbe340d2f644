package dev.isr4j.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.isr4j.data.DataCache;
import dev.isr4j.text.HeaderFields;
import dev.isr4j.Body;
import dev.isr4j.Headers;
import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.CacheValue;
import dev.isr4j.api.KvStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The KV entry decoder faces whatever is in KV: it throws nothing but IllegalArgumentException, and every entry
 * it is handed back from {@link KvEntryFormat#encode} reads back exactly as written.
 */
class KvEntryFormatPropertyTest {
    private static final long T0 = 1_700_000_000_000L;

    private static KvEntryFormat.Decoded decodeOrIae(byte[] value, String metadata) {
        try {
            return KvEntryFormat.decode(new KvStore.Stored(Body.of(value), metadata));
        } catch (IllegalArgumentException expected) {
            return null;
        }
    }

    @Property(tries = 2000)
    void garbageNeverThrowsAnythingButIllegalArgumentException(@ForAll byte[] value, @ForAll String metadata) {
        decodeOrIae(value, metadata);
    }

    @Property(tries = 2000)
    void garbageOverflowValuesNeverThrowAnythingButIllegalArgumentException(@ForAll("overflowValues") byte[] value) {
        decodeOrIae(value, "{\"v\":2,\"k\":\"route\",\"x\":1}");
    }

    @Property(tries = 2000)
    void mutatedValidHeadersNeverThrowAnythingButIllegalArgumentException(@ForAll("entries") CacheEntry entry,
                                                                          @ForAll("keys") String key,
                                                                          @ForAll int position,
                                                                          @ForAll char replacement) {
        var encoded = KvEntryFormat.encode(key, entry);
        String meta = encoded.metadata();
        int at = Math.floorMod(position, meta.length());
        String mutated = meta.substring(0, at) + replacement + meta.substring(at + 1);
        decodeOrIae(encoded.value().bytes(), mutated);
        decodeOrIae(encoded.value().bytes(), meta.substring(0, at));
    }

    @Property(tries = 1000)
    void decodeOfEncodeIsTheEntryAndItsKey(@ForAll("entries") CacheEntry entry, @ForAll("keys") String key) {
        var encoded = KvEntryFormat.encode(key, entry);
        var decoded = KvEntryFormat.decode(new KvStore.Stored(Body.of(encoded.value().bytes()), encoded.metadata()));
        assertEquals(key, decoded.key());
        CacheEntry back = decoded.entry();
        assertEquals(entry.value().status(), back.value().status());
        assertEquals(entry.value().headers(), back.value().headers());
        assertArrayEquals(entry.value().body().bytes(), back.value().body().bytes());
        assertEquals(entry.lastModified(), back.lastModified());
        assertEquals(entry.revalidateAt(), back.revalidateAt());
        assertEquals(entry.expireAt(), back.expireAt());
        assertEquals(entry.tags(), back.tags());
    }

    @Provide
    Arbitrary<byte[]> overflowValues() {
        return Combinators.combine(Arbitraries.integers(), Arbitraries.strings().ofMaxLength(200),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(50)).as((n, header, body) -> {
                    byte[] h = header.getBytes(StandardCharsets.UTF_8);
                    return ByteBuffer.allocate(4 + h.length + body.length).putInt(n).put(h).put(body).array();
                });
    }

    @Provide
    Arbitrary<String> keys() {
        Arbitrary<String> any = Arbitraries.strings().ofMaxLength(300);
        return Arbitraries.oneOf(
                any.map(p -> "app:/" + p + ":route"),
                any.map(p -> "pages:/" + p),
                Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10),
                        any.list().ofMaxSize(3)).as((name, args) -> DataCache.key(name, args)));
    }

    @Provide
    Arbitrary<CacheEntry> entries() {
        Arbitrary<String> token = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-!#$%&'*+.^_`|~")
                .ofMinLength(1).ofMaxLength(20)
                .filter(n -> !List.of(StoredEntries.NEVER_STORED).contains(n));
        Arbitrary<String> fieldValue = Arbitraries.strings().ofMaxLength(300)
                .filter(HeaderFields::isValidValue);
        Arbitrary<Headers> headers = Combinators.combine(token, fieldValue).as(Map::entry).list().ofMaxSize(6)
                .map(fields -> Headers.of(new ArrayList<>(fields)));
        Arbitrary<byte[]> body = Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
        Arbitrary<Integer> status = Arbitraries.integers().between(StoredEntries.MIN_STATUS, StoredEntries.MAX_STATUS);
        Arbitrary<List<String>> tags = Arbitraries.strings().ofMaxLength(300).list().ofMaxSize(20);
        Arbitrary<long[]> times = Combinators.combine(Arbitraries.longs().between(0, T0 * 2),
                Arbitraries.longs().between(0, Long.MAX_VALUE / 4), Arbitraries.longs().between(0, Long.MAX_VALUE / 4))
                .as((lm, toRa, toEa) -> new long[] {lm, lm + toRa, lm + toRa + toEa});
        return Combinators.combine(status, headers, body, times, tags).as((s, h, b, t, tg) ->
                new CacheEntry(new CacheValue(s, h, Body.of(b)), t[0], t[1], t[2], tg));
    }
}
