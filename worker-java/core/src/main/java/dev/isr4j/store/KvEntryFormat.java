package dev.isr4j.store;

import dev.isr4j.json.JsonReader;
import dev.isr4j.Body;
import dev.isr4j.Headers;
import dev.isr4j.Json;
import dev.isr4j.api.CacheEntry;
import dev.isr4j.api.CacheValue;
import dev.isr4j.api.KvStore;
import dev.isr4j.text.Utf8;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a cache entry is laid out in Workers KV (format version 2). Binary first: one
 * {@code getWithMetadata(key, "arrayBuffer")} per lookup, the body bytes are the KV value as is.
 *
 * <p>The entry header is a JSON object:
 * {@code {"v":2,"k":"route","id":"app:/api/posts/1:route","s":200,"h":[["content-type","application/json"]],"lm":<ms>,"ra":<ms>,"ea":<ms>,"t":["posts","path:/api/posts/1"]}}
 * ({@code v} format version, {@code k} kind, {@code id} the full cache key the entry was written for (its
 * KV key may be a hash of it, see {@link CacheKeys#storageKey}), {@code s} status, {@code h} stored headers in
 * order, {@code lm} last modified, {@code ra} revalidate at, {@code ea} expire at, all epoch ms; {@code t} tags;
 * {@code p}, in a page's entry only, its props JSON as a string). Page entries written before {@code p} existed
 * keep their props as a stored header field {@value #LEGACY_PROPS_HEADER}; reading one moves it into the props,
 * so the field never reaches a client. Lone UTF-16 surrogates are written as JSON backslash-u escapes, so every string reads back as written.
 * When the header fits in KV's 1024-byte metadata, it <em>is</em> the metadata and the value is the body.
 * Otherwise the metadata is {@code {"v":2,"k":"route","x":1}} and the value is a 4-byte big-endian header
 * length, the header's UTF-8 JSON, then the body.
 *
 * <p>Reading distrusts what it finds ({@link StoredEntries}): a status outside 200-499, an invalid header field,
 * or inconsistent timestamps make the entry unreadable; never-stored fields (Set-Cookie, Cache-Control, Age,
 * ...) are dropped. Version 1 entries (no {@code id}) are unreadable, so they are replaced on first use.
 */
public final class KvEntryFormat {
    public static final int VERSION = 2;
    /** Entries whose body lives in an object store. */
    public static final int VERSION_OBJECT_BODY = 3;
    public static final String KIND_ROUTE = "route";
    public static final String KIND_PAGE = "page";
    public static final String KIND_DATA = "data";
    /** Where page entries written by earlier releases keep their props: a stored header field. */
    public static final String LEGACY_PROPS_HEADER = "x-isr-props";

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

    /**
     * Where an entry's body lives when it is not in the KV value.
     *
     * @param key the object's key
     * @param length the body's length in bytes
     * @param previous the object of the entry this one replaced, or null
     */
    public record ObjectRef(String key, long length, String previous) {
    }

    /**
     * A decoded entry and the cache key it was written for; {@code object} is where its body lives, or null when
     * the body is the KV value (the entry's body is then empty until read from the object).
     */
    public record Decoded(String key, CacheEntry entry, ObjectRef object, boolean overflow) {
        public Decoded(String key, CacheEntry entry) {
            this(key, entry, null, false);
        }
    }

    /** Encodes the entry of cache key {@code key} (its kind follows from the key). */
    public static Encoded encode(String key, CacheEntry entry) {
        return encode(key, entry, null);
    }

    /**
     * Encodes an entry whose body lives in an object ({@code object}, or null for the body in the value): the
     * entry's own body is not written.
     */
    public static Encoded encode(String key, CacheEntry entry, ObjectRef object) {
        String kind = kindOf(key);
        String header = header(key, entry, kind, object);
        Body stored = object == null ? entry.value().body() : Body.EMPTY;
        if (serialisedLength(header) <= KvStore.MAX_METADATA_BYTES) {
            return new Encoded(stored, header);
        }
        byte[] head = Utf8.encode(header);
        byte[] body = stored.bytes();
        byte[] value = new byte[4 + head.length + body.length];
        value[0] = (byte) (head.length >>> 24);
        value[1] = (byte) (head.length >>> 16);
        value[2] = (byte) (head.length >>> 8);
        value[3] = (byte) head.length;
        System.arraycopy(head, 0, value, 4, head.length);
        System.arraycopy(body, 0, value, 4 + head.length, body.length);
        var meta = Json.object().put("v", object == null ? VERSION : VERSION_OBJECT_BODY).put("k", kind).put("x", 1);
        return new Encoded(Body.of(value), meta.toJson());
    }

    /**
     * Reads an entry back; throws {@link IllegalArgumentException} (and nothing else) describing what is wrong
     * with a value that is not a servable entry of this format: unknown version, truncated or malformed header,
     * or content {@link StoredEntries} rejects. Never-stored header fields are dropped.
     */
    public static Decoded decode(KvStore.Stored stored) {
        if (stored == null || stored.value() == null || stored.metadata() == null) {
            throw new IllegalArgumentException("no metadata");
        }
        String metadata = stored.metadata();
        int slot = metadata.hashCode() & (DECODED.length - 1);
        Remembered known = DECODED[slot];
        if (known != null && known.metadata().equals(metadata)) {
            return known.withBody(stored.value()); // the same metadata text decodes the same way
        }
        Decoded decoded = parse(stored);
        if (!decoded.overflow()) {
            DECODED[slot] = new Remembered(metadata, Remembered.withoutBody(decoded)); // nobody's bytes kept alive
        }
        return decoded;
    }

    /**
     * Entries decoded lately, by their metadata text: a HIT on a hot entry parses nothing. A slot per hash (a
     * newer entry replaces an older one in its slot) holding immutable records, so threads need no lock: a
     * race costs a parse, never a wrong answer. Only entries whose whole header is the metadata are kept.
     */
    private static final Remembered[] DECODED = new Remembered[256];

    private record Remembered(String metadata, Decoded decoded) {
        static Decoded withoutBody(Decoded d) {
            CacheEntry e = d.entry();
            var value = e.value().withBody(Body.EMPTY);
            return new Decoded(d.key(), new CacheEntry(value, e.lastModified(), e.revalidateAt(), e.expireAt(), e.tags()),
                    d.object(), false);
        }

        /** The decoded entry with this read's body (the header is all the metadata says). */
        Decoded withBody(Body body) {
            if (decoded.object() != null && body.length() != 0) {
                throw new IllegalArgumentException("an entry with its body in an object holds bytes in KV too");
            }
            CacheEntry e = decoded.entry();
            var value = e.value().withBody(decoded.object() != null ? Body.EMPTY : body);
            // (the remembered entry has no body: a body-in-object entry's stays empty until read from the object)
            return new Decoded(decoded.key(), new CacheEntry(value, e.lastModified(), e.revalidateAt(), e.expireAt(),
                    e.tags()), decoded.object(), false);
        }
    }

    private static Decoded parse(KvStore.Stored stored) {
        Map<String, Object> meta = asObject(JsonReader.parse(stored.metadata()), "metadata");
        String kind = checkVersion(meta);
        long version = (Long) meta.get("v");
        Body body = stored.value();
        Map<String, Object> header = meta;
        if (meta.containsKey("x")) {
            if (body.length() < 4) {
                throw new IllegalArgumentException("truncated header length");
            }
            byte[] len = body.slice(0, 4).bytes();
            long n = ((len[0] & 0xffL) << 24) | ((len[1] & 0xff) << 16) | ((len[2] & 0xff) << 8) | (len[3] & 0xff);
            if (4L + n > body.length()) {
                throw new IllegalArgumentException("truncated header (" + n + " bytes announced, "
                        + (body.length() - 4) + " present)");
            }
            header = asObject(JsonReader.parse(Utf8.decode(body.slice(4, 4 + (int) n).bytes())),
                    "header");
            if (!kind.equals(checkVersion(header))) {
                throw new IllegalArgumentException("header kind " + header.get("k") + " differs from metadata kind "
                        + kind);
            }
            if (!Long.valueOf(version).equals(header.get("v"))) {
                throw new IllegalArgumentException("header version differs from metadata version");
            }
            body = body.slice(4 + (int) n, body.length());
        }
        if (!(header.get("id") instanceof String key)) {
            throw new IllegalArgumentException("field id missing or not a string");
        }
        if (!kind.equals(kindOf(key))) {
            throw new IllegalArgumentException("kind " + kind + " does not match the key's kind " + kindOf(key));
        }
        long status = number(header, "s");
        var fields = new ArrayList<Map.Entry<String, String>>();
        for (Object pair : list(header, "h")) {
            if (!(pair instanceof List<?> p) || p.size() != 2 || !(p.get(0) instanceof String name)
                    || !(p.get(1) instanceof String value) || name.isEmpty()) {
                throw new IllegalArgumentException("bad header field");
            }
            fields.add(Map.entry(name, value));
        }
        Headers headers = Headers.of(fields);
        String problem = StoredEntries.contentProblem(status, headers);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        Object props = header.get("p");
        if (props != null && !(props instanceof String)) {
            throw new IllegalArgumentException("field p is not a string");
        }
        if (props == null && kind.equals(KIND_PAGE) && headers.has(LEGACY_PROPS_HEADER)) {
            props = headers.get(LEGACY_PROPS_HEADER);
            headers = headers.without(LEGACY_PROPS_HEADER);
        }
        var tags = new ArrayList<String>();
        for (Object t : list(header, "t")) {
            if (!(t instanceof String tag)) {
                throw new IllegalArgumentException("bad tag");
            }
            tags.add(tag);
        }
        long lm = number(header, "lm");
        long ra = number(header, "ra");
        long ea = number(header, "ea");
        problem = StoredEntries.timeProblem(lm, ra, ea);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        ObjectRef object = null;
        if (version == VERSION_OBJECT_BODY) {
            if (!(header.get("bo") instanceof String objectKey) || objectKey.isEmpty()) {
                throw new IllegalArgumentException("field bo missing or not a string");
            }
            long length = number(header, "bn");
            if (length < 0) {
                throw new IllegalArgumentException("negative body length");
            }
            Object previous = header.get("bp");
            if (previous != null && !(previous instanceof String)) {
                throw new IllegalArgumentException("field bp is not a string");
            }
            if (body.length() != 0) {
                throw new IllegalArgumentException("an entry with its body in an object holds bytes in KV too");
            }
            object = new ObjectRef(objectKey, length, (String) previous);
        } else if (header.containsKey("bo")) {
            throw new IllegalArgumentException("version " + version + " entries have no body object");
        }
        var value = new CacheValue((int) status, StoredEntries.servable(headers), body, (String) props);
        return new Decoded(key, new CacheEntry(value, lm, ra, ea, List.copyOf(tags)), object, header != meta);
    }

    private static String header(String key, CacheEntry entry, String kind, ObjectRef object) {
        var h = Json.array();
        for (var f : entry.value().headers().entries()) {
            h.add(Json.array().add(f.getKey()).add(f.getValue()));
        }
        var t = Json.array();
        for (String tag : entry.tags()) {
            t.add(tag);
        }
        var json = Json.object().put("v", object == null ? VERSION : VERSION_OBJECT_BODY).put("k", kind).put("id", key)
                .put("s", entry.value().status()).put("h", h).put("lm", entry.lastModified())
                .put("ra", entry.revalidateAt()).put("ea", entry.expireAt()).put("t", t);
        if (object != null) {
            json.put("bo", object.key()).put("bn", object.length());
            if (object.previous() != null) {
                json.put("bp", object.previous());
            }
        }
        if (entry.value().props() != null) {
            json.put("p", entry.value().props());
        }
        return escapeLoneSurrogates(json.toJson());
    }

    /** JSON text with lone surrogates (only possible inside strings) as escapes, which UTF-8 keeps intact. */
    static String escapeLoneSurrogates(String json) {
        StringBuilder out = null;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            boolean lone = Character.isHighSurrogate(c)
                    ? i + 1 >= json.length() || !Character.isLowSurrogate(json.charAt(i + 1))
                    : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(json.charAt(i - 1)));
            if (lone && out == null) {
                out = new StringBuilder(json.length() + 16).append(json, 0, i);
            }
            if (out != null) {
                if (lone) {
                    out.append("\\u").append(Integer.toHexString(c));
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? json : out.toString();
    }

    /** Bytes KV counts for metadata: the UTF-8 length of its JSON serialisation. */
    static int serialisedLength(String json) {
        return Utf8.length(json);
    }

    /** Checks the version; returns the kind. */
    private static String checkVersion(Map<String, Object> m) {
        Object v = m.get("v");
        if (!(v instanceof Long version) || (version != VERSION && version != VERSION_OBJECT_BODY)) {
            throw new IllegalArgumentException("unknown format version " + (v instanceof Long ? v : "(not a number)"));
        }
        Object k = m.get("k");
        if (!KIND_ROUTE.equals(k) && !KIND_PAGE.equals(k) && !KIND_DATA.equals(k)) {
            throw new IllegalArgumentException("unknown kind");
        }
        return (String) k;
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
