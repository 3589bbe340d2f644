package dev.isr4j.cache;

import static dev.isr4j.testing.IsrHarness.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.isr4j.Body;
import dev.isr4j.Headers;
import dev.isr4j.api.CacheHandler.SetOptions;
import dev.isr4j.api.CacheLookup.State;
import dev.isr4j.api.CacheValue;
import dev.isr4j.api.EarlyRead;
import dev.isr4j.api.KvCacheOptions;
import dev.isr4j.api.KvStore;
import dev.isr4j.testing.ForwardingKvStore;
import dev.isr4j.testing.ManualClock;
import dev.isr4j.testing.RecordingLog;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The early read's answer at once: from tag states known here, never from a read, a lock or a log line. */
class EarlyReadsTest {
    private static final String KEY = "app:/a:route";

    private final ManualClock clock = new ManualClock(T0);
    private final InMemoryKvStore memory = new InMemoryKvStore(clock);
    private final RecordingLog log = new RecordingLog();
    private final KvStore noReads = new ForwardingKvStore(memory) {
        @Override
        public Stored getWithMetadata(String key) {
            throw new AssertionError("an answer at once reads nothing: " + key);
        }

        @Override
        public String getText(String key) {
            throw new AssertionError("an answer at once reads nothing: " + key);
        }
    };

    private KvCacheHandler writer() {
        return new KvCacheHandler(memory, clock, log, KvCacheOptions.defaults());
    }

    private EarlyRead.Found found(KvCacheHandler handler) {
        EarlyRead read = handler.earlyRead(KEY);
        return new EarlyRead.Found(read, memory.getWithMetadata(read.storeKey()), false);
    }

    private void write(KvCacheHandler handler, String... tags) {
        handler.set(KEY, new CacheValue(200, Headers.empty(), Body.of("v")), new SetOptions(60, 3600, List.of(tags)))
                .await();
        clock.advanceMillis(1);
    }

    @Test
    void anEntryWithoutTagsIsAnsweredAtOnce() {
        write(writer());
        var isolate = new KvCacheHandler(noReads, clock, log, KvCacheOptions.defaults());
        assertEquals(State.FRESH, isolate.lookupNow(found(isolate)).state());
        assertNull(isolate.tagReadsNow(found(isolate)), "nothing to read");
    }

    @Test
    void aTagNotKnownHereIsReadByTheHostAndThenKnown() {
        write(writer(), "news");
        var isolate = new KvCacheHandler(noReads, clock, log, KvCacheOptions.defaults());
        assertNull(isolate.lookupNow(found(isolate)), "news is not known here yet");
        var reads = isolate.tagReadsNow(found(isolate));
        assertNotNull(reads);
        assertEquals(List.of("news"), reads.tags());
        isolate.learnTagReads(reads, List.of(new KvStore.TextRead(memory.getText(reads.storeKeys().get(0)), null)));
        assertEquals(State.FRESH, isolate.lookupNow(found(isolate)).state());
        assertEquals(List.of(), log.lines());
    }

    @Test
    void aFailedTagReadTeachesNothing() {
        write(writer(), "news");
        var isolate = new KvCacheHandler(noReads, clock, log, KvCacheOptions.defaults());
        var reads = isolate.tagReadsNow(found(isolate));
        isolate.learnTagReads(reads, List.of(new KvStore.TextRead(null, new IllegalStateException("KV is down"))));
        assertNull(isolate.lookupNow(found(isolate)), "the full lookup reads it again, and says so");
    }

    @Test
    void withATagStoreTheHostReadsNoKvRecords() {
        write(writer(), "news");
        var isolate = new KvCacheHandler(noReads, clock, log, KvCacheOptions.defaults());
        isolate.useTagStore(new dev.isr4j.api.TagStore() {
            @Override
            public java.util.Map<String, dev.isr4j.api.TagStore.State> read(List<String> tags) {
                throw new AssertionError("not asked here");
            }

            @Override
            public java.util.Map<String, dev.isr4j.api.TagStore.State> revalidate(List<String> tags, boolean soft,
                                                                                  long at) {
                throw new AssertionError("not asked here");
            }
        }, 1000);
        assertNull(isolate.tagReadsNow(found(isolate)), "the coordinator's records are not KV reads");
    }
}
