package dev.isr4j.cache;

import static dev.isr4j.testing.IsrHarness.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.Body;
import dev.isr4j.Headers;
import dev.isr4j.api.CacheHandler.SetOptions;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.api.CacheLookup.State;
import dev.isr4j.api.CacheValue;
import dev.isr4j.api.Completion;
import dev.isr4j.api.KvCacheOptions;
import dev.isr4j.api.KvStore;
import dev.isr4j.store.CacheKeys;
import dev.isr4j.json.JsonReader;
import dev.isr4j.store.KvEntryFormat;
import dev.isr4j.api.EarlyRead;
import dev.isr4j.testing.InMemoryObjectStore;
import dev.isr4j.testing.InMemoryRegionalCache;
import dev.isr4j.testing.ManualClock;
import dev.isr4j.testing.QueuedBackgroundWork;
import dev.isr4j.testing.RecordingKvStore;
import dev.isr4j.testing.RecordingLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The regional copy in front of KV, and R2 for bodies past the threshold, on fakes with a manual clock. */
class StorageTiersTest {
    private static final String KEY = "app:/blog/post:route";
    private static final String ENTRY = "cache:" + KEY;

    private final ManualClock clock = new ManualClock(T0);
    private final InMemoryKvStore memory = new InMemoryKvStore(clock);
    private final CountingKv counted = new CountingKv(new RecordingKvStore(memory));
    private final InMemoryRegionalCache regional = new InMemoryRegionalCache(clock);
    private final InMemoryObjectStore objects = new InMemoryObjectStore();
    private final RecordingLog log = new RecordingLog();
    private final QueuedBackgroundWork background = new QueuedBackgroundWork();

    private KvCacheHandler handler(KvCacheOptions options) {
        return new KvCacheHandler(counted, clock, log, options, new KvCacheHandler.Tiers(regional, objects, null));
    }

    private final KvCacheHandler kv = handler(KvCacheOptions.defaults());

    /** Counts every KV read, so a test can say "this lookup read nothing from KV". */
    static final class CountingKv extends dev.isr4j.testing.ForwardingKvStore {
        int entryReads;
        int tagReads;

        CountingKv(RecordingKvStore target) {
            super(target);
        }

        int reads() {
            return entryReads + tagReads;
        }

        @Override
        public Stored getWithMetadata(String key) {
            entryReads++;
            return super.getWithMetadata(key);
        }

        @Override
        public String getText(String key) {
            tagReads++;
            return super.getText(key);
        }
    }

    private static List<String> tags() {
        var tags = new ArrayList<>(List.of("posts", CacheKeys.pathTag("/blog/post")));
        tags.addAll(CacheKeys.layoutTags("/blog/post"));
        return tags;
    }

    private static SetOptions revalidate(long seconds) {
        return new SetOptions(seconds, 3600, tags());
    }

    private static CacheValue text(String text) {
        return new CacheValue(200, Headers.of("content-type", "text/plain"), Body.of(text));
    }

