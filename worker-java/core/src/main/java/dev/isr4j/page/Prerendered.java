package dev.isr4j.page;

import dev.isr4j.json.JsonReader;
import dev.isr4j.store.CacheKeys;
import dev.isr4j.store.KvEntryFormat;
import dev.isr4j.Body;
import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.KvStore;
import dev.isr4j.api.Log;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The bundle of entries rendered at build time ({@link Prerenderer}), as JSON text:
 * {@code {"version":1,"builtAt":<ms>,"entries":[[storageKey, metadataJson, body, kind], ...]}}: a body that is
 * UTF-8 text, an HTML page, is written as that text ({@link #TEXT}), any other as one character per byte
 * ({@link #BYTES}); each entry in the KV format of {@link KvEntryFormat} (which names the full cache key the map
 * is keyed by). Neither needs a decoder beyond isr4j's own (no base64 or charset machinery in the Wasm module).
 */
public final class Prerendered {
    public static final int VERSION = 1;
    /** An entry's fourth field when its body is UTF-8 text, written as that text. */
    public static final String TEXT = "utf8";
    /** An entry's fourth field when each character of its body, U+0000 to U+00FF, is one byte. */
    public static final String BYTES = "bytes";

    private Prerendered() {
    }

    /**
     * The bundle's entries, parsed when first asked for: a request answered from the cache never needs them, so
     * a fresh isolate's first HIT does not pay for parsing (and compiling the parser for) every prerendered page.
     * {@code bundle} is asked once, at that time; null or empty is no entries.
     */
    public static Map<String, CacheEntry> lazy(Supplier<String> bundle, Log log) {
        return bundle == null ? Map.of() : new Lazy(bundle, log);
    }

    /** Parses a bundle; an unreadable bundle or entry is logged and skipped (the page then renders on demand). */
    public static Map<String, CacheEntry> parse(String bundle, Log log) {
        var out = new HashMap<String, CacheEntry>();
        if (bundle == null || bundle.isEmpty()) {
            return out;
        }
        try {
            var root = (Map<?, ?>) JsonReader.parse(bundle);
            if (!Long.valueOf(VERSION).equals(root.get("version"))) {
                log.warn("prerendered bundle has version " + root.get("version") + "; ignored (rebuild)");
                return out;
            }
            for (Object e : (List<?>) root.get("entries")) {
                try {
                    var entry = (List<?>) e;
                    String key = (String) entry.get(0);
                    Body body = body((String) entry.get(2), entry.size() > 3 ? entry.get(3) : null);
                    var stored = new KvStore.Stored(body,
                            (String) entry.get(1));
                    var decoded = KvEntryFormat.decode(stored);
                    if (!CacheKeys.storageKey(decoded.key()).equals(key)) {
                        throw new IllegalArgumentException("entry for " + decoded.key() + " listed under " + key);
                    }
                    out.put(decoded.key(), decoded.entry()); // by full cache key, as the route cache asks

                } catch (RuntimeException bad) {
                    log.warn("prerendered entry " + e + " is unreadable (" + bad.getMessage() + "); skipped");
                }
            }
        } catch (RuntimeException e) {
            log.error("prerendered bundle is unreadable; pages render on demand", e);
        }
        return out;
    }

    private static Body body(String text, Object kind) {
        if (TEXT.equals(kind)) {
            return Body.of(text); // isr4j's own UTF-8 encoder: no charset machinery in Wasm
        }
        if (!BYTES.equals(kind)) {
            throw new IllegalArgumentException("its body is marked neither " + TEXT + " nor " + BYTES);
        }
        byte[] bytes = new byte[text.length()];
        for (int i = 0; i < bytes.length; i++) {
            char c = text.charAt(i);
            if (c > 0xff) {
                throw new IllegalArgumentException("its body has a character above U+00FF at " + i);
            }
            bytes[i] = (byte) c;
        }
        return Body.of(bytes);
    }

    /** Each byte as the character of the same number: {@link #BYTES}'s form of a binary body. */
    public static String bytesAsText(byte[] body) {
        char[] chars = new char[body.length];
        for (int i = 0; i < body.length; i++) {
            chars[i] = (char) (body[i] & 0xff);
        }
        return new String(chars);
    }

    /** A read-only map whose entries are the bundle's, parsed on first use (never suspends: plain parsing). */
    private static final class Lazy extends AbstractMap<String, CacheEntry> {
        private Supplier<String> bundle;
        private final Log log;
        private Map<String, CacheEntry> entries;

        Lazy(Supplier<String> bundle, Log log) {
            this.bundle = bundle;
            this.log = log;
        }

        // Locked for a multi-threaded host (the JVM test kit): the bundle is asked once. Only the full path (which
        // may suspend) consults it, never what must answer without waiting.
        private synchronized Map<String, CacheEntry> entries() {
            Map<String, CacheEntry> parsed = entries;
            if (parsed == null) {
                Supplier<String> source = bundle;
                String text;
                try {
                    text = source == null ? null : source.get();
                } catch (RuntimeException e) {
                    log.error("prerendered bundle could not be read; pages render on demand", e);
                    text = null;
                }
                parsed = Map.copyOf(parse(text, log));
                entries = parsed;
                bundle = null; // parsed: the text is no longer needed
            }
            return parsed;
        }

        @Override
        public CacheEntry get(Object key) {
            return entries().get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return entries().containsKey(key);
        }

        @Override
        public Set<Entry<String, CacheEntry>> entrySet() {
            return entries().entrySet();
        }
    }
}
