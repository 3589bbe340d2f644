package dev.isr4j.coord;

import dev.isr4j.Json;
import dev.isr4j.store.CacheKeys;
import dev.isr4j.json.JsonReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What isolates send a coordinator object (one JSON object per call, POSTed to the object's {@code fetch}) and
 * what it answers, defined once for both sides:
 * <pre>
 * {"op":"claim","key":K,"holder":H,"seen":LM,"leaseMs":MS} -> {"r":"granted"|"busy"|"done","until":T,"done":LM}
 * {"op":"finish","key":K,"holder":H,"lm":LM}               -> {"r":"ok"}
 * {"op":"tags","tags":[...]}                               -> {"r":"tags","tags":{"t":[expired,stale],...}}
 * {"op":"revalidate","tags":[...],"soft":B,"at":T}         -> the same, after the revalidation
 * </pre>
 * A key goes to shard {@code fnv1a64(key) mod shards}, a tag to {@code fnv1a64("tag:" + tag) mod shards}; shard
 * {@code n} is the object named {@code shard-<n>}.
 */
public final class CoordinatorProtocol {
    static final String OP = "op";
    static final String CLAIM = "claim";
    static final String FINISH = "finish";
    static final String TAGS = "tags";
    static final String REVALIDATE = "revalidate";

    private CoordinatorProtocol() {
    }

    /** The object name of shard {@code n}. */
    public static String objectName(int shard) {
        return "shard-" + shard;
    }

    static int shardOfKey(String key, int shards) {
        return (int) Long.remainderUnsigned(CacheKeys.fnv1a64(key), shards);
    }

    static int shardOfTag(String tag, int shards) {
        return (int) Long.remainderUnsigned(CacheKeys.fnv1a64("tag:" + tag), shards);
    }

    static String claim(String key, String holder, long seen, long leaseMillis) {
        return Json.object().put(OP, CLAIM).put("key", key).put("holder", holder).put("seen", seen)
                .put("leaseMs", leaseMillis).toJson();
    }

    static String finish(String key, String holder, long lastModified) {
        return Json.object().put(OP, FINISH).put("key", key).put("holder", holder).put("lm", lastModified).toJson();
    }

    static String tags(List<String> tags) {
        return Json.object().put(OP, TAGS).put("tags", array(tags)).toJson();
    }

    static String revalidate(List<String> tags, boolean soft, long at) {
        return Json.object().put(OP, REVALIDATE).put("tags", array(tags)).put("soft", soft).put("at", at).toJson();
    }

    private static Json.Arr array(List<String> items) {
        var a = Json.array();
        for (String s : items) {
            a.add(s);
        }
        return a;
    }

    static String tagStates(Map<String, CoordinatorStorage.Tag> states) {
        var o = Json.object();
        for (var e : states.entrySet()) {
            o.put(e.getKey(), Json.array().add(e.getValue().expiredAt()).add(e.getValue().staleAt()));
        }
        return Json.object().put("r", "tags").put("tags", o).toJson();
    }

    /** An answer as a map; an error answer (or anything else unexpected) throws. */
    static Map<?, ?> answer(String text, String expected) {
        Object parsed = JsonReader.parse(text);
        if (!(parsed instanceof Map<?, ?> m) || !(m.get("r") instanceof String r)) {
            throw new IllegalStateException("coordinator answered something unreadable");
        }
        if (r.equals("error")) {
            throw new IllegalStateException("coordinator refused the call: " + m.get("message"));
        }
        if (expected != null && !expected.equals(r)) {
            throw new IllegalStateException("coordinator answered " + r + ", expected " + expected);
        }
        return m;
    }

    static Map<String, CoordinatorStorage.Tag> parseTagStates(String text) {
        var m = answer(text, "tags");
        if (!(m.get("tags") instanceof Map<?, ?> tags)) {
            throw new IllegalStateException("coordinator answered tags without states");
        }
        var out = new LinkedHashMap<String, CoordinatorStorage.Tag>();
        for (var e : tags.entrySet()) {
            if (e.getValue() instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof Long expired
                    && pair.get(1) instanceof Long stale) {
                out.put((String) e.getKey(), new CoordinatorStorage.Tag(expired, stale));
            } else {
                throw new IllegalStateException("coordinator answered an unreadable state for tag " + e.getKey());
            }
        }
        return out;
    }
}
