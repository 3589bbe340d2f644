package dev.isr4j.store;

import static dev.isr4j.testing.IsrHarness.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.Body;
import dev.isr4j.Headers;
import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.CacheLookup.State;
import dev.isr4j.api.CacheValue;
import dev.isr4j.api.KvCacheOptions;
import dev.isr4j.api.KvStore;
import dev.isr4j.cache.InMemoryKvStore;
import dev.isr4j.cache.KvCacheHandler;
import dev.isr4j.testing.ManualClock;
import dev.isr4j.testing.RecordingLog;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The KV entry format (version 2): what decodes, and what is recognised as corrupt or foreign. */
class KvEntryFormatTest {
    private static final String KEY = "app:/api/data:route";
    private static final String ENTRY = "cache:" + KEY;
    private static final byte[] BODY = "hello".getBytes(StandardCharsets.UTF_8);
    /** A valid header, as the handler writes it. */
    private static final String HEADER = "{\"v\":2,\"k\":\"route\",\"id\":\"" + KEY + "\",\"s\":200,\"h\":[[\"content-type\",\"text/plain\"]],"
            + "\"lm\":" + T0 + ",\"ra\":" + (T0 + 60_000) + ",\"ea\":" + (T0 + 3_600_000) + ",\"t\":[\"posts\"]}";
    private static final String OVERFLOW_META = "{\"v\":2,\"k\":\"route\",\"x\":1,\"t\":[\"path:/api/data\"]}";

    private final ManualClock clock = new ManualClock(T0);
    private final InMemoryKvStore memory = new InMemoryKvStore(clock);
    private final RecordingLog log = new RecordingLog();
    private final KvCacheHandler kv = new KvCacheHandler(memory, clock, log, KvCacheOptions.defaults());

    private static String header(String from, String to) {
        if (!HEADER.contains(from)) {
            throw new IllegalArgumentException(from);
        }
        return HEADER.replace(from, to);
    }

