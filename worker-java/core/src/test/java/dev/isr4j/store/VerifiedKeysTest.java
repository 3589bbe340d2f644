package dev.isr4j.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.api.KvCacheOptions;
import dev.isr4j.data.DataCache;
import dev.isr4j.App;
import dev.isr4j.Body;
import dev.isr4j.CachedFunction;
import dev.isr4j.Response;
import dev.isr4j.api.Completion;
import dev.isr4j.api.KvStore;
import dev.isr4j.cache.KvCacheHandler;
import dev.isr4j.testing.KvHarness;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Hashed storage keys can collide (FNV-1a is not collision resistant): every entry and tag record names what it
 * was written for, and a read that finds another owner's entry is a miss that leaves that entry alone. The
 * collisions here are forced by a namespace that stores two KV keys in one slot.
 */
class VerifiedKeysTest {
    private final AtomicInteger renders = new AtomicInteger();
    private final AtomicInteger computations = new AtomicInteger();
    private final Map<String, String> aliases = new HashMap<>();

    /** A namespace in which the keys of {@link #aliases} are stored under their alias: a forced collision. */
    private final class CollidingKvStore implements KvStore {
        private final KvStore target;

        CollidingKvStore(KvStore target) {
            this.target = target;
        }

        private String slot(String key) {
            return aliases.getOrDefault(key, key);
        }

        @Override
        public Stored getWithMetadata(String key) {
            return target.getWithMetadata(slot(key));
        }

        @Override
        public String getText(String key) {
            return target.getText(slot(key));
        }

        @Override
        public Completion put(String key, Body value, String metadataJson, long ttl) {
            return target.put(slot(key), value, metadataJson, ttl);
        }

        @Override
        public Completion putText(String key, String value, long ttl) {
            return target.putText(slot(key), value, ttl);
        }

        @Override
        public Completion delete(String key) {
            return target.delete(slot(key));
        }

        @Override
        public Page list(String prefix, String cursor) {
            return target.list(prefix, cursor);
        }
    }

    private KvHarness harness() {
        App app = App.create();
        CachedFunction<String> price = app.cachedText("price",
                (scope, args) -> "price of " + args.get(0) + " #" + computations.incrementAndGet());
        app.route("/item/{id}").revalidate(60).tags("item-{id}")
                .get(req -> Response.text("item " + req.param("id") + " #" + renders.incrementAndGet()));
        app.route("/price/{id}").get(req -> Response.text(price.get(req, req.param("id"))));
        return new KvHarness(app, KvCacheOptions.defaults(), CollidingKvStore::new);
    }

    @Test
    void twoPathsSharingAStorageSlotAreBothAnsweredWithTheirOwnContent() {
        var h = harness();
        aliases.put(h.entryKey("/item/2"), h.entryKey("/item/1"));
        assertEquals("item 1 #1", h.get("/item/1").text());
        h.background.drain();
        assertEquals("HIT", h.get("/item/1").header("x-isr-cache"));

        var second = h.get("/item/2");
        assertEquals("item 2 #2", second.text(), "never the other path's body");
        assertEquals("MISS", second.header("x-isr-cache"));
        assertEquals(0, h.background.drain(), "no write over the other path's entry");
        assertTrue(h.log.hasWarning(h.entryKey("/item/2"), "another key"), h.log::toString);

        var first = h.get("/item/1");
        assertEquals("HIT", first.header("x-isr-cache"));
        assertEquals("item 1 #1", first.text());
        assertEquals("item 2 #3", h.get("/item/2").text(), "the colliding path is answered uncached");
    }

    @Test
    void twoDataKeysSharingAStorageSlotEachComputeTheirOwnValue() {
        var h = harness();
        String a = h.kv.entryKey(DataCache.key("price", java.util.List.of("a")));
        String b = h.kv.entryKey(DataCache.key("price", java.util.List.of("b")));
        aliases.put(b, a);
        assertEquals("price of a #1", h.get("/price/a").text());
        h.background.drain();
        assertEquals("price of b #2", h.get("/price/b").text(), "never a's value");
        h.background.drain();
        assertEquals("price of a #1", h.get("/price/a").text(), "a's entry was not overwritten");
        assertEquals("price of b #3", h.get("/price/b").text());
    }

    @Test
    void tagRecordsSharingAStorageSlotNeverServeAnInvalidatedEntry() {
        var h = harness();
        aliases.put(h.kv.tagKey("item-2"), h.kv.tagKey("item-1"));
        h.get("/item/1");
        h.get("/item/2");
        h.background.drain();
        h.clock.advanceMillis(1);
        h.kv.revalidateTag(java.util.List.of("item-1"), false).await();
        String record = h.memory.getText(h.kv.tagKey("item-1"));
        assertTrue(record.contains("\"tag\":\"item-1\""), record);

        h.clock.advanceMillis(10_000); // past the tag cache
        assertEquals("MISS", h.get("/item/1").header("x-isr-cache"), "item-1 was revalidated");
        assertEquals("MISS", h.get("/item/2").header("x-isr-cache"),
                "item-2's record cannot be read (another tag holds its slot): not a HIT");
        h.background.drain();

        h.kv.revalidateTag(java.util.List.of("item-2"), false).await();
        assertEquals(record, h.memory.getText(h.kv.tagKey("item-1")), "item-1's record is not overwritten");
        assertTrue(h.log.hasError("belongs to another tag"), h.log::toString);
    }
}
