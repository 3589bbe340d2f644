package dev.isr4j.cache;

import static dev.isr4j.testing.IsrHarness.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.Body;
import dev.isr4j.Headers;
import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.CacheHandler.SetOptions;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.api.CacheLookup.State;
import dev.isr4j.api.CacheValue;
import dev.isr4j.api.Completion;
import dev.isr4j.api.KvCacheOptions;
import dev.isr4j.api.KvStore;
import dev.isr4j.store.CacheKeys;
import dev.isr4j.json.JsonReader;
import dev.isr4j.testing.ManualClock;
import dev.isr4j.testing.RecordingKvStore;
import dev.isr4j.testing.RecordingLog;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** KvCacheHandler on the in-memory KV namespace (KV's limits enforced) with a manual clock. */
class KvCacheHandlerTest {
    private static final String KEY = "app:/api/data:route";
    private static final String ENTRY = "cache:" + KEY;
    private static final long TTL_30_DAYS = 30L * 24 * 3600;

    private final ManualClock clock = new ManualClock(T0);
    private final InMemoryKvStore memory = new InMemoryKvStore(clock);
    private final RecordingKvStore store = new RecordingKvStore(memory);
    private final RecordingLog log = new RecordingLog();
    private final KvCacheHandler kv = handler(KvCacheOptions.defaults());

    private KvCacheHandler handler(KvCacheOptions options) {
        return new KvCacheHandler(store, clock, log, options);
    }

    private static SetOptions revalidate60(String... tags) {
        return new SetOptions(60, 3600, List.of(tags));
    }

    private static CacheValue value(int status, Headers headers, Body body) {
        return new CacheValue(status, headers, body);
    }

    private static CacheValue text(String text) {
        return value(200, Headers.of("content-type", "text/plain; charset=utf-8"), Body.of(text));
    }

    private static Map<?, ?> json(String text) {
        return (Map<?, ?>) JsonReader.parse(text);
    }

    private static void assertSameValue(CacheValue expected, CacheValue actual) {
        assertEquals(expected.status(), actual.status(), "status");
        assertEquals(expected.headers().entries(), actual.headers().entries(), "headers, in order");
        assertArrayEquals(expected.body().bytes(), actual.body().bytes(), "body bytes");
    }

    /** set, then get at the same instant: a FRESH entry carrying exactly what was stored. */
    private CacheEntry roundTrip(CacheValue v, SetOptions options) {
        kv.set(KEY, v, options).await();
        CacheLookup lookup = kv.get(KEY);
        assertEquals(State.FRESH, lookup.state(), log::toString);
        assertSameValue(v, lookup.entry().value());
        return lookup.entry();
    }

    private KvStore.Stored raw(String kvKey) {
        var stored = memory.getWithMetadata(kvKey);
        assertNotNull(stored, () -> kvKey + " not in KV; keys: " + memory.keys());
        return stored;
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Nested
    class Format {
        @Test
        void textBodyRoundTripsAndTheKvValueIsExactlyTheBodyBytes() {
            var v = text("héllo wörld, ünïcode ✓");
            roundTrip(v, revalidate60());
            assertArrayEquals(v.body().bytes(), raw(ENTRY).value().bytes(), "no base64, no JSON around the body");
        }

        @Test
        void binaryBodyWithEveryByteValueRoundTripsUnchanged() {
            byte[] bytes = new byte[256 * 4];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) (255 - i % 256);
            }
            var v = value(200, Headers.of("content-type", "application/octet-stream"), Body.of(bytes));
            roundTrip(v, revalidate60());
            assertArrayEquals(bytes, raw(ENTRY).value().bytes());
        }

        @Test
        void emptyBodyRoundTripsAsAnEmptyKvValue() {
            var v = value(204, Headers.empty(), Body.EMPTY);
            var entry = roundTrip(v, revalidate60());
            assertEquals(0, entry.value().body().length());
            assertEquals(0, raw(ENTRY).value().length());
        }

        @Test
        void oneMebibyteBodyRoundTrips() {
            byte[] bytes = new byte[1 << 20];
            new Random(42).nextBytes(bytes);
            var v = value(200, Headers.of("content-type", "image/png"), Body.of(bytes));
            roundTrip(v, revalidate60());
            assertArrayEquals(bytes, raw(ENTRY).value().bytes());
        }

        @Test
        void statusAndHeaderOrderIncludingRepeatedNamesArePreserved() {
            var headers = Headers.of("x-b", "1", "content-type", "application/json", "x-a", "2", "x-b", "3",
                    "link", "</a>; rel=\"preload\"", "x-empty", "");
            var v = value(404, headers, Body.of("{\"error\":\"not found\"}"));
            var entry = roundTrip(v, revalidate60());
            assertEquals(List.of("1", "3"), entry.value().headers().getAll("x-b"));
        }

        @Test
        void tagsArePreservedInOrder() {
            var tags = List.of("post-1", "posts", "ünï-tag", "path:/api/posts/1");
            var entry = roundTrip(text("x"), new SetOptions(60, 3600, tags));
            assertEquals(tags, entry.tags());
        }

        @Test
        void timestampsAreTheWriteTimeAndTheWriteTimePlusRevalidateAndExpire() {
            clock.set(T0 + 123);
            var entry = roundTrip(text("x"), new SetOptions(60, 3600, List.of()));
            assertEquals(T0 + 123, entry.lastModified());
            assertEquals(T0 + 123 + 60_000, entry.revalidateAt());
            assertEquals(T0 + 123 + 3_600_000, entry.expireAt());
        }

        @Test
        void metadataIsTheDocumentedHeaderJson() {
            clock.set(T0 + 7);
            kv.set(KEY, value(200, Headers.of("content-type", "application/json"), Body.of("{}")),
                    revalidate60("posts", "path:/api/posts/1")).await();
            String meta = raw(ENTRY).metadata();
            assertEquals("{\"v\":2,\"k\":\"route\",\"id\":\"" + KEY + "\",\"s\":200,\"h\":[[\"content-type\",\"application/json\"]],"
                    + "\"lm\":" + (T0 + 7) + ",\"ra\":" + (T0 + 7 + 60_000) + ",\"ea\":" + (T0 + 7 + 3_600_000)
                    + ",\"t\":[\"posts\",\"path:/api/posts/1\"]}", meta);
            var m = json(meta);
            assertEquals(Set.of("v", "k", "id", "s", "h", "lm", "ra", "ea", "t"), m.keySet());
            assertEquals(2L, m.get("v"));
            assertEquals(KEY, m.get("id"));
            assertEquals("route", m.get("k"));
            assertEquals(200L, m.get("s"));
            assertEquals(List.of(List.of("content-type", "application/json")), m.get("h"));
            assertEquals(T0 + 7, m.get("lm"));
            assertEquals(T0 + 7 + 60_000, m.get("ra"));
            assertEquals(T0 + 7 + 3_600_000, m.get("ea"));
            assertEquals(List.of("posts", "path:/api/posts/1"), m.get("t"));
        }

        @Test
        void headerValuesNeedingJsonEscapesRoundTrip() {
            var v = value(200, Headers.of("x-q", "say \"hi\" \\ back", "x-ctl", "a\tb", "x-latin1", "caf\u00e9"),
                    Body.of("x"));
            roundTrip(v, revalidate60());
        }

        @Test
        void keyIsCachePrefixPlusTheCacheKey() {
            kv.set(KEY, text("x"), revalidate60()).await();
            assertEquals(List.of("cache:app:/api/data:route"), memory.keys());
            assertEquals("cache:" + KEY, kv.entryKey(KEY));
        }

        @Test
        void appPrefixGoesInFrontOfEntryAndTagKeys() {
            var blog = handler(KvCacheOptions.defaults().withAppPrefix("blog:"));
            blog.set(KEY, text("x"), revalidate60("posts")).await();
            assertEquals(List.of("blog:cache:app:/api/data:route"), memory.keys());
            assertEquals(State.FRESH, blog.get(KEY).state());
            assertEquals(State.MISS, kv.get(KEY).state(), "an app without the prefix does not see it");
            blog.revalidateTag(List.of("posts"), false).await();
            assertTrue(memory.contains("blog:__tag:posts"), memory.keys()::toString);
            assertFalse(memory.contains("__tag:posts"));
        }

        @Test
        void absentKeyIsAMissWithoutLogging() {
            assertEquals(State.MISS, kv.get(KEY).state());
            assertTrue(log.isEmpty(), log::toString);
        }
    }

    @Nested
    class HeaderOverflow {
        private final Headers big = Headers.of("content-type", "text/html", "x-big", "a".repeat(1500),
                "x-after", "1");

        @Test
        void headerJsonOver1024BytesMovesIntoTheValueAndTheMetadataOnlyPointsThere() {
            clock.set(T0 + 5);
            byte[] body = "<p>body</p>".getBytes(StandardCharsets.UTF_8);
            var v = value(200, big, Body.of(body));
            var entry = roundTrip(v, revalidate60("posts", "path:/api/big"));
            assertEquals(List.of("posts", "path:/api/big"), entry.tags());
            assertEquals(T0 + 5, entry.lastModified());
            assertEquals(T0 + 5 + 60_000, entry.revalidateAt());
            assertEquals(T0 + 5 + 3_600_000, entry.expireAt());

            var stored = raw(ENTRY);
            assertEquals("{\"v\":2,\"k\":\"route\",\"x\":1}", stored.metadata());
            byte[] value = stored.value().bytes();
            int n = ByteBuffer.wrap(value, 0, 4).getInt(); // big-endian
            assertTrue(n > KvStore.MAX_METADATA_BYTES, "announced header length " + n);
            assertEquals(4 + n + body.length, value.length);
            var header = json(new String(value, 4, n, StandardCharsets.UTF_8));
            assertEquals(2L, header.get("v"));
            assertEquals("route", header.get("k"));
            assertEquals(KEY, header.get("id"));
            assertEquals(200L, header.get("s"));
            assertEquals(T0 + 5, header.get("lm"));
            assertEquals(List.of("posts", "path:/api/big"), header.get("t"));
            assertEquals(3, ((List<?>) header.get("h")).size());
            assertArrayEquals(body, Arrays.copyOfRange(value, 4 + n, value.length));
        }

        @Test
        void overflowedEntryWithBinaryAndEmptyBodiesRoundTrips() {
            byte[] bytes = new byte[256];
            for (int i = 0; i < 256; i++) {
                bytes[i] = (byte) i;
            }
            roundTrip(value(200, big, Body.of(bytes)), revalidate60());
            roundTrip(value(200, big, Body.EMPTY), revalidate60());
        }

        @Test
        void manyTagsAlsoOverflowAndRoundTrip() {
            var tags = new ArrayList<String>();
            for (int i = 0; i < 100; i++) {
                tags.add("tag-number-" + i);
            }
            tags.add("path:/api/data");
            var entry = roundTrip(text("x"), new SetOptions(60, 3600, tags));
            assertEquals(tags, entry.tags());
            assertEquals("{\"v\":2,\"k\":\"route\",\"x\":1}", raw(ENTRY).metadata());
        }

        @Test
        void multiByteHeaderValueIsMeasuredInUtf8BytesNotCharacters() {
            // 600 characters, 1200 bytes: by character count it would fit, by KV's byte count it does not
            var v = value(200, Headers.of("x-name", "é".repeat(600)), Body.of("x"));
            roundTrip(v, revalidate60());
            assertTrue(raw(ENTRY).metadata().contains("\"x\":1"), raw(ENTRY)::metadata);
        }

        @Test
        void metadataStaysWithin1024BytesOnEitherSideOfTheBoundary() {
            // Header JSON grows by one byte per step, so the sweep crosses 1024 exactly once.
            boolean sawExactly1024 = false;
            boolean sawOverflow = false;
            for (int len = 850; len <= 1000; len++) {
                String key = "app:/k/" + len + ":route";
                var v = value(200, Headers.of("x-pad", "p".repeat(len)), Body.of("body " + len));
                var options = revalidate60("path:/k/" + len);
                assertDoesNotThrow(() -> kv.set(key, v, options).await(),
                        "InMemoryKvStore rejects metadata over 1024 bytes");
                var stored = raw("cache:" + key);
                int metaBytes = utf8(stored.metadata());
                assertTrue(metaBytes <= KvStore.MAX_METADATA_BYTES, "metadata of " + metaBytes + " bytes");
                if (json(stored.metadata()).containsKey("x")) {
                    sawOverflow = true;
                    int n = ByteBuffer.wrap(stored.value().bytes(), 0, 4).getInt();
                    assertTrue(n > KvStore.MAX_METADATA_BYTES, "a header of " + n + " bytes fit the metadata");
                } else {
                    sawExactly1024 |= metaBytes == KvStore.MAX_METADATA_BYTES;
                    assertArrayEquals(v.body().bytes(), stored.value().bytes());
                }
                var lookup = kv.get(key);
                assertEquals(State.FRESH, lookup.state());
                assertSameValue(v, lookup.entry().value());
            }
            assertTrue(sawExactly1024, "a header of exactly 1024 bytes is stored as metadata");
            assertTrue(sawOverflow);
        }

        @Test
        void veryLongPathTagStillFitsTheOverflowMetadata() {
            String path = "/" + "p".repeat(3000);
            String key = CacheKeys.routeKey(path, "");
            var v = text("long");
            kv.set(key, v, revalidate60("posts", CacheKeys.pathTag(path))).await();
            var stored = raw(kv.entryKey(key));
            assertTrue(utf8(stored.metadata()) <= KvStore.MAX_METADATA_BYTES);
            var lookup = kv.get(key);
            assertEquals(State.FRESH, lookup.state());
            assertSameValue(v, lookup.entry().value());
            assertEquals(List.of("posts", CacheKeys.pathTag(path)), lookup.entry().tags());
        }
    }

    @Nested
    class Limits {
        @Test
        void bodyOverKvValueLimitIsNotStoredAndLoggedOncePerKey() {
            var v = value(200, Headers.of("content-type", "application/octet-stream"),
                    Body.of(new byte[KvStore.MAX_VALUE_BYTES + 1]));
            kv.set(KEY, v, revalidate60()).await();
            kv.set(KEY, v, revalidate60()).await();
            assertEquals(0, memory.writes());
            assertEquals(List.of(), store.puts, "KV is not even asked");
            assertEquals(1, log.lines().stream().filter(l -> l.message().contains(KEY)).count(), log::toString);
            assertTrue(log.hasWarning(KEY, String.valueOf(KvStore.MAX_VALUE_BYTES)), log::toString);
            kv.set("app:/other:route", v, revalidate60()).await();
            assertTrue(log.hasWarning("app:/other:route"), "another key is reported on its own");
        }

        @Test
        void bodyOfExactlyTheKvValueLimitIsStored() {
            byte[] bytes = new byte[KvStore.MAX_VALUE_BYTES];
            bytes[bytes.length - 1] = 7;
            kv.set(KEY, value(200, Headers.empty(), Body.of(bytes)), revalidate60()).await();
            var lookup = kv.get(KEY);
            assertEquals(State.FRESH, lookup.state());
            assertEquals(KvStore.MAX_VALUE_BYTES, lookup.entry().value().body().length());
            assertEquals(7, lookup.entry().value().body().bytes()[bytes.length - 1]);
        }

        @Test
        void bodyThatFitsAloneButNotWithAnOverflowedHeaderIsNotStoredAndLogged() {
            var v = value(200, Headers.of("x-big", "a".repeat(2000)),
                    Body.of(new byte[KvStore.MAX_VALUE_BYTES - 100]));
            assertDoesNotThrow(() -> kv.set(KEY, v, revalidate60()).await());
            assertEquals(0, memory.writes());
            assertTrue(log.hasWarning(KEY), log::toString);
        }

        @Test
        void entriesArePutWithThirtyDaysOfKvTtlWhateverTheirRevalidate() {
            kv.set("app:/a:route", text("a"), new SetOptions(1, 2, List.of())).await();
            kv.set("app:/b:route", text("b"), new SetOptions(60, 31_536_000, List.of())).await();
            kv.set("app:/c:route", text("c"), new SetOptions(10L * 365 * 24 * 3600, Long.MAX_VALUE, List.of()))
                    .await();
            assertEquals(3, store.puts.size());
            assertEquals(TTL_30_DAYS, store.puts.get(0).expirationTtlSeconds());
            assertEquals(TTL_30_DAYS, store.puts.get(1).expirationTtlSeconds());
            // An entry meant to be served for ten years or more (FORCE_STATIC) gets no KV TTL at all.
            assertEquals(0, store.puts.get(2).expirationTtlSeconds());
            assertEquals(TTL_30_DAYS, KvCacheOptions.DEFAULT_TTL_SECONDS);
        }

        @Test
        void configuredTtlIsUsedAndKvDropsTheEntryAfterIt() {
            var short2min = handler(KvCacheOptions.defaults().withExpirationTtl(120));
            short2min.set(KEY, text("x"), new SetOptions(3600, 7200, List.of())).await();
            assertEquals(120, store.puts.get(0).expirationTtlSeconds());
            clock.advanceMillis(119_999);
            assertEquals(State.FRESH, short2min.get(KEY).state());
            clock.advanceMillis(1);
            assertEquals(State.MISS, short2min.get(KEY).state(), "KV expired it, though revalidate is an hour");
        }

        @Test
        void ttlBelowKvMinimumIsRejectedWithAClearMessage() {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> KvCacheOptions.defaults().withExpirationTtl(59));
            assertTrue(e.getMessage().contains("at least 60"), e.getMessage());
            assertTrue(e.getMessage().contains("59"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> KvCacheOptions.defaults().withExpirationTtl(0));
            assertEquals(60, KvCacheOptions.defaults().withExpirationTtl(60).expirationTtlSeconds());
        }

        @Test
        void badAppPrefixIsRejectedWithAClearMessage() {
            for (String bad : Arrays.asList("blog/", "a b", "é", "x".repeat(65), "new\nline", null)) {
                var e = assertThrows(IllegalArgumentException.class,
                        () -> KvCacheOptions.defaults().withAppPrefix(bad), String.valueOf(bad));
                assertTrue(e.getMessage().contains("appPrefix"), e.getMessage());
                assertTrue(e.getMessage().contains(String.valueOf(bad)), e.getMessage());
            }
            for (String good : List.of("", "blog:", "my-app.v2_", "x".repeat(64))) {
                assertEquals(good, KvCacheOptions.defaults().withAppPrefix(good).appPrefix());
            }
        }

        @Test
        void negativeTagCacheTimeIsRejected() {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> KvCacheOptions.defaults().withTagCacheMillis(-1));
            assertTrue(e.getMessage().contains("tagCacheMillis"), e.getMessage());
        }

        @Test
        void defaultsAreNoPrefixThirtyDaysAndFiveSecondsOfTagCache() {
            var d = KvCacheOptions.defaults();
            assertEquals("", d.appPrefix());
            assertEquals(TTL_30_DAYS, d.expirationTtlSeconds());
            assertEquals(5000, d.tagCacheMillis());
            assertEquals(10_000, d.maxCachedTags());
            var e = assertThrows(IllegalArgumentException.class, () -> d.withMaxCachedTags(0));
            assertTrue(e.getMessage().contains("maxCachedTags"), e.getMessage());
        }

        @Test
        void keyOfAPathOver200CharactersIsHashedAndFitsKvKeyLimitWithTheLongestPrefixes() {
            String path = "/" + "segment/".repeat(400);
            String buildId = "b".repeat(64);
            var prefixed = handler(KvCacheOptions.defaults().withAppPrefix("p".repeat(64)));
            String key = CacheKeys.routeKey(path, buildId);
            String kvKey = prefixed.entryKey(key);
            assertTrue(kvKey.contains("__hash:"), kvKey);
            assertTrue(utf8(kvKey) <= KvStore.MAX_KEY_BYTES, kvKey.length() + " bytes");
            var v = text("deep");
            prefixed.set(key, v, revalidate60(CacheKeys.pathTag(path))).await();
            assertEquals(List.of(kvKey), memory.keys());
            assertSameValue(v, prefixed.get(key).entry().value());
        }

        @Test
        void longestPlainKeyWithTheLongestPrefixesFitsKvKeyLimit() {
            String buildId = "b".repeat(64);
            String prefix = "app:" + buildId + ":";
            String path = "/" + "x".repeat(CacheKeys.MAX_PLAIN_KEY_LENGTH - prefix.length() - ":route".length() - 1);
            String key = CacheKeys.routeKey(path, buildId);
            assertEquals(CacheKeys.MAX_PLAIN_KEY_LENGTH, key.length());
            assertFalse(key.contains("__hash:"));
            var prefixed = handler(KvCacheOptions.defaults().withAppPrefix("p".repeat(64)));
            assertDoesNotThrow(() -> prefixed.set(key, text("x"), revalidate60()).await());
            assertEquals(State.FRESH, prefixed.get(key).state());
        }
    }

    @Nested
    class Expiry {
        @Test
        void entryIsStaleFromRevalidateAtAndAMissFromExpireAt() {
            kv.set(KEY, text("x"), new SetOptions(60, 120, List.of())).await();
            clock.advanceMillis(59_999);
            assertEquals(State.FRESH, kv.get(KEY).state());
            clock.advanceMillis(1);
            assertEquals(State.STALE, kv.get(KEY).state());
            clock.advanceMillis(59_999);
            assertEquals(State.STALE, kv.get(KEY).state());
            clock.advanceMillis(1);
            var lookup = kv.get(KEY);
            assertEquals(State.MISS, lookup.state());
            assertNull(lookup.entry(), "an expired entry is never handed out");
            assertTrue(memory.contains(ENTRY), "still in KV (its KV TTL is 30 days): the handler decides");
        }

        /**
         * SetOptions saturates expireAt at Long.MAX_VALUE (App.expire of a huge value). That timestamp is a
         * 19-digit number in the header JSON, and it must read back as the same long.
         */
        @Test
        void entryWithSaturatedExpireAtRoundTrips() {
            var options = new SetOptions(60, Long.MAX_VALUE, List.of());
            assertEquals(Long.MAX_VALUE, options.expireAt(T0));
            kv.set(KEY, text("x"), options).await();
            var lookup = kv.get(KEY);
            assertEquals(State.FRESH, lookup.state(), log::toString);
            assertEquals(Long.MAX_VALUE, lookup.entry().expireAt());
        }

        @Test
        void entryWithExpireAtBeyond18DigitsRoundTrips() {
            // expire = 10^15 s (31 million years): ea = T0 + 10^18 ms, a 19-digit number
            var options = new SetOptions(60, 1_000_000_000_000_000L, List.of());
            kv.set(KEY, text("x"), options).await();
            var lookup = kv.get(KEY);
            assertEquals(State.FRESH, lookup.state(), log::toString);
            assertEquals(options.expireAt(T0), lookup.entry().expireAt());
        }
    }

    @Nested
    class TagInvalidation {
        private final String other = "app:/api/other:route";

        @Test
        void hardRevalidationWritesTheTagRecordAndMakesTaggedEntriesAMiss() {
            kv.set(KEY, text("x"), revalidate60("posts")).await();
            kv.set(other, text("y"), revalidate60("comments")).await();
            clock.advanceMillis(1000);
            kv.revalidateTag(List.of("posts"), false).await();
            assertEquals("{\"tag\":\"posts\",\"expired\":" + (T0 + 1000) + ",\"stale\":-1}",
                    memory.getText("__tag:posts"));
            var record = json(memory.getText("__tag:posts"));
            assertEquals(T0 + 1000, record.get("expired"));
            assertEquals(State.MISS, kv.get(KEY).state());
            assertEquals(State.FRESH, kv.get(other).state());
        }

        @Test
        void tagRecordsAreWrittenWithoutKvTtl() {
            kv.revalidateTag(List.of("posts"), false).await();
            assertEquals(List.of(new RecordingKvStore.Put("__tag:posts", null, 0)), store.puts);
        }

        @Test
        void revalidationInTheSameMillisecondAsTheWriteCounts() {
            kv.set(KEY, text("x"), revalidate60("posts")).await();
            kv.revalidateTag(List.of("posts"), false).await();
            assertEquals(State.MISS, kv.get(KEY).state());
        }

        @Test
        void entryWrittenAfterTheRevalidationIsFresh() {
            kv.set(KEY, text("old"), revalidate60("posts")).await();
            clock.advanceMillis(10);
            kv.revalidateTag(List.of("posts"), false).await();
            assertEquals(State.MISS, kv.get(KEY).state());
            clock.advanceMillis(1);
            kv.set(KEY, text("new"), revalidate60("posts")).await();
            var lookup = kv.get(KEY);
            assertEquals(State.FRESH, lookup.state());
            assertEquals("new", lookup.entry().value().body().text());
        }

        @Test
        void softRevalidationMakesTaggedEntriesStaleAndKeepsTheHardTimestamp() {
            kv.revalidateTag(List.of("posts"), false).await(); // hard at T0
            clock.advanceMillis(1);
            kv.set(KEY, text("x"), revalidate60("posts")).await();
            assertEquals(State.FRESH, kv.get(KEY).state());
            clock.advanceMillis(1000);
            kv.revalidateTag(List.of("posts"), true).await();
            assertEquals("{\"tag\":\"posts\",\"expired\":" + T0 + ",\"stale\":" + (T0 + 1001) + "}",
                    memory.getText("__tag:posts"));
            var lookup = kv.get(KEY);
            assertEquals(State.STALE, lookup.state());
            assertEquals("x", lookup.entry().value().body().text(), "a soft-revalidated entry is still served");
            clock.advanceMillis(1);
            kv.set(KEY, text("y"), revalidate60("posts")).await();
            assertEquals(State.FRESH, kv.get(KEY).state());
        }

        @Test
        void hardRevalidationAfterASoftOneKeepsTheSoftTimestampAndWins() {
            kv.set(KEY, text("x"), revalidate60("posts")).await();
            clock.advanceMillis(5);
            kv.revalidateTag(List.of("posts"), true).await();
            assertEquals(State.STALE, kv.get(KEY).state());
            clock.advanceMillis(5);
            kv.revalidateTag(List.of("posts"), false).await();
            assertEquals("{\"tag\":\"posts\",\"expired\":" + (T0 + 10) + ",\"stale\":" + (T0 + 5) + "}",
                    memory.getText("__tag:posts"));
            assertEquals(State.MISS, kv.get(KEY).state());
        }

        @Test
        void revalidationBeforeTheEntryWasWrittenDoesNotAffectIt() {
            kv.revalidateTag(List.of("posts"), false).await();
            clock.advanceMillis(1);
            kv.set(KEY, text("x"), revalidate60("posts")).await();
            assertEquals(State.FRESH, kv.get(KEY).state());
        }

        @Test
        void eachTagIsWrittenOnceEvenWhenRepeated() {
            kv.revalidateTag(List.of("posts", "posts", "comments"), false).await();
            assertEquals(List.of("__tag:posts", "__tag:comments"),
                    store.puts.stream().map(RecordingKvStore.Put::key).toList());
        }

        @Test
        void anotherIsolateSeesTheRevalidationOnlyOnceItsCachedTagStateIsOlderThanTagCacheMillis() {
            var isolateA = kv;
            var isolateB = handler(KvCacheOptions.defaults());
            isolateA.set(KEY, text("x"), revalidate60("posts")).await();
            assertEquals(State.FRESH, isolateA.get(KEY).state()); // A caches "posts" at T0
            assertEquals(State.FRESH, isolateB.get(KEY).state()); // B caches "posts" at T0

            clock.advanceMillis(1000);
            isolateA.revalidateTag(List.of("posts"), false).await();
            assertEquals(State.MISS, isolateA.get(KEY).state(), "the revalidating isolate sees it at once");
            assertEquals(State.FRESH, isolateB.get(KEY).state(), "B trusts its state read at T0");

            clock.set(T0 + KvCacheOptions.DEFAULT_TAG_CACHE_MILLIS - 1);
            assertEquals(State.FRESH, isolateB.get(KEY).state());
            clock.set(T0 + KvCacheOptions.DEFAULT_TAG_CACHE_MILLIS);
            assertEquals(State.MISS, isolateB.get(KEY).state(), "B re-read the tag from KV");
        }

        @Test
        void anotherIsolateSeesASoftRevalidationAfterTagCacheMillisToo() {
            var isolateB = handler(KvCacheOptions.defaults().withTagCacheMillis(2000));
            kv.set(KEY, text("x"), revalidate60("posts")).await();
            assertEquals(State.FRESH, isolateB.get(KEY).state());
            clock.advanceMillis(1);
            kv.revalidateTag(List.of("posts"), true).await();
            assertEquals(State.STALE, kv.get(KEY).state());
            assertEquals(State.FRESH, isolateB.get(KEY).state());
            clock.set(T0 + 2000);
            assertEquals(State.STALE, isolateB.get(KEY).state());
        }

        @Test
        void isolateThatNeverReadTheTagSeesTheRevalidationAtOnce() {
            kv.set(KEY, text("x"), revalidate60("posts")).await();
            clock.advanceMillis(1);
            kv.revalidateTag(List.of("posts"), false).await();
            var isolateB = handler(KvCacheOptions.defaults());
            assertEquals(State.MISS, isolateB.get(KEY).state());
        }

        @Test
        void tagCacheOfZeroReadsTheTagEveryTime() {
            var isolateB = handler(KvCacheOptions.defaults().withTagCacheMillis(0));
            kv.set(KEY, text("x"), revalidate60("posts")).await();
            assertEquals(State.FRESH, isolateB.get(KEY).state());
            clock.advanceMillis(1);
            kv.revalidateTag(List.of("posts"), false).await();
            assertEquals(State.MISS, isolateB.get(KEY).state());
        }

        @Test
        void bareTimestampTagRecordIsAHardRevalidation() {
            kv.set(KEY, text("x"), revalidate60("posts")).await();
            memory.putRaw("__tag:posts", String.valueOf(T0).getBytes(StandardCharsets.UTF_8), null);
            assertEquals(State.MISS, kv.get(KEY).state());
        }

        @Test
        void unreadableTagRecordFailsClosedUntilItIsRewritten() {
            kv.set(KEY, text("x"), revalidate60("posts")).await();
            memory.putRaw("__tag:posts", "{not json".getBytes(StandardCharsets.UTF_8), null);
            assertEquals(State.MISS, kv.get(KEY).state(), "an unknown invalidation counts as one made now");
            assertTrue(log.hasWarning("__tag:posts"), log::toString);
            clock.advanceMillis(1);
            kv.revalidateTag(List.of("posts"), true).await();
            assertEquals(T0 + 1, json(memory.getText("__tag:posts")).get("expired"),
                    "a soft revalidation that cannot read the record records a hard one");
            clock.advanceMillis(1);
            kv.set(KEY, text("y"), revalidate60("posts")).await();
            assertEquals(State.FRESH, kv.get(KEY).state(), "the rewritten record heals the tag");
        }

        @Test
        void invalidTagsAreRejectedBeforeAnythingIsWritten() {
            var bad = Arrays.asList("", "t".repeat(257), "new\nline", "del\u007f", "a:b", "a\\b");
            for (String tag : bad) {
                int writes = memory.writes();
                var e = assertThrows(IllegalArgumentException.class,
                        () -> kv.revalidateTag(List.of("good", tag), false), tag);
                assertTrue(e.getMessage().contains("tag"), e.getMessage());
                assertEquals(writes, memory.writes(), "nothing written for " + tag);
                assertFalse(memory.contains("__tag:good"));
                assertThrows(IllegalArgumentException.class, () -> kv.revalidateTag(List.of(tag), true), tag);
            }
            assertEquals(List.of(), store.puts);
            assertDoesNotThrow(() -> kv.revalidateTag(List.of("t".repeat(256)), false).await());
        }

        /**
         * revalidatePath accepts paths up to 2048 characters (CacheRevalidator.validatePath) and entries for
         * such paths are cached under a hashed key; the path tag's KV record must then fit KV's 512-byte key
         * limit as well, or the path can never be revalidated.
         */
        @Test
        void pathTagOfAPathLongerThanTheKvKeyLimitCanBeRevalidated() {
            String path = "/" + "p".repeat(600);
            String key = CacheKeys.routeKey(path, "");
            kv.set(key, text("long"), revalidate60(CacheKeys.pathTag(path))).await();
            clock.advanceMillis(1);
            assertDoesNotThrow(() -> kv.revalidateTag(List.of(CacheKeys.pathTag(path)), false).await());
            assertEquals(State.MISS, kv.get(key).state());
            for (String k : memory.keys()) {
                assertTrue(utf8(k) <= KvStore.MAX_KEY_BYTES, k.length() + "-byte key");
            }
        }
    }

    @Nested
    class LayoutRevalidation {
        private final List<String> paths = List.of("/blog", "/blog/a", "/blog/a/b", "/blog-archive", "/other");

        /** Stores an entry with the tags the route cache gives it: a user tag, the path tag, the layout tags. */
        private void store(KvCacheHandler handler, String path, Headers headers) {
            var tags = new ArrayList<String>(List.of("posts", CacheKeys.pathTag(path)));
            tags.addAll(CacheKeys.layoutTags(path));
            handler.set(CacheKeys.routeKey(path, ""), value(200, headers, Body.of(path)),
                    new SetOptions(60, 3600, tags)).await();
        }

        private State state(KvCacheHandler handler, String path) {
            return handler.get(CacheKeys.routeKey(path, "")).state();
        }

        private void revalidateLayout(KvCacheHandler handler, String path, boolean soft) {
            handler.revalidateTag(List.of(CacheKeys.layoutTag(path)), soft).await();
        }

        private void storeAll() {
            for (String p : paths) {
                store(kv, p, Headers.empty());
            }
        }

        @Test
        void layoutRevalidationCoversThePathAndEverythingBelowItByWholeSegments() {
            storeAll();
            clock.advanceMillis(1);
            revalidateLayout(kv, "/blog", false);
            assertEquals(State.MISS, state(kv, "/blog"));
            assertEquals(State.MISS, state(kv, "/blog/a"));
            assertEquals(State.MISS, state(kv, "/blog/a/b"));
            assertEquals(State.FRESH, state(kv, "/blog-archive"));
            assertEquals(State.FRESH, state(kv, "/other"));
            assertTrue(memory.contains("__tag:layout:/blog"));
            assertFalse(memory.contains("__tag:posts"), "shared user tags are not revalidated");
        }

        @Test
        void softLayoutRevalidationMakesThemStale() {
            storeAll();
            clock.advanceMillis(1);
            revalidateLayout(kv, "/blog/", true);
            assertEquals(State.STALE, state(kv, "/blog"));
            assertEquals(State.STALE, state(kv, "/blog/a/b"));
            assertEquals(State.FRESH, state(kv, "/blog-archive"));
        }

        @Test
        void layoutRevalidationIsOneTagWriteAndListsNothingHoweverManyEntries() {
            for (int i = 0; i < 1500; i++) {
                store(kv, String.format("/blog/%04d", i), Headers.empty());
            }
            int puts = store.puts.size();
            clock.advanceMillis(1);
            revalidateLayout(kv, "/blog", false);
            assertEquals(List.of(), store.lists);
            assertEquals(1, store.puts.size() - puts, store.puts::toString);
            assertEquals(State.MISS, state(kv, "/blog/0000"));
            assertEquals(State.MISS, state(kv, "/blog/1499"));
        }

        @Test
        void layoutRevalidationReachesEntriesWhoseHeaderOverflowedIntoTheValue() {
            store(kv, "/blog/big", Headers.of("x-big", "a".repeat(2000)));
            assertTrue(json(raw("cache:" + CacheKeys.routeKey("/blog/big", "")).metadata()).containsKey("x"));
            clock.advanceMillis(1);
            revalidateLayout(kv, "/blog", false);
            assertEquals(State.MISS, state(kv, "/blog/big"));
        }

        @Test
        void layoutRevalidationReachesDescendantsWithVeryLongPaths() {
            String longPath = "/blog/" + "p".repeat(900) + "/" + "q".repeat(900);
            for (String p : List.of("/blog/a", longPath, "/blog/z")) {
                store(kv, p, Headers.empty());
            }
            clock.advanceMillis(1);
            revalidateLayout(kv, "/blog", false);
            assertEquals(State.MISS, state(kv, "/blog/a"));
            assertEquals(State.MISS, state(kv, longPath));
            assertEquals(State.MISS, state(kv, "/blog/z"));
            clock.advanceMillis(1);
            store(kv, longPath, Headers.empty());
            clock.advanceMillis(1);
            revalidateLayout(kv, "/blog/" + "p".repeat(900), false);
            assertEquals(State.MISS, state(kv, longPath), "a long ancestor's hashed layout tag reaches it too");
            for (String k : memory.keys()) {
                assertTrue(utf8(k) <= KvStore.MAX_KEY_BYTES, k.length() + "-byte key");
            }
        }

        @Test
        void layoutRevalidationBelowTheDepthBoundWidensToTheDeepestTaggedAncestor() {
            String deep = "/d" + "/s".repeat(30);
            String sibling = "/d" + "/s".repeat(CacheKeys.MAX_LAYOUT_DEPTH - 1) + "/other/x";
            store(kv, deep, Headers.empty());
            store(kv, sibling, Headers.empty());
            store(kv, "/d/t", Headers.empty());
            clock.advanceMillis(1);
            revalidateLayout(kv, deep, false);
            assertEquals(State.MISS, state(kv, deep));
            assertEquals(State.MISS, state(kv, sibling), "past the bound a layout revalidation reaches more, never less");
            assertEquals(State.FRESH, state(kv, "/d/t"));
            assertEquals(CacheKeys.MAX_LAYOUT_DEPTH + 1, CacheKeys.layoutTags(deep).size());
        }

        @Test
        void layoutRevalidationOfTheRootCoversEveryPath() {
            storeAll();
            clock.advanceMillis(1);
            revalidateLayout(kv, "/", false);
            for (String p : paths) {
                assertEquals(State.MISS, state(kv, p), p);
            }
        }

        @Test
        void layoutRevalidationWithAnAppPrefixTouchesOnlyThatApp() {
            var blogApp = handler(KvCacheOptions.defaults().withAppPrefix("blog:"));
            store(blogApp, "/blog/a", Headers.empty());
            store(kv, "/blog/a", Headers.empty());
            clock.advanceMillis(1);
            revalidateLayout(blogApp, "/blog", false);
            assertEquals(State.MISS, state(blogApp, "/blog/a"));
            assertEquals(State.FRESH, state(kv, "/blog/a"));
        }

        @Test
        void layoutRevalidationOfAPathWithNoEntriesYetCountsForEntriesWrittenInTheSameMillisecond() {
            revalidateLayout(kv, "/nothing", false);
            assertTrue(memory.contains("__tag:layout:/nothing"));
            store(kv, "/nothing/a", Headers.empty()); // same millisecond: counts as revalidated
            assertEquals(State.MISS, state(kv, "/nothing/a"));
        }
    }

    @Test
    void deleteRemovesTheEntry() {
        kv.set(KEY, text("x"), revalidate60()).await();
        kv.delete(KEY).await();
        assertFalse(memory.contains(ENTRY));
        assertEquals(State.MISS, kv.get(KEY).state());
    }

    @Test
    void setHandsBackTheStoreWriteCompletion() {
        var failing = new RecordingKvStore(memory);
        failing.putAwaitThrows = true;
        var handler = new KvCacheHandler(failing, clock, log, KvCacheOptions.defaults());
        Completion c = handler.set(KEY, text("x"), revalidate60());
        assertThrows(IllegalStateException.class, c::await, "the write's failure reaches the awaiting task");
    }

    /** An entry's tags not known in this isolate are read in one batch; a failed read among them fails closed. */
    @Test
    void anEntrysUnknownTagsAreReadTogetherAndAFailedOneCountsAsRevalidated() {
        var batches = new ArrayList<List<String>>();
        var failingKey = new String[1];
        KvStore batching = new dev.isr4j.testing.ForwardingKvStore(memory) {
            @Override
            public String getText(String key) {
                throw new AssertionError("tags are read in a batch, not one by one: " + key);
            }

            @Override
            public List<TextRead> getTexts(List<String> keys) {
                batches.add(List.copyOf(keys));
                var out = new ArrayList<TextRead>();
                for (String key : keys) {
                    out.add(key.equals(failingKey[0]) ? new TextRead(null, new IllegalStateException("KV is down"))
                            : new TextRead(memory.getText(key), null));
                }
                return out;
            }
        };
        var handler = new KvCacheHandler(batching, clock, log, KvCacheOptions.defaults());
        handler.set(KEY, text("x"), revalidate60("a", "b", "c")).await();
        clock.advanceMillis(1);
        assertEquals(State.FRESH, handler.get(KEY).state());
        assertEquals(List.of(List.of(handler.tagKey("a"), handler.tagKey("b"), handler.tagKey("c"))), batches);
        assertEquals(State.FRESH, handler.get(KEY).state(), "known now: no read");
        assertEquals(1, batches.size());

        var fresh = new KvCacheHandler(batching, clock, log, KvCacheOptions.defaults());
        failingKey[0] = fresh.tagKey("b");
        assertEquals(State.MISS, fresh.get(KEY).state(), "one tag unreadable: the entry is not served");
        assertTrue(log.toString().contains("reading tag b failed"), log::toString);
    }
}
