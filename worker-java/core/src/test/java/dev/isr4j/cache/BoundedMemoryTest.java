package dev.isr4j.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.Body;
import dev.isr4j.Headers;
import dev.isr4j.api.CacheHandler.SetOptions;
import dev.isr4j.api.CacheLookup.State;
import dev.isr4j.api.CacheValue;
import dev.isr4j.api.KvCacheOptions;
import dev.isr4j.store.CacheKeys;
import dev.isr4j.testing.IsrHarness;
import dev.isr4j.testing.ManualClock;
import dev.isr4j.testing.RecordingLog;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cache handlers' per-isolate maps are bounded: 100,000 distinct paths and tags leave each at its configured size. */
class BoundedMemoryTest {
    private static final int DISTINCT = 100_000;
    private final ManualClock clock = new ManualClock(IsrHarness.T0);
    private final RecordingLog log = new RecordingLog();

    private static CacheValue text(String s) {
        return new CacheValue(200, Headers.empty(), Body.of(s));
    }

    @Test
    void kvTagCacheKeepsAtMostMaxCachedTags() {
        var kv = new KvCacheHandler(new InMemoryKvStore(clock), clock, log,
                KvCacheOptions.defaults().withMaxCachedTags(500));
        for (int i = 0; i < DISTINCT; i++) {
            String path = "/p/" + i;
            kv.tagState(CacheKeys.layoutTags(path), IsrHarness.T0);
            kv.tagState(List.of(CacheKeys.pathTag(path), "tag-" + i), IsrHarness.T0);
        }
        assertEquals(500, kv.cachedTagCount());
    }

    @Test
    void kvOversizeReportsAreBoundedAndStillReportANewKey() {
        var kv = new KvCacheHandler(new InMemoryKvStore(clock), clock, log, KvCacheOptions.defaults());
        Body huge = new Body() {
            @Override
            public int length() {
                return dev.isr4j.api.KvStore.MAX_VALUE_BYTES + 1;
            }

            @Override
            public byte[] bytes() {
                throw new AssertionError("an oversize body is never read");
            }
        };
        for (int i = 0; i < DISTINCT; i++) {
            kv.set("app:/big/" + i + ":route", new CacheValue(200, Headers.empty(), huge),
                    new SetOptions(60, 120, List.of()));
        }
        assertTrue(kv.oversizeReportCount() <= KvCacheHandler.MAX_OVERSIZE_REPORTS);
    }

    @Test
    void inMemoryTagMapsKeepAtMostMaxTagsAndNeverServeARevalidatedEntry() {
        var memory = new InMemoryCacheHandler(clock, 1000, 64L << 20, 300);
        memory.set("app:/old:route", text("old"), new SetOptions(3600, 7200, List.of("old-tag"))).await();
        clock.advanceMillis(1);
        memory.revalidateTag(List.of("old-tag"), false).await();
        for (int i = 0; i < DISTINCT; i++) {
            clock.advanceMillis(1);
            memory.revalidateTag(List.of("tag-" + i, CacheKeys.pathTag("/p/" + i)), i % 2 == 0).await();
        }
        assertTrue(memory.rememberedTagCount() <= 600, "hard and soft at most 300 each: " + memory.rememberedTagCount());
        assertEquals(State.MISS, memory.get("app:/old:route").state(),
                "the forgotten hard revalidation of old-tag still applies (as a floor)");
        clock.advanceMillis(1);
        memory.set("app:/new:route", text("new"), new SetOptions(3600, 7200, List.of("old-tag"))).await();
        assertEquals(State.FRESH, memory.get("app:/new:route").state(), "entries written after it are fresh");
    }

    @Test
    void inMemoryEntriesStayWithinMaxEntries() {
        var memory = new InMemoryCacheHandler(clock, 1000, 64L << 20, 300);
        for (int i = 0; i < DISTINCT; i++) {
            String path = "/p/" + i;
            memory.set(CacheKeys.routeKey(path, ""), text(path), new SetOptions(60, 120, CacheKeys.layoutTags(path)));
        }
        assertEquals(1000, memory.size());
    }
}
