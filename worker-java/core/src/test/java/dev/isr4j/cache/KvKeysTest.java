package dev.isr4j.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isr4j.api.KvStore;
import dev.isr4j.store.CacheKeys;
import dev.isr4j.text.Utf8;
import org.junit.jupiter.api.Test;

/** Where an app's entries, tag records, regional copies and body objects live. */
class KvKeysTest {
    private final KvKeys keys = new KvKeys("blog:");

    @Test
    void everyKeyStartsWithTheAppPrefix() {
        assertEquals("blog:cache:app:/a:route", keys.entry("app:/a:route"));
        assertEquals("blog:__tag:news", keys.tag("news"));
        assertTrue(keys.object("app:/a:route", 1).startsWith("blog:cache-body/app:/a:route/"));
    }

    @Test
    void aTagTooLongForAKvKeyIsHashedAndSoIsOneThatLooksHashed() {
        String path = CacheKeys.pathTag("/" + "p".repeat(600));
        String key = keys.tag(path);
        assertTrue(key.startsWith("blog:__tag:__hash:"), key);
        assertTrue(Utf8.length(key) <= KvStore.MAX_KEY_BYTES);
        assertEquals("blog:__tag:__hash:" + CacheKeys.fnv1a64Hex("__hash:x"), keys.tag("__hash:x"),
                "no tag can spell another tag's hashed key");
    }

    @Test
    void aRegionalKeyIsAnUnreachableUrlWithTheStorageKeyEncoded() {
        assertEquals("https://isr4j.internal/blog%3Acache%2Fapp%3A%2Fa%20b%3Aroute", keys.regional("app:/a b:route"));
    }

    @Test
    void everyWriteOfABodyGetsItsOwnObject() {
        assertNotEquals(keys.object("app:/a:route", 1), keys.object("app:/a:route", 1));
    }
}
