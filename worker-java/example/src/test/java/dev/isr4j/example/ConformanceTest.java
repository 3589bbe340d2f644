package dev.isr4j.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.isr4j.testkit.IsrTestKit;
import dev.isr4j.testkit.TestResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs the shared conformance script (test-e2e/conformance/scenarios.json) against the JVM test kit, checks
 * its expectations, and writes everything each step showed ({@link #record}) to target/conformance-jvm.json;
 * the e2e suite records the same against the Wasm build under Miniflare and diffs the two recordings.
 */
class ConformanceTest {
    static final Path SCRIPT = Path.of("../../test-e2e/conformance/scenarios.json");
    static final Path OBSERVED = Path.of("target/conformance-jvm.json");

    @Test
    @SuppressWarnings("unchecked")
    void theJvmTestKitBehavesAsTheScriptSays() throws IOException {
        Map<String, Object> script = JSON.std.mapFrom(Files.readString(SCRIPT));
        var observedAll = new LinkedHashMap<String, Object>();
        var failures = new ArrayList<String>();
        for (Object s : (List<Object>) script.get("scenarios")) {
            var scenario = (Map<String, Object>) s;
            String name = (String) scenario.get("name");
            var builder = IsrTestKit.builder(new ExampleApp().create());
            ((Map<String, Object>) script.getOrDefault("vars", Map.of()))
                    .forEach((variable, value) -> builder.var(variable, (String) value));
            var kit = builder.build();
            var bodies = new LinkedHashMap<Integer, byte[]>();
            var observations = new ArrayList<Object>();
            var steps = (List<Object>) scenario.get("steps");
            for (int i = 0; i < steps.size(); i++) {
                var step = (Map<String, Object>) steps.get(i);
                if (step.containsKey("advance")) {
                    kit.clock().advanceMillis(Math.round(((Number) step.get("advance")).doubleValue() * 1000));
                    observations.add(null);
                    continue;
                }
                String[] req = ((String) step.get("request")).split(" ", 2);
                var request = kit.request(req[0], req[1]);
                ((Map<String, Object>) step.getOrDefault("headers", Map.of()))
                        .forEach((header, value) -> request.header(header, (String) value));
                TestResponse r = request.send();
                kit.drain(); // background work settles before the next step, as the e2e harness awaits waitUntil
                var expect = (Map<String, Object>) step.get("expect");
                var seen = observe(r, expect, bodies);
                observations.add(record(r, bodies, kvKeys(kit)));
                bodies.put(i, r.bytes());
                for (var e : expect.entrySet()) {
                    Object want = e.getValue() instanceof Number n && !e.getKey().endsWith("BodyAs")
                            && !e.getKey().endsWith("BodyFrom") ? (Object) n.intValue() : e.getValue();
                    Object got = seen.get(e.getKey());
                    if (e.getKey().equals("sameBodyAs") || e.getKey().equals("differentBodyFrom")) {
                        want = Boolean.TRUE;
                    }
                    if (want == null ? got != null : !want.equals(got)) {
                        failures.add(name + " / step " + i + " (" + step.get("request") + "): " + e.getKey()
                                + " expected " + want + ", got " + got);
                    }
                }
            }
            observedAll.put(name, observations);
        }
        Files.createDirectories(OBSERVED.getParent());
        Files.writeString(OBSERVED, JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT, JSON.Feature.WRITE_NULL_PROPERTIES).asString(observedAll));
        assertEquals(List.of(), failures);
    }

    /** Headers whose values both runtimes must agree on. */
    static final List<String> RECORDED = List.of("x-isr-cache", "cache-control", "allow", "content-type", "cache-tag");
    /** Headers both runtimes must agree to send or not (their values hold times or digests of timed bodies). */
    static final List<String> PRESENT = List.of("age", "etag", "last-modified", "set-cookie", "location");

    /**
     * Everything a step shows, whatever the script expects of it (the e2e suite records the same and diffs the
     * two): status, headers, Cache-Status with its ttl reduced to its sign, which earlier step's body this one
     * repeats, and the KV keys once its background work settled.
     */
    static Map<String, Object> record(TestResponse r, Map<Integer, byte[]> earlier, List<String> kvKeys) {
        var seen = new LinkedHashMap<String, Object>();
        seen.put("status", r.status());
        for (String name : RECORDED) {
            seen.put(name, r.header(name));
        }
        for (String name : PRESENT) {
            seen.put(name + "?", r.header(name) != null);
        }
        String status = r.header("cache-status");
        seen.put("cache-status", status == null ? null : status.replaceAll("ttl=-\\d+", "ttl=-").replaceAll("ttl=\\d+", "ttl=+"));
        seen.put("bodyLength>0", r.bytes().length > 0);
        Integer same = null;
        for (var e : earlier.entrySet()) {
            if (Arrays.equals(e.getValue(), r.bytes())) {
                same = e.getKey();
                break;
            }
        }
        seen.put("bodyAsStep", same);
        seen.put("kv", kvKeys);
        return seen;
    }

    static List<String> kvKeys(IsrTestKit kit) {
        var store = kit.kvStore("CACHE_KV");
        var keys = new ArrayList<String>();
        String cursor = null;
        while (true) {
            var page = store.list("", cursor);
            page.keys().forEach(k -> keys.add(k.name()));
            if (page.complete()) {
                return keys;
            }
            cursor = page.cursor();
        }
    }

    /** The observable outcome of a step, for every key the script checks. */
    static Map<String, Object> observe(TestResponse r, Map<String, Object> expect, Map<Integer, byte[]> bodies) {
        var seen = new LinkedHashMap<String, Object>();
        for (String key : expect.keySet()) {
            switch (key) {
                case "status" -> seen.put(key, r.status());
                case "bodyEmpty" -> seen.put(key, r.bytes().length == 0);
                case "sameBodyAs" -> seen.put(key,
                        Arrays.equals(r.bytes(), bodies.get(((Number) expect.get(key)).intValue())));
                case "differentBodyFrom" -> seen.put(key,
                        !Arrays.equals(r.bytes(), bodies.get(((Number) expect.get(key)).intValue())));
                default -> seen.put(key, r.header(key));
            }
        }
        return seen;
    }
}
