// The data cache (cached functions, the "use cache" / unstable_cache equivalent) in workerd, through the
// fixture app (worker-java/fixtures):
//   GET/POST /api/cached-data  cached function "cached-data" (profile "minutes": revalidate 60 / expire 3600,
//                              tag "data"); POST stores the body as the source value and revalidates "data".
//   GET /api/cached-brief      cached function "brief-data" (profile "example-brief": stale 0 / revalidate 1 /
//                              expire 3600), a 200 ms computation; its KV write is held by the test
//                              (harness/gated-kv-harness.mjs) to decide what concurrent readers can see.
// Both answer JSON with "computations", the isolate's count of computations of that function.
//
// Data entries live in CACHE_KV under "cache:data:<name>:<fnv1a64 hex>" with metadata k="data". Writes happen in
// ctx.waitUntil after the response: these tests poll KV with a deadline, never sleep hoping they landed.
// Each describe block runs its own worker (its own isolate, counters and KV namespace).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, startGatedWorker, pollUntil, waitForClock, fnv1a64Hex, WITH_SECRET, AUTH } from "./mf.mjs";

/** 64-bit FNV-1a of the UTF-8 bytes, 16 lower-case hex digits (as the Java side hashes keys). */

/**
 * The KV key of a cached function's entry: the name in the clear, then the hash of the name followed by
 * each argument as U+0001 <length> ':' <argument>.
 */
function dataKvKey(name, args = []) {
  const hashed = name + args.map((a) => `\u0001${a.length}:${a}`).join("");
  return `cache:data:${name}:${fnv1a64Hex(hashed)}`;
}

/** A data entry from KV: metadata (the v2 header, inline) and the body as text; null when absent. */
async function readDataEntry(kv, key) {
  const { value, metadata } = await kv.getWithMetadata(key, "arrayBuffer");
  if (value === null || value === undefined) return null;
  const text = Buffer.from(value).toString("utf8");
  return {
    key,
    metadata,
    text,
    json: () => JSON.parse(text),
    toString() {
      return `KV ${key}: metadata=${JSON.stringify(metadata)} value=${JSON.stringify(text.slice(0, 200))}`;
    },
  };
}

function assertOk(r, what) {
  assert.equal(r.status, 200, `${what}: ${r.summary()}`);
}

/** GET a cached-data endpoint and return its parsed JSON (asserting 200 and no route-level ISR). */
async function getData(worker, path) {
  const r = await worker.request(path);
  assertOk(r, `GET ${path}`);
  assert.equal(r.isr, null, `${path} is not an ISR route, only its data is cached: ${r.summary()}`);
  return r.json();
}

describe("data cache: /api/cached-data (profile minutes, tag data)", { timeout: 60_000 }, () => {
  const KEY = dataKvKey("cached-data");
  let worker;
  before(async () => {
    worker = await startWorker({ vars: WITH_SECRET });
  });
  after(async () => {
    await worker?.dispose();
  });

  it("the key of a function without arguments is pinned", () => {
    assert.equal(KEY, "cache:data:cached-data:fa82a844ca0cbbea");
  });

  it("a second GET is served from the data cache: same computations count", async () => {
    const first = await getData(worker, "/api/cached-data");
    assert.equal(first.value, "initial");
    assert.equal(typeof first.computations, "number");
    await pollUntil(() => readDataEntry(worker.kv, KEY), (e) => e !== null, { what: `KV entry ${KEY}` });
    const second = await getData(worker, "/api/cached-data");
    assert.equal(second.computations, first.computations, "not recomputed");
    assert.equal(second.computedAt, first.computedAt);
    assert.equal(second.value, first.value);
    const third = await getData(worker, "/api/cached-data");
    assert.equal(third.computations, first.computations);
  });

  it('KV holds a "cache:data:cached-data:<hex>" entry with metadata k="data"', async () => {
    const listed = await worker.kv.list({ prefix: "cache:data:" });
    const names = listed.keys.map((k) => k.name);
    assert.deepEqual(names, [KEY], `data keys in KV: ${JSON.stringify(names)}`);
    assert.match(names[0], /^cache:data:cached-data:[0-9a-f]{16}$/);
    assert.equal(listed.keys[0].metadata?.k, "data", JSON.stringify(listed.keys[0].metadata));

    const entry = await readDataEntry(worker.kv, KEY);
    assert.ok(entry, `no entry under ${KEY}`);
    const m = entry.metadata;
    assert.equal(m.v, 2, String(entry));
    assert.equal(m.k, "data", String(entry));
    assert.equal(m.s, 200, String(entry));
    assert.ok(!("x" in m), `the header fits in the metadata: ${entry}`);
    assert.deepEqual(m.h, [["x-isr-data", "text"]], String(entry));
    assert.deepEqual(m.t, ["data"], String(entry));
    assert.equal(m.ra - m.lm, 60_000, `profile "minutes" revalidates after 60 s: ${entry}`);
    assert.equal(m.ea - m.lm, 3_600_000, `profile "minutes" expires after 3600 s: ${entry}`);
    const body = entry.json();
    assert.equal(body.value, "initial");
    assert.equal(typeof body.computations, "number");
  });

  it("POST a new value: the next GET shows it (tag invalidation) and computations + 1", async () => {
    const before = await getData(worker, "/api/cached-data");
    const newValue = `value-${Date.now()}`;
    const post = await worker.request("/api/cached-data", { method: "POST", body: newValue, headers: AUTH });
    assertOk(post, "POST /api/cached-data");
    assert.deepEqual(post.json(), { updated: newValue, revalidated: "data" });

    const after = await getData(worker, "/api/cached-data");
    assert.equal(after.value, newValue, "the revalidated tag made the data a miss: recomputed at once");
    assert.equal(after.computations, before.computations + 1);

    // Once the recomputed entry is in KV, it is served again without computing.
    await pollUntil(
      () => readDataEntry(worker.kv, KEY),
      (e) => e !== null && e.json().value === newValue,
      { what: `the recomputed entry under ${KEY}` },
    );
    const cached = await getData(worker, "/api/cached-data");
    assert.equal(cached.value, newValue);
    assert.equal(cached.computations, after.computations, "served from the data cache again");
  });
});