    /** 4-byte big-endian length, then the header bytes, then the body. */
    private static byte[] overflowValue(int announced, byte[] header, byte[] body) {
        var out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(4).putInt(announced).array());
        out.writeBytes(header);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static byte[] overflowValue(String header, byte[] body) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return overflowValue(h.length, h, body);
    }

    private static KvStore.Stored stored(byte[] value, String metadata) {
        return new KvStore.Stored(Body.of(value), metadata);
    }

    static Stream<Arguments> corrupt() {
        return Stream.of(
                Arguments.of("unknown version", BODY, header("\"v\":2", "\"v\":4"), "version"),
                Arguments.of("version 1 (no identity)", BODY, header("\"v\":2", "\"v\":1"), "version"),
                Arguments.of("version as a string", BODY, header("\"v\":2", "\"v\":\"2\""), "version"),
                Arguments.of("version missing", BODY, header("\"v\":2,", ""), "version"),
                Arguments.of("identity missing", BODY, header("\"id\":\"" + KEY + "\",", ""), "field id"),
                Arguments.of("identity not a string", BODY, header("\"" + KEY + "\"", "7"), "field id"),
                Arguments.of("identity of another kind", BODY, header(KEY, "pages:/api/data"), "kind"),
                Arguments.of("status 500 (never stored)", BODY, header("\"s\":200", "\"s\":500"), "outside"),
                Arguments.of("status 103", BODY, header("\"s\":200", "\"s\":103"), "outside"),
                Arguments.of("header name with a space", BODY,
                        header("[[\"content-type\",\"text/plain\"]]", "[[\"x a\",\"1\"]]"), "token"),
                Arguments.of("header name with a colon", BODY,
                        header("[[\"content-type\",\"text/plain\"]]", "[[\"x:a\",\"1\"]]"), "token"),
                Arguments.of("header value with a line break", BODY,
                        header("[[\"content-type\",\"text/plain\"]]", "[[\"location\",\"/a\\r\\nset-cookie: x=1\"]]"),
                        "a control character"),
                Arguments.of("header value with NUL", BODY,
                        header("[[\"content-type\",\"text/plain\"]]", "[[\"x-a\",\"a\\u0000b\"]]"), "a control character"),
                Arguments.of("negative last-modified", BODY, header("\"lm\":" + T0, "\"lm\":-5"), "negative"),
                Arguments.of("revalidate-at before last-modified", BODY,
                        header("\"ra\":" + (T0 + 60_000), "\"ra\":" + (T0 - 1)), "before last-modified"),
                Arguments.of("expire-at before revalidate-at", BODY,
                        header("\"ea\":" + (T0 + 3_600_000), "\"ea\":" + (T0 + 59_999)), "before revalidate-at"),
                Arguments.of("timestamp beyond a long", BODY,
                        header("\"ea\":" + (T0 + 3_600_000), "\"ea\":92233720368547758070"), "field ea"),
                Arguments.of("wrong kind", BODY, header("\"k\":\"route\"", "\"k\":\"page\""), "kind"),
                Arguments.of("kind missing", BODY, header("\"k\":\"route\",", ""), "kind"),
                Arguments.of("metadata not JSON", BODY, "{\"v\":1,", "offset"),
                Arguments.of("metadata plain text", BODY, "hello", ""),
                Arguments.of("metadata a JSON array", BODY, "[1,\"route\"]", "not a JSON object"),
                Arguments.of("metadata a JSON string", BODY, "\"v\"", "not a JSON object"),
                Arguments.of("no metadata", BODY, null, "no metadata"),
                Arguments.of("status missing", BODY, header("\"s\":200,", ""), "field s"),
                Arguments.of("headers missing", BODY, header("\"h\":[[\"content-type\",\"text/plain\"]],", ""),
                        "field h"),
                Arguments.of("lastModified missing", BODY, header("\"lm\":" + T0 + ",", ""), "field lm"),
                Arguments.of("revalidateAt missing", BODY, header("\"ra\":" + (T0 + 60_000) + ",", ""),
                        "field ra"),
                Arguments.of("expireAt missing", BODY, header(",\"ea\":" + (T0 + 3_600_000), ""), "field ea"),
                Arguments.of("tags missing", BODY, header(",\"t\":[\"posts\"]", ""), "field t"),
                Arguments.of("status a string", BODY, header("\"s\":200", "\"s\":\"200\""), "field s"),
                Arguments.of("status a fraction", BODY, header("\"s\":200", "\"s\":200.5"), "field s"),
                Arguments.of("status below 200", BODY, header("\"s\":200", "\"s\":199"), "outside"),
                Arguments.of("status above 599", BODY, header("\"s\":200", "\"s\":600"), "outside"),
                Arguments.of("status 2^32 + 200 (200 only after an int cast)", BODY,
                        header("\"s\":200", "\"s\":" + (4_294_967_296L + 200)), "outside"),
                Arguments.of("timestamp a string", BODY, header("\"lm\":" + T0, "\"lm\":\"" + T0 + "\""), "field lm"),
                Arguments.of("headers not a list", BODY,
                        header("[[\"content-type\",\"text/plain\"]]", "{\"a\":\"b\"}"), "field h"),
                Arguments.of("header field of one string", BODY,
                        header("[[\"content-type\",\"text/plain\"]]", "[[\"content-type\"]]"), "header field"),
                Arguments.of("header value not a string", BODY,
                        header("[[\"content-type\",\"text/plain\"]]", "[[\"x-n\",1]]"), "header field"),
                Arguments.of("header field not a pair", BODY,
                        header("[[\"content-type\",\"text/plain\"]]", "[\"content-type\"]"), "header field"),
                Arguments.of("header with an empty name", BODY,
                        header("[[\"content-type\",\"text/plain\"]]", "[[\"\",\"x\"]]"), ""),
                Arguments.of("tag not a string", BODY, header("[\"posts\"]", "[\"posts\",7]"), "tag"),
                Arguments.of("overflow value shorter than 4 bytes", new byte[] {0, 0, 1}, OVERFLOW_META,
                        "truncated header length"),
                Arguments.of("overflow value empty", new byte[0], OVERFLOW_META, "truncated header length"),
                Arguments.of("overflow length longer than the value",
                        overflowValue(100, "{\"v\":2}".getBytes(StandardCharsets.UTF_8), new byte[0]),
                        OVERFLOW_META, "truncated header"),
                Arguments.of("overflow length negative", overflowValue(-1, new byte[8], new byte[0]),
                        OVERFLOW_META, "truncated header"),
                Arguments.of("overflow length 2^31 - 1", overflowValue(Integer.MAX_VALUE, new byte[8], new byte[0]),
                        OVERFLOW_META, "truncated header"),
                Arguments.of("overflow header JSON garbage", overflowValue("{{{garbage", BODY), OVERFLOW_META,
                        "offset"),
                Arguments.of("overflow header cut inside", overflowValue(HEADER.substring(0, 40), BODY),
                        OVERFLOW_META, "offset"),
                Arguments.of("overflow header a JSON array", overflowValue("[]", BODY), OVERFLOW_META,
                        "header is not a JSON object"),
                Arguments.of("overflow header of an unknown version", overflowValue(header("\"v\":2", "\"v\":4"),
                        BODY), OVERFLOW_META, "version"),
                Arguments.of("overflow header of another kind", overflowValue(header("\"k\":\"route\"",
                        "\"k\":\"page\""), BODY), OVERFLOW_META, "kind"),
                Arguments.of("overflow header without status", overflowValue(header("\"s\":200,", ""), BODY),
                        OVERFLOW_META, "field s"),
                Arguments.of("overflow metadata of an unknown version", overflowValue(HEADER, BODY),
                        OVERFLOW_META.replace("\"v\":2", "\"v\":4"), "version"),
                Arguments.of("overflow metadata of another kind", overflowValue(HEADER, BODY),
                        OVERFLOW_META.replace("\"route\"", "\"page\""), "kind"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corrupt")
    void corruptOrForeignEntryIsCorruptAndLoggedWithItsKey(String what, byte[] value, String metadata,
                                                           String reason) {
        memory.putRaw(ENTRY, value, metadata);
        var lookup = kv.get(KEY);
        assertEquals(State.CORRUPT, lookup.state(), what);
        assertNull(lookup.entry());
        assertTrue(log.hasWarning(ENTRY, reason), () -> what + ": " + log);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corrupt")
    void decodeOfACorruptOrForeignEntryThrowsIllegalArgumentExceptionNamingTheProblem(String what, byte[] value,
                                                                                     String metadata,
                                                                                     String reason) {
        var e = assertThrows(IllegalArgumentException.class,
                () -> KvEntryFormat.decode(stored(value, metadata)), what);
        assertTrue(e.getMessage() != null && e.getMessage().contains(reason), what + ": " + e.getMessage());
    }

    @Test
    void handWrittenValidEntryDecodes() {
        var decoded = KvEntryFormat.decode(stored(BODY, HEADER));
        assertEquals(KEY, decoded.key());
        CacheEntry e = decoded.entry();
        assertEquals(200, e.value().status());
        assertEquals(Headers.of("content-type", "text/plain"), e.value().headers());
        assertArrayEquals(BODY, e.value().body().bytes());
        assertEquals(T0, e.lastModified());
        assertEquals(T0 + 60_000, e.revalidateAt());
        assertEquals(T0 + 3_600_000, e.expireAt());
        assertEquals(List.of("posts"), e.tags());
    }

    @Test
    void handWrittenOverflowEntryDecodes() {
        CacheEntry e = KvEntryFormat.decode(stored(overflowValue(HEADER, BODY), OVERFLOW_META)).entry();
        assertEquals(200, e.value().status());
        assertArrayEquals(BODY, e.value().body().bytes());
        assertEquals(List.of("posts"), e.tags(), "the tags of the header in the value, not of the metadata");
    }

    @Test
    void statusBoundariesDecode() {
        for (int s : new int[] {200, 404, 499}) {
            var e = KvEntryFormat.decode(stored(BODY, header("\"s\":200", "\"s\":" + s))).entry();
            assertEquals(s, e.value().status());
        }
    }

    @Test
    void plainBodyThatLooksLikeALengthPrefixIsNotMisread() {
        byte[] body = overflowValue("{\"v\":2}", new byte[] {9});
        var e = KvEntryFormat.decode(stored(body, HEADER)).entry();
        assertArrayEquals(body, e.value().body().bytes());
    }

    @Test
    void encodeOfASmallEntryIsTheBodyAndTheHeaderAsMetadata() {
        var entry = new CacheEntry(new CacheValue(200, Headers.of("content-type", "text/plain"), Body.of(BODY)),
                T0, T0 + 60_000, T0 + 3_600_000, List.of("posts"));
        var encoded = KvEntryFormat.encode(KEY, entry);
        assertEquals(HEADER, encoded.metadata());
        assertArrayEquals(BODY, encoded.value().bytes());
    }

    private static final String PAGE_KEY = "pages:/blog/hello";
    private static final String PROPS = "{\"slug\":\"hello\",\"title\":\"\u65e5\u672c\"}";

    @Test
    void aPagesPropsAreAFieldOfItsEntryNotAStoredHeader() {
        var entry = new CacheEntry(new CacheValue(200, Headers.of("content-type", "text/html"), Body.of(BODY), PROPS),
                T0, T0 + 60_000, T0 + 3_600_000, List.of("blog"));
        var encoded = KvEntryFormat.encode(PAGE_KEY, entry);
        assertEquals("{\"v\":2,\"k\":\"page\",\"id\":\"" + PAGE_KEY + "\",\"s\":200,\"h\":[[\"content-type\","
                + "\"text/html\"]],\"lm\":" + T0 + ",\"ra\":" + (T0 + 60_000) + ",\"ea\":" + (T0 + 3_600_000)
                + ",\"t\":[\"blog\"],\"p\":\"{\\\"slug\\\":\\\"hello\\\",\\\"title\\\":\\\"\u65e5\u672c\\\"}\"}",
                encoded.metadata());
        var value = KvEntryFormat.decode(new KvStore.Stored(encoded.value(), encoded.metadata())).entry().value();
        assertEquals(PROPS, value.props());
        assertEquals(Headers.of("content-type", "text/html"), value.headers());
    }

    @Test
    void aPageEntryReadAgainKeepsItsProps() {
        var entry = new CacheEntry(new CacheValue(200, Headers.of("content-type", "text/html"), Body.of(BODY), PROPS),
                T0, T0 + 60_000, T0 + 3_600_000, List.of("blog"));
        var encoded = KvEntryFormat.encode(PAGE_KEY, entry);
        for (int read = 1; read <= 3; read++) { // however a reader shortcuts repeated reads of one entry
            var value = KvEntryFormat.decode(new KvStore.Stored(encoded.value(), encoded.metadata())).entry().value();
            assertEquals(PROPS, value.props(), "read " + read);
            assertArrayEquals(BODY, value.body().bytes(), "read " + read);
        }
    }

    @Test
    void aPageEntryOfAnEarlierReleaseKeepsItsPropsInAHeaderWhichIsReadAsItsProps() {
        String legacy = "{\"v\":2,\"k\":\"page\",\"id\":\"" + PAGE_KEY + "\",\"s\":200,\"h\":[[\"content-type\","
                + "\"text/html\"],[\"x-isr-props\",\"{\\\"slug\\\":\\\"hello\\\"}\"],[\"etag\",\"\\\"e\\\"\"]],\"lm\":"
                + T0 + ",\"ra\":" + (T0 + 60_000) + ",\"ea\":" + (T0 + 3_600_000) + ",\"t\":[]}";
        var value = KvEntryFormat.decode(stored(BODY, legacy)).entry().value();
        assertEquals("{\"slug\":\"hello\"}", value.props());
        assertEquals(Headers.of("content-type", "text/html", "etag", "\"e\""), value.headers(),
                "the field that carried them is gone, so it can never reach a client");
    }

    @Test
    void aRouteEntryKeepsAHeaderOfThatNameAsAHeader() {
        var value = KvEntryFormat.decode(stored(BODY, header("[[\"content-type\",\"text/plain\"]]",
                "[[\"x-isr-props\",\"mine\"]]"))).entry().value();
        assertNull(value.props());
        assertEquals("mine", value.headers().get("x-isr-props"));
    }

    @Test
    void propsThatAreNotAStringMakeTheEntryUnreadable() {
        var e = assertThrows(IllegalArgumentException.class, () -> KvEntryFormat.decode(stored(BODY,
                header("\"t\":[\"posts\"]", "\"t\":[\"posts\"],\"p\":{\"slug\":1}"))));
        assertTrue(e.getMessage().contains("field p"), e.getMessage());
    }

    @Test
    void neverStoredHeadersAreDroppedOnRead() {
        var e = KvEntryFormat.decode(stored(BODY, header("[[\"content-type\",\"text/plain\"]]",
                "[[\"set-cookie\",\"sid=1\"],[\"content-type\",\"text/plain\"],[\"cache-control\",\"max-age=9\"],"
                        + "[\"age\",\"5\"],[\"x-isr-cache\",\"HIT\"],[\"cache-status\",\"x\"]]"))).entry();
        assertEquals(Headers.of("content-type", "text/plain"), e.value().headers());
    }

    @Test
    void loneSurrogatesInTheIdentityAndTagsRoundTrip() {
        String key = "data:f\u00011:\ud800";
        var entry = new CacheEntry(new CacheValue(200, Headers.empty(), Body.of(BODY)), T0, T0, T0,
                List.of("a\udc00b"));
        var decoded = KvEntryFormat.decode(new KvStore.Stored(Body.of(KvEntryFormat.encode(key, entry).value().bytes()),
                KvEntryFormat.encode(key, entry).metadata()));
        assertEquals(key, decoded.key(), "a different string (say \"?\") would be another data key's identity");
        assertEquals(List.of("a\udc00b"), decoded.entry().tags());
    }

    @Test
    void entryWrittenMoreThanAMinuteInTheFutureIsCorruptAndOneWithinTheSkewIsServed() {
        memory.putRaw(ENTRY, BODY, header("\"lm\":" + T0, "\"lm\":" + (T0 + 61_000))
                .replace("\"ra\":" + (T0 + 60_000), "\"ra\":" + (T0 + 120_000)));
        assertEquals(State.CORRUPT, kv.get(KEY).state());
        assertTrue(log.hasWarning(ENTRY, "future"), log::toString);
        memory.putRaw(ENTRY, BODY, header("\"lm\":" + T0, "\"lm\":" + (T0 + 59_000)));
        assertEquals(State.FRESH, kv.get(KEY).state());
    }

    @Test
    void corruptEntryStaysInKvUntilTheIsrLayerReplacesOrDeletesIt() {
        memory.putRaw(ENTRY, BODY, "{oops");
        assertEquals(State.CORRUPT, kv.get(KEY).state());
        assertTrue(memory.contains(ENTRY), "get only classifies; the ISR layer decides what to do with it");
    }

    /** Decoding remembers entries by their metadata: the same metadata with another read's body gives that body. */
    @Test
    void aRememberedEntryCarriesEachReadsOwnBody() {
        var first = KvEntryFormat.decode(stored(BODY, HEADER)).entry();
        byte[] other = "other bytes".getBytes(StandardCharsets.UTF_8);
        var second = KvEntryFormat.decode(stored(other, new String(HEADER))).entry(); // equal text, not the same
        assertArrayEquals(BODY, first.value().body().bytes());
        assertArrayEquals(other, second.value().body().bytes());
        assertEquals(first.value().headers().entries(), second.value().headers().entries());
        assertEquals(first.tags(), second.tags());
        assertEquals(first.lastModified(), second.lastModified());
    }

    /** Another metadata text (a later write of the same key) is decoded afresh, never served from what was remembered. */
    @Test
    void changedMetadataIsDecodedAfresh() {
        KvEntryFormat.decode(stored(BODY, HEADER));
        var later = KvEntryFormat.decode(stored(BODY, header("\"s\":200", "\"s\":404"))).entry();
        assertEquals(404, later.value().status());
        assertEquals(200, KvEntryFormat.decode(stored(BODY, HEADER)).entry().value().status());
    }

    /** An overflow entry's header is in its value, so two values under the same metadata may differ: never remembered. */
    @Test
    void overflowEntriesAreDecodedFromTheirOwnValue() {
        String otherHeader = HEADER.replace("\"s\":200", "\"s\":203");
        var first = KvEntryFormat.decode(stored(overflowValue(HEADER, BODY), OVERFLOW_META)).entry();
        var second = KvEntryFormat.decode(stored(overflowValue(otherHeader, BODY), OVERFLOW_META)).entry();
        assertEquals(200, first.value().status());
        assertEquals(203, second.value().status());
    }
}
