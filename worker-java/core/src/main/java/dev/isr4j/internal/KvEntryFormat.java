package dev.isr4j.internal;

import dev.isr4j.Body;
import dev.isr4j.Headers;
import dev.isr4j.Json;
import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.CacheValue;
import dev.isr4j.api.KvStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a cache entry is laid out in Workers KV (format version 1). Binary first: one
 * {@code getWithMetadata(key, "arrayBuffer")} per lookup, the body bytes are the KV value as is.
 *
 * <p>The entry header is a JSON object:
 * {@code {"v":1,"k":"route","s":200,"h":[["content-type","application/json"]],"lm":<ms>,"ra":<ms>,"ea":<ms>,"t":["posts","path:/api/posts/1"]}}
 * ({@code v} format version, {@code k} kind, {@code s} status, {@code h} stored headers in order,
 * {@code lm} last modified, {@code ra} revalidate at, {@code ea} expire at, all epoch ms; {@code t} tags).
 * When it fits in KV's 1024-byte metadata, it <em>is</em> the metadata and the value is the body.
 * Otherwise the metadata is {@code {"v":1,"k":"route","x":1,"t":["path:..."]}} and the value is a 4-byte
 * big-endian header length, the header's UTF-8 JSON, then the body.
 */
public final class KvEntryFormat {
    public static final int VERSION = 1;
    public static final String KIND_ROUTE = "route";
    public static final String KIND_PAGE = "page";
    public static final String KIND_DATA = "data";

    private KvEntryFormat() {
    }

    /** The kind of entry a cache key names: {@code data:...} data, {@code pages:...} page, else route. */
    public static String kindOf(String key) {
        if (key.startsWith("data:")) {
            return KIND_DATA;
        }
        return key.startsWith("pages:") ? KIND_PAGE : KIND_ROUTE;
    }

    /** What to write: value and metadata text. */
    public record Encoded(Body value, String metadata) {
    }

    public static Encoded encode(CacheEntry entry, String kind) {
        String header = header(entry, kind);
        if (serialisedLength(header) <= KvStore.MAX_METADATA_BYTES) {
            return new Encoded(entry.value().body(), header);
        }
        byte[] head = header.getBytes(StandardCharsets.UTF_8);
        byte[] body = entry.value().body().bytes();
        byte[] value = new byte[4 + head.length + body.length];
        value[0] = (byte) (head.length >>> 24);
        value[1] = (byte) (head.length >>> 16);
        value[2] = (byte) (head.length >>> 8);
        value[3] = (byte) head.length;
        System.arraycopy(head, 0, value, 4, head.length);
        System.arraycopy(body, 0, value, 4 + head.length, body.length);
        var meta = Json.object().put("v", VERSION).put("k", kind).put("x", 1);
        var pathTags = Json.array();
        for (String t : entry.tags()) {
            if (t.startsWith("path:") && t.length() < 800) {
                pathTags.add(t);
            }
        }
        meta.put("t", pathTags);
        return new Encoded(Body.of(value), meta.toJson());
    }

    /**
     * Reads an entry back; throws {@link IllegalArgumentException} describing what is wrong with a value
     * that is not an entry of this format and kind (unknown version, truncated header, bad metadata).
     */
    public static CacheEntry decode(KvStore.Stored stored, String kind) {
        if (stored.metadata() == null) {
            throw new IllegalArgumentException("no metadata");
        }
        Map<String, Object> meta = asObject(JsonReader.parse(stored.metadata()), "metadata");
        checkVersionAndKind(meta, kind);
        Body body = stored.value();
        Map<String, Object> header = meta;
        if (meta.containsKey("x")) {
            if (body.length() < 4) {
                throw new IllegalArgumentException("truncated header length");
            }
            byte[] len = body.slice(0, 4).bytes();
            int n = ((len[0] & 0xff) << 24) | ((len[1] & 0xff) << 16) | ((len[2] & 0xff) << 8) | (len[3] & 0xff);
            if (n < 0 || 4L + n > body.length()) {
                throw new IllegalArgumentException("truncated header (" + n + " bytes announced, "
                        + (body.length() - 4) + " present)");
            }
            header = asObject(JsonReader.parse(new String(body.slice(4, 4 + n).bytes(), StandardCharsets.UTF_8)),
                    "header");
            checkVersionAndKind(header, kind);
            body = body.slice(4 + n, body.length());
        }
        long status = number(header, "s");
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status " + status + " out of range");
        }
        var fields = new ArrayList<Map.Entry<String, String>>();
        for (Object pair : list(header, "h")) {
            if (!(pair instanceof List<?> p) || p.size() != 2 || !(p.get(0) instanceof String name)
                    || !(p.get(1) instanceof String value)) {
                throw new IllegalArgumentException("bad header field " + pair);
            }
            fields.add(Map.entry(name, value));
        }
        var tags = new ArrayList<String>();
        for (Object t : list(header, "t")) {
            if (!(t instanceof String tag)) {
                throw new IllegalArgumentException("bad tag " + t);
            }
            tags.add(tag);
        }
        var value = new CacheValue((int) status, Headers.of(fields), body);
        return new CacheEntry(value, number(header, "lm"), number(header, "ra"), number(header, "ea"), tags);
    }

    /** The path tags a listed key's metadata names (for layout revalidation), empty when unreadable. */
    public static List<String> pathTags(String metadata) {
        var out = new ArrayList<String>();
        try {
            var meta = asObject(JsonReader.parse(metadata), "metadata");
            for (Object t : list(meta, "t")) {
                if (t instanceof String tag && tag.startsWith("path:")) {
                    out.add(tag);
                }
            }
        } catch (RuntimeException e) {
            // a foreign or broken entry: nothing to revalidate through it
        }
        return out;
    }

    private static String header(CacheEntry entry, String kind) {
        var h = Json.array();
        for (var f : entry.value().headers().entries()) {
            h.add(Json.array().add(f.getKey()).add(f.getValue()));
        }
        var t = Json.array();
        for (String tag : entry.tags()) {
            t.add(tag);
        }
        return Json.object().put("v", VERSION).put("k", kind).put("s", entry.value().status()).put("h", h)
                .put("lm", entry.lastModified()).put("ra", entry.revalidateAt()).put("ea", entry.expireAt())
                .put("t", t).toJson();
    }

    /** Bytes KV counts for metadata: the UTF-8 length of its JSON serialisation. */
    static int serialisedLength(String json) {
        return json.getBytes(StandardCharsets.UTF_8).length;
    }

    private static void checkVersionAndKind(Map<String, Object> m, String kind) {
        Object v = m.get("v");
        if (!(v instanceof Long version) || version != VERSION) {
            throw new IllegalArgumentException("unknown format version " + v);
        }
        if (!kind.equals(m.get("k"))) {
            throw new IllegalArgumentException("wrong kind " + m.get("k") + ", expected " + kind);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObject(Object o, String what) {
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException(what + " is not a JSON object");
        }
        return (Map<String, Object>) o;
    }

    private static long number(Map<String, Object> m, String field) {
        Object v = m.get(field);
        if (!(v instanceof Long n)) {
            throw new IllegalArgumentException("field " + field + " missing or not an integer");
        }
        return n;
    }

    private static List<?> list(Map<String, Object> m, String field) {
        Object v = m.get(field);
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException("field " + field + " missing or not an array");
        }
        return l;
    }
}