describe("data cache: one recomputation of /api/cached-brief under concurrency", { timeout: 60_000 }, () => {
  const KEY = dataKvKey("brief-data");
  const CONCURRENT = 30;
  let worker;
  before(async () => {
    worker = await startGatedWorker();
  });
  after(async () => {
    await worker?.dispose();
  });

  it(`${CONCURRENT} concurrent GETs of a stale value are all served it, and it is recomputed once`, async () => {
    assert.equal(KEY, "cache:data:brief-data:360977d18b0f7af6");
    const primed = await getData(worker, "/api/cached-brief");
    const old = primed.computations;
    assert.equal(typeof old, "number", JSON.stringify(primed));
    const stored = await pollUntil(
      () => readDataEntry(worker.kv, KEY),
      (e) => e !== null && e.json().computations === old,
      { what: `KV entry ${KEY}` },
    );
    assert.equal(stored.metadata.k, "data", String(stored));
    assert.equal(stored.metadata.ra - stored.metadata.lm, 1000, `revalidate 1 s: ${stored}`);

    // The recomputation's write waits until the test releases it: until then no request can see a new value,
    // however slowly the requests arrive. A request would start the recomputation: let the entry go stale by
    // the clock alone.
    await worker.gate.hold({ writes: KEY });
    await waitForClock(stored.metadata.ra + 1);

    const responses = await Promise.all(
      Array.from({ length: CONCURRENT }, () => worker.request("/api/cached-brief")),
    );
    const seen = responses.map((r) => {
      assertOk(r, "concurrent GET /api/cached-brief");
      return r.json();
    });
    assert.deepEqual(
      seen.map((b) => b.computations),
      Array(CONCURRENT).fill(old),
      "every concurrent response is the stale value, served at once",
    );
    for (const b of seen) assert.equal(b.computedAt, primed.computedAt);

    await worker.gate.waitForHeld(1); // the recomputation ran and waits to write
    await worker.gate.release();
    // Watch KV (not the route: a GET could start work of its own) until the recomputed value lands.
    const recomputed = await pollUntil(
      () => readDataEntry(worker.kv, KEY),
      (e) => e !== null && e.json().computations !== old,
      { what: `the recomputed entry under ${KEY}` },
    );
    assert.equal(recomputed.json().computations, old + 1, `one recomputation for ${CONCURRENT} stale reads: ${recomputed}`);
    assert.ok(recomputed.metadata.lm > stored.metadata.lm, String(recomputed));
    const { matched } = await worker.gate.state();
    assert.deepEqual(matched, [["put", KEY]], `one recomputation wrote, for ${CONCURRENT} concurrent stale reads`);

    const after = await getData(worker, "/api/cached-brief");
    assert.equal(after.computations, old + 1, "the recomputed value is served");
  });
});
