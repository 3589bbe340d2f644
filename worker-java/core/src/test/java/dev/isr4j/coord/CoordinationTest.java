package dev.isr4j.coord;

import static dev.isr4j.testing.IsrHarness.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.App;
import dev.isr4j.api.CacheHandler;
import dev.isr4j.api.CacheLookup;
import dev.isr4j.api.CacheValue;
import dev.isr4j.api.Completion;
import dev.isr4j.api.TagStore;
import dev.isr4j.cache.InMemoryCacheHandler;
import dev.isr4j.routing.Dispatcher;
import dev.isr4j.runtime.Coordination;
import dev.isr4j.testing.ManualClock;
import dev.isr4j.testing.RecordingLog;
import java.util.List;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/** What installing the coordinator asks of the cache handler: only the capability, never its class. */
class CoordinationTest {
    private final ManualClock clock = new ManualClock(T0);
    private final RecordingLog log = new RecordingLog();
    private final InProcessCoordinator coordinator = new InProcessCoordinator(4, clock);

    /** A handler of the user's own (over the in-memory one) that takes a tag store. */
    private static final class OwnHandler implements CacheHandler {
        private final InMemoryCacheHandler entries;
        TagStore given;
        long cacheMillis;

        OwnHandler(ManualClock clock) {
            entries = new InMemoryCacheHandler(clock);
        }

        @Override
        public CacheLookup get(String key) {
            return entries.get(key);
        }

        @Override
        public Completion set(String key, CacheValue value, SetOptions options) {
            return entries.set(key, value, options);
        }

        @Override
        public Completion revalidateTag(List<String> tags, boolean soft) {
            return entries.revalidateTag(tags, soft);
        }

        @Override
        public boolean useTagStore(TagStore tags, long cacheMillis, LongConsumer sleep) {
            this.given = tags;
            this.cacheMillis = cacheMillis;
            return true;
        }
    }

    @Test
    void anyHandlerThatTakesATagStoreGetsTheCoordinatorsWithItsWindow() {
        var handler = new OwnHandler(clock);
        Coordination.install(new Dispatcher(App.create(), handler, log), coordinator,
                CoordinatorOptions.defaults().withTagCacheMillis(1234), clock, log);
        assertTrue(handler.given instanceof CoordinatorTagStore, String.valueOf(handler.given));
        assertEquals(1234, handler.cacheMillis);
        assertTrue(log.isEmpty(), log::toString);
    }

    @Test
    void aHandlerThatKeepsItsOwnTagRecordsIsLeftAloneAndTheLogSaysSo() {
        Coordination.install(new Dispatcher(App.create(), new InMemoryCacheHandler(clock), log), coordinator,
                CoordinatorOptions.defaults(), clock, log);
        assertTrue(log.hasWarning(Coordination.BINDING, "tag records stay with the cache handler"), log::toString);
    }

    @Test
    void withTagsOutOfTheCoordinatorTheHandlerIsNotAsked() {
        var handler = new OwnHandler(clock);
        Coordination.install(new Dispatcher(App.create(), handler, log), coordinator,
                CoordinatorOptions.defaults().withTagsInCoordinator(false), clock, log);
        assertNull(handler.given);
    }
}
