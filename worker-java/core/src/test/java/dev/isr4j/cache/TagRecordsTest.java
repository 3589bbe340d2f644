package dev.isr4j.cache;

import static dev.isr4j.testing.IsrHarness.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.api.KvStore;
import dev.isr4j.api.KvStore.TextRead;
import dev.isr4j.json.JsonReader;
import dev.isr4j.testing.ForwardingKvStore;
import dev.isr4j.testing.ManualClock;
import dev.isr4j.testing.RecordingKvStore;
import dev.isr4j.testing.RecordingLog;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tag records in KV: what a read means, and what a write leaves. */
class TagRecordsTest {
    private final ManualClock clock = new ManualClock(T0);
    private final InMemoryKvStore memory = new InMemoryKvStore(clock);
    private final RecordingKvStore store = new RecordingKvStore(memory);
    private final RecordingLog log = new RecordingLog();
    private final TagRecords records = new TagRecords(store, new KvKeys("blog:"), clock, log);

    private TagState parse(String text) {
        return records.parse("news", new TextRead(text, null), T0).state();
    }

    @Test
    void anAbsentRecordIsATagNeverRevalidated() {
        assertEquals(new TagState(-1, -1, T0, false), parse(null));
        assertTrue(log.isEmpty(), log::toString);
    }

    @Test
    void aRecordGivesItsHardAndSoftRevalidations() {
        assertEquals(new TagState(10, 20, T0, false), parse("{\"tag\":\"news\",\"expired\":10,\"stale\":20}"));
    }

    @Test
    void aBareTimestampIsAHardRevalidation() {
        assertEquals(new TagState(42, -1, T0, false), parse("42"));
    }

    @Test
    void anotherTagsRecordIsForeignAndUnreadable() {
        var read = records.parse("news", new TextRead("{\"tag\":\"sport\",\"expired\":1,\"stale\":1}", null), T0);
        assertTrue(read.foreign());
        assertTrue(read.state().unknown());
        assertTrue(log.hasWarning("belongs to another tag"), log::toString);
    }

    @Test
    void aBrokenRecordOrAFailedReadIsUnreadableButNotForeign() {
        assertTrue(parse("{\"expired\":\"soon\"}").unknown());
        assertTrue(log.hasWarning("blog:__tag:news", "unreadable"), log::toString);
        var failed = records.parse("news", new TextRead(null, new IllegalStateException("KV is down")), T0);
        assertTrue(failed.state().unknown());
        assertFalse(failed.foreign());
        assertTrue(log.hasError("reading tag news failed"), log::toString);
    }

    @Test
    void readsOfSeveralTagsAreOneBatchAndAReadTheStoreDidNotAnswerCountsAsFailed() {
        var batches = new java.util.ArrayList<List<String>>();
        KvStore short1 = new ForwardingKvStore(memory) {
            @Override
            public List<TextRead> getTexts(List<String> keys) {
                batches.add(List.copyOf(keys));
                return List.of(new TextRead("7", null)); // answers the first only
            }
        };
        var reads = new TagRecords(short1, new KvKeys(""), clock, log).readAll(List.of("a", "b"));
        assertEquals(List.of(List.of("__tag:a", "__tag:b")), batches);
        assertEquals("7", reads.get(0).text());
        assertTrue(reads.get(1).failure() != null, "no answer for b");
    }

    @Test
    void aBatchThatThrowsIsAFailedReadOfEachTag() {
        KvStore down = new ForwardingKvStore(memory) {
            @Override
            public List<TextRead> getTexts(List<String> keys) {
                throw new IllegalStateException("KV is down");
            }
        };
        var reads = new TagRecords(down, new KvKeys(""), clock, log).readAll(List.of("a", "b"));
        assertEquals(2, reads.size());
        assertTrue(reads.stream().allMatch(r -> r.failure() != null));
    }

    @Test
    void aWriteIsTheJsonRecordWithoutATtlAndReadsBack() {
        records.write("news", new TagState(5, 6, T0, false)).await();
        assertEquals(0, store.puts.get(0).expirationTtlSeconds(), "a revalidation outlives every entry");
        assertEquals(Map.of("tag", "news", "expired", 5L, "stale", 6L),
                JsonReader.parse(memory.getText("blog:__tag:news")));
        assertEquals(new TagState(5, 6, T0, false), records.read("news").state());
    }
}
