package dev.isr4j.cache;

import dev.isr4j.api.KvStore;
import dev.isr4j.store.CacheKeys;
import dev.isr4j.text.Utf8;
import java.util.Random;

/** Where an app's entries, tag records, regional copies and body objects live, under its prefix. */
final class KvKeys {
    static final String REGIONAL_ORIGIN = "https://isr4j.internal/";
    private static final Random NONCES = new Random();

    private final String appPrefix;

    KvKeys(String appPrefix) {
        this.appPrefix = appPrefix;
    }

    /** What the KV key of every entry starts with ({@code <appPrefix>cache:}); the storage key follows. */
    String entryPrefix() {
        return appPrefix + "cache:";
    }

    /** The KV key of a cache key: its storage key (hashed when long), prefixed. */
    String entry(String key) {
        return entryPrefix() + CacheKeys.storageKey(key);
    }

    /**
     * The KV key of a tag's invalidation record: {@code <appPrefix>__tag:<tag>}, or, for a tag too long for
     * KV's key limit (long path tags), {@code <appPrefix>__tag:__hash:<fnv1a64(tag)>}.
     */
    String tag(String tag) {
        String key = appPrefix + "__tag:" + tag;
        return Utf8.length(key) <= KvStore.MAX_KEY_BYTES && !tag.startsWith("__hash:") ? key
                : appPrefix + "__tag:__hash:" + CacheKeys.fnv1a64Hex(tag);
    }

    /**
     * The regional cache key of a cache key: a URL (the Cache API keys by URL) in a host no request can reach,
     * {@code https://isr4j.internal/<appPrefix>cache/<storage key, URL-encoded>}.
     */
    String regional(String key) {
        return REGIONAL_ORIGIN + urlEncode(appPrefix + "cache/" + CacheKeys.storageKey(key));
    }

    /** The object key of one write of a large body: unique per write, under the entry's storage key. */
    String object(String key, long now) {
        long nonce;
        synchronized (NONCES) {
            nonce = NONCES.nextLong();
        }
        return appPrefix + "cache-body/" + CacheKeys.storageKey(key) + "/" + Long.toString(now, 36) + "-"
                + Long.toHexString(nonce);
    }

    static String urlEncode(String s) {
        var out = new StringBuilder(s.length() + 16);
        for (byte b : Utf8.encode(s)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append("0123456789ABCDEF".charAt(c >> 4)).append("0123456789ABCDEF".charAt(c & 0xf));
            }
        }
        return out.toString();
    }
}
