package dev.isr4j.coord;

import dev.isr4j.api.CoordinatorTransport;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * An isolate's side of the coordinator: picks the shard of a key or tag and speaks {@link CoordinatorProtocol}
 * over the runtime's transport. Every method throws when the coordinator did not answer in time (the transport
 * enforces the deadline); what to do then is the caller's rule.
 */
public final class CoordinatorClient {
    private static final Random IDS = new Random();

    private final CoordinatorTransport transport;
    private final CoordinatorOptions options;
    /** Who this isolate is to the coordinator: distinct per isolate, so a lease is never mistaken for another's. */
    private final String holder;

    public CoordinatorClient(CoordinatorTransport transport, CoordinatorOptions options) {
        this(transport, options, newHolderId());
    }

    public CoordinatorClient(CoordinatorTransport transport, CoordinatorOptions options, String holder) {
        this.transport = transport;
        this.options = options;
        this.holder = holder;
    }

    private static String newHolderId() {
        synchronized (IDS) {
            return Long.toHexString(IDS.nextLong());
        }
    }

    public CoordinatorOptions options() {
        return options;
    }

    public CoordinatorObject.Claim claim(String key, long seenLastModified) {
        int shard = CoordinatorProtocol.shardOfKey(key, options.shards());
        var m = CoordinatorProtocol.answer(one(shard, CoordinatorProtocol.claim(key, holder, seenLastModified,
                options.leaseMillis())), null);
        CoordinatorObject.Verdict verdict;
        try {
            verdict = CoordinatorObject.Verdict.valueOf(dev.isr4j.text.Text.asciiUpperCase(String.valueOf(m.get("r"))));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("coordinator answered " + m.get("r") + " to a claim");
        }
        return new CoordinatorObject.Claim(verdict, longOf(m.get("until")), longOf(m.get("done")));
    }

    /** Reports the end of this isolate's regeneration of {@code key} ({@code lastModified} -1: it failed). */
    public void finish(String key, long lastModified) {
        int shard = CoordinatorProtocol.shardOfKey(key, options.shards());
        CoordinatorProtocol.answer(one(shard, CoordinatorProtocol.finish(key, holder, lastModified)), "ok");
    }

    /** The states of {@code tags}: one call per shard they fall in, all at once. */
    public Map<String, CoordinatorStorage.Tag> tags(Collection<String> tags) {
        return perShard(tags, CoordinatorProtocol::tags);
    }

    /** Revalidates {@code tags} at {@code at}; the states after. */
    public Map<String, CoordinatorStorage.Tag> revalidate(Collection<String> tags, boolean soft, long at) {
        return perShard(tags, batch -> CoordinatorProtocol.revalidate(batch, soft, at));
    }

    private Map<String, CoordinatorStorage.Tag> perShard(Collection<String> tags,
                                                         java.util.function.Function<List<String>, String> request) {
        var byShard = new LinkedHashMap<Integer, List<String>>();
        for (String tag : new LinkedHashSet<>(tags)) {
            byShard.computeIfAbsent(CoordinatorProtocol.shardOfTag(tag, options.shards()), s -> new ArrayList<>())
                    .add(tag);
        }
        var calls = new ArrayList<CoordinatorTransport.Call>();
        for (var e : byShard.entrySet()) {
            calls.add(new CoordinatorTransport.Call(e.getKey(), request.apply(e.getValue())));
        }
        List<String> answers = calls.isEmpty() ? List.of() : transport.exchange(calls);
        if (answers.size() != calls.size()) {
            throw new IllegalStateException("coordinator transport answered " + answers.size() + " of " + calls.size()
                    + " calls");
        }
        var states = new LinkedHashMap<String, CoordinatorStorage.Tag>();
        for (String answer : answers) {
            states.putAll(CoordinatorProtocol.parseTagStates(answer));
        }
        for (String tag : tags) {
            if (!states.containsKey(tag)) {
                throw new IllegalStateException("coordinator did not answer for tag " + tag);
            }
        }
        return states;
    }

    private String one(int shard, String body) {
        List<String> answers = transport.exchange(List.of(new CoordinatorTransport.Call(shard, body)));
        if (answers.size() != 1) {
            throw new IllegalStateException("coordinator transport answered " + answers.size() + " of 1 call");
        }
        return answers.get(0);
    }

    private static long longOf(Object o) {
        return o instanceof Long l ? l : -1;
    }
}