    private static CacheValue bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return new CacheValue(200, Headers.of("content-type", "application/octet-stream"), Body.of(b));
    }

    private CacheLookup get() {
        return kv.get(KEY, background);
    }

    @Nested
    class Regional {
        @Test
        void aWarmHitReadsNothingFromKv() {
            kv.set(KEY, text("v1"), revalidate(60)).await();
            assertTrue(regional.contains(kv.regionalKey(KEY)), "the MISS write leaves a regional copy");
            assertEquals(State.FRESH, get().state()); // reads the tag records once (this isolate's tag cache)
            counted.entryReads = 0;
            counted.tagReads = 0;
            var hit = get();
            assertEquals(State.FRESH, hit.state());
            assertEquals("v1", hit.entry().value().body().text());
            assertEquals(0, counted.reads(), "a warm regional hit makes no KV read");
        }

        @Test
        void aKvHitIsCopiedToTheRegionAfterTheResponseForNoLongerThanItStaysFresh() {
            handler(KvCacheOptions.defaults().withRegionalCache(false)).set(KEY, text("v1"), revalidate(60))
                    .await();
            clock.advanceSeconds(20);
            var hit = get();
            assertEquals(State.FRESH, hit.state());
            assertEquals(1, counted.entryReads);
            assertFalse(regional.contains(kv.regionalKey(KEY)) && background.pending() == 0, "not before the response");
            background.drain();
            assertEquals(List.of(new InMemoryRegionalCache.Put(kv.regionalKey(KEY), 40)), regional.puts,
                    "copied for the 40 s the entry stays fresh");
            counted.entryReads = 0;
            assertEquals(State.FRESH, get().state());
            assertEquals(0, counted.entryReads);
        }

        @Test
        void aCopyLivesAtMostTheCapAndNotAtAllWhenTheEntryIsStale() {
            var capped = handler(KvCacheOptions.defaults().withRegionalMaxSeconds(30));
            capped.set(KEY, text("v1"), revalidate(600)).await();
            assertEquals(30, regional.puts.get(0).ttlSeconds());
            clock.advanceSeconds(601);
            regional.puts.clear();
            assertEquals(State.STALE, capped.get(KEY, background).state(), "a stale entry comes from KV");
            background.drain();
            assertTrue(regional.puts.isEmpty(), "a stale entry is never copied");
        }

        @Test
        void aCopyPastItsRevalidateIsNeverServedFreshEvenIfTheCacheStillHasIt() {
            kv.set(KEY, text("v1"), revalidate(60)).await();
            String copy = regional.metadata(kv.regionalKey(KEY));
            clock.advanceSeconds(61);
            regional.putRaw(kv.regionalKey(KEY), "v1".getBytes(), copy); // a cache that kept it too long
            assertEquals(State.STALE, get().state());
            assertEquals(1, counted.entryReads, "KV decided");
        }

        @Test
        void hardTagInvalidationReachesTheCopy() {
            kv.set(KEY, text("v1"), revalidate(60)).await();
            clock.advanceMillis(10);
            kv.revalidateTag(List.of("posts")).await();
            assertTrue(regional.contains(kv.regionalKey(KEY)));
            var lookup = get();
            assertEquals(State.MISS, lookup.state());
            assertFalse(lookup.absent(), "invalidated, not absent");
        }

        @Test
        void softTagInvalidationMakesTheCopyStaleThroughKv() {
            kv.set(KEY, text("v1"), revalidate(60)).await();
            clock.advanceMillis(10);
            kv.revalidateTag(List.of("posts"), true).await();
            assertEquals(State.STALE, get().state());
            assertEquals(1, counted.entryReads);
        }

        @Test
        void pathAndLayoutInvalidationReachTheCopy() {
            kv.set(KEY, text("v1"), revalidate(60)).await();
            clock.advanceMillis(10);
            kv.revalidateTag(List.of(CacheKeys.layoutTags("/blog").get(1))).await();
            assertEquals(State.MISS, get().state());
            kv.set(KEY, text("v2"), revalidate(60)).await();
            clock.advanceMillis(10);
            kv.revalidateTag(List.of(CacheKeys.pathTag("/blog/post"))).await();
            assertEquals(State.MISS, get().state());
        }

        @Test
        void aRegenerationRefreshesTheCopy() {
            kv.set(KEY, text("v1"), revalidate(60)).await();
            clock.advanceSeconds(61);
            kv.set(KEY, text("v2"), revalidate(60)).await();
            counted.entryReads = 0;
            var hit = get();
            assertEquals("v2", hit.entry().value().body().text());
            assertEquals(0, counted.entryReads);
        }

        @Test
        void hostileOrForeignCopiesAreMissesThatKvAnswers() {
            kv.set(KEY, text("v1"), revalidate(60)).await();
            String url = kv.regionalKey(KEY);
            for (String metadata : new String[] {"not json", "{\"v\":2}", "[]", null,
                    regional.metadata(url).replace(KEY, "app:/other:route")}) {
                regional.putRaw(url, "evil".getBytes(), metadata);
                counted.entryReads = 0;
                var lookup = get();
                assertEquals(State.FRESH, lookup.state(), String.valueOf(metadata));
                assertEquals("v1", lookup.entry().value().body().text());
                assertEquals(1, counted.entryReads);
            }
        }

        @Test
        void aPrefetchedCopyThatIsNotFreshFallsThroughToKv() {
            kv.set(KEY, text("v1"), revalidate(60)).await();
            var copy = regional.match(kv.regionalKey(KEY));
            clock.advanceMillis(10);
            kv.revalidateTag(List.of("posts"), true).await();
            counted.entryReads = 0;
            assertEquals(State.STALE, kv.lookup(new EarlyRead.Found(kv.earlyRead(KEY), copy, true), background).state());
            assertEquals(1, counted.entryReads);
        }

        @Test
        void offByOptionNoCopiesAreReadOrWritten() {
            var off = handler(KvCacheOptions.defaults().withRegionalCache(false));
            off.set(KEY, text("v1"), revalidate(60)).await();
            off.get(KEY, background);
            background.drain();
            assertTrue(regional.puts.isEmpty());
            assertEquals(0, regional.matches);
            assertFalse(off.hasRegionalCache());
        }

        @Test
        void theRegionalKeyIsAnUnreachableUrlOfTheStorageKey() {
            assertEquals("https://isr4j.internal/cache%2Fapp%3A%2Fblog%2Fpost%3Aroute", kv.regionalKey(KEY));
            var prefixed = handler(KvCacheOptions.defaults().withAppPrefix("blog:"));
            assertTrue(prefixed.regionalKey(KEY).startsWith("https://isr4j.internal/blog%3Acache%2F"));
        }
    }

    @Nested
    class LargeBodies {
        private final KvCacheHandler small = handler(KvCacheOptions.defaults().withObjectThreshold(1000));

        @Test
        void aBodyPastTheThresholdGoesToAnObjectAndKvKeepsAPointer() {
            var v = bytes(5000, 1);
            small.set(KEY, v, revalidate(60)).await();
            assertEquals(1, objects.keys().size());
            String object = objects.keys().get(0);
            assertTrue(object.startsWith("cache-body/" + KEY + "/"), object);
            var stored = memory.getWithMetadata(ENTRY);
            assertEquals(0, stored.value().length(), "no body in KV");
            var meta = (Map<?, ?>) JsonReader.parse(stored.metadata());
            assertEquals(3L, meta.get("v"));
            assertEquals(object, meta.get("bo"));
            assertEquals(5000L, meta.get("bn"));
            var hit = small.get(KEY, background);
            assertEquals(State.FRESH, hit.state());
            assertArrayEquals(v.body().bytes(), hit.entry().value().body().bytes());
            assertEquals(v.headers().entries(), hit.entry().value().headers().entries());
        }

        @Test
        void aBodyAtTheThresholdStaysInKv() {
            small.set(KEY, bytes(1000, 1), revalidate(60)).await();
            assertTrue(objects.keys().isEmpty());
            assertEquals(1000, memory.getWithMetadata(ENTRY).value().length());
        }

        @Test
        void aFailedKvWriteLeavesNoObjectBehind() {
            var failing = new RecordingKvStore(memory);
            failing.putAwaitThrows = true;
            var h = new KvCacheHandler(failing, clock, log,
                    KvCacheOptions.defaults().withObjectThreshold(1000),
                    new KvCacheHandler.Tiers(regional, objects, null));
            assertThrows(RuntimeException.class, () -> h.set(KEY, bytes(5000, 1), revalidate(60)).await());
            assertEquals(List.of(), objects.keys(), "the object written first is deleted again");
            assertEquals(1, objects.deletes.size());
            assertNull(memory.getWithMetadata(ENTRY));
        }

        @Test
        void aFailedObjectWriteWritesNoPointer() {
            objects.putFails = true;
            assertThrows(RuntimeException.class, () -> small.set(KEY, bytes(5000, 1), revalidate(60)).await());
            assertNull(memory.getWithMetadata(ENTRY));
            assertEquals(List.of(), objects.keys());
        }

        @Test
        void aFailedWriteKeepsTheEntryThatWasThere() {
            small.set(KEY, bytes(5000, 1), revalidate(60)).await();
            objects.putFails = true;
            clock.advanceSeconds(61);
            assertThrows(RuntimeException.class, () -> small.set(KEY, bytes(5000, 2), revalidate(60)).await());
            var stale = small.get(KEY, background);
            assertEquals(State.STALE, stale.state());
            assertArrayEquals(bytes(5000, 1).body().bytes(), stale.entry().value().body().bytes());
        }

        @Test
        void eachKeyKeepsAtMostTwoObjects() {
            for (int i = 0; i < 4; i++) {
                clock.advanceSeconds(61);
                small.set(KEY, bytes(5000, i), revalidate(60)).await();
                assertTrue(objects.keys().size() <= 2, objects.keys().toString());
            }
            assertEquals(2, objects.keys().size(), "the current body and the one before (readers one write behind)");
            var hit = small.get(KEY, background);
            assertArrayEquals(bytes(5000, 3).body().bytes(), hit.entry().value().body().bytes());
        }

        @Test
        void aMissingOrForeignObjectIsAnUnreadableEntry() {
            small.set(KEY, bytes(5000, 1), revalidate(60)).await();
            String object = objects.keys().get(0);
            objects.putRaw(object, new byte[5000], Map.of("id", "app:/other:route", "lm", String.valueOf(T0)));
            assertEquals(State.CORRUPT, small.get(KEY, background).state());
            objects.putRaw(object, new byte[4999], Map.of("id", KEY, "lm", String.valueOf(T0)));
            assertEquals(State.CORRUPT, small.get(KEY, background).state());
            objects.delete(object);
            assertEquals(State.CORRUPT, small.get(KEY, background).state());
        }

        @Test
        void anInvalidatedEntryDoesNotReadItsObject() {
            small.set(KEY, bytes(5000, 1), revalidate(60)).await();
            objects.putFails = false;
            clock.advanceMillis(10);
            small.revalidateTag(List.of("posts")).await();
            objects.delete(objects.keys().get(0)); // were it read, the lookup would be CORRUPT
            assertSame(CacheLookup.INVALIDATED, small.get(KEY, background));
        }

        @Test
        void withoutAnObjectStoreALargeBodyIsServedNotCachedAndLoggedOnce() {
            var noR2 = new KvCacheHandler(counted, clock, log, KvCacheOptions.defaults(),
                    new KvCacheHandler.Tiers(regional, null, null));
            var big = bytes(KvStore.MAX_VALUE_BYTES + 1, 1);
            noR2.set(KEY, big, revalidate(60)).await();
            noR2.set(KEY, big, revalidate(60)).await();
            assertNull(memory.getWithMetadata(ENTRY));
            assertEquals(1, log.warnings().size(), log::toString);
            assertTrue(log.warnings().get(0).message().contains("CACHE_R2"));
        }

        @Test
        void dataEntriesNeverGoToObjects() {
            small.set("data:x:1", bytes(5000, 1), revalidate(60)).await();
            assertTrue(objects.keys().isEmpty());
        }

        @Test
        void aPointerEntryWithBytesInKvIsUnreadable() {
            small.set(KEY, bytes(5000, 1), revalidate(60)).await();
            var stored = memory.getWithMetadata(ENTRY);
            memory.putRaw(ENTRY, new byte[] {1, 2, 3}, stored.metadata());
            assertThrows(IllegalArgumentException.class,
                    () -> KvEntryFormat.decode(memory.getWithMetadata(ENTRY)));
            assertEquals(State.CORRUPT, small.lookup(KEY, memory.getWithMetadata(ENTRY)).state());
        }

        @Test
        void aRegionalCopyWhoseObjectWasPrunedFallsThroughToKv() {
            small.set(KEY, bytes(5000, 1), revalidate(600)).await();
            var oldCopy = regional.match(small.regionalKey(KEY));
            for (int i = 2; i <= 3; i++) {
                clock.advanceSeconds(1);
                small.set(KEY, bytes(5000, i), revalidate(600)).await();
            }
            regional.putRaw(small.regionalKey(KEY), new byte[0], oldCopy.metadata()); // a copy two writes behind
            counted.entryReads = 0;
            var lookup = small.get(KEY, background);
            assertEquals(State.FRESH, lookup.state());
            assertArrayEquals(bytes(5000, 3).body().bytes(), lookup.entry().value().body().bytes());
            assertEquals(1, counted.entryReads, "KV answered");
        }

        @Test
        void theRegionalCopyOfALargeEntryIsItsPointer() {
            small.set(KEY, bytes(5000, 1), revalidate(60)).await();
            var copy = regional.match(small.regionalKey(KEY));
            assertNotNull(copy);
            assertEquals(0, copy.value().length());
            counted.entryReads = 0;
            small.get(KEY, background);
            var hit = small.get(KEY, background);
            assertEquals(0, counted.entryReads);
            assertArrayEquals(bytes(5000, 1).body().bytes(), hit.entry().value().body().bytes());
        }
    }
}
