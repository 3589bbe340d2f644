// Issue 23: a burst of first requests for one key renders once in an isolate. The fixture app's slow routes (~200 ms
// renders, a per-isolate render counter in the body) are requested 50 at a time on a fresh worker. What these
// tests assert holds however the requests interleave: whether a late request is collapsed into the render or
// reads its stored entry, it is answered without another render; a dynamic render is never handed on.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, pollUntil, describeResponse } from "./mf.mjs";
import { startIsolates, counts } from "./isolates.mjs";

const BURST = 50;

const burst = (worker, path, init = (i) => undefined) =>
  Promise.all(Array.from({ length: BURST }, (_, i) => worker.request(path, init(i))));

const states = (answers) => {
  const by = {};
  for (const r of answers) by[r.headers.get("x-isr-cache")] = (by[r.headers.get("x-isr-cache")] ?? 0) + 1;
  return by;
};

describe("request collapsing in one isolate", { timeout: 120_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker();
  });
  after(async () => {
    await worker?.dispose();
  });

  it("50 concurrent first requests of an uncached key: one render, 50 answers of 200 with identical bodies", async () => {
    const answers = await burst(worker, "/api/slow");
    for (const r of answers) assert.equal(r.status, 200, describeResponse(r));
    const bodies = new Set(answers.map((r) => r.text));
    assert.equal(bodies.size, 1, `one body for all: ${[...bodies].join(" | ")}`);
    assert.equal(answers[0].json().renders, 1, "the isolate rendered once");
    const { MISS, HIT = 0, STALE = 0, ...other } = states(answers);
    assert.equal(MISS, 1, "one MISS: the renderer");
    assert.deepEqual(other, {}, "the rest HIT (collapsed, or its entry), or STALE on a machine slower than revalidate(1)");
    assert.equal(HIT + STALE, BURST - 1);
    for (const r of answers) {
      const status = r.headers.get("cache-status");
      if (r.headers.get("x-isr-cache") === "MISS") assert.equal(status, "isr4j; fwd=miss; stored");
      else assert.match(status, /^isr4j; (fwd=miss; collapsed|hit; ttl=-?\d+)$/, "collapsed, or its stored entry");
      assert.match(r.headers.get("cache-control"), /^s-maxage=[01], stale-while-revalidate=\d+$/);
    }
    const etags = new Set(answers.map((r) => r.headers.get("etag")));
    assert.equal(etags.size, 1, "one representation");
  });

  it("the same burst on a dynamic route (it reads a header): 50 renders, 50 different answers, none shared", async () => {
    const answers = await burst(worker, "/api/slow-dynamic", (i) => ({ headers: { "x-user": `user-${i}` } }));
    const renders = new Set();
    answers.forEach((r, i) => {
      assert.equal(r.status, 200, describeResponse(r));
      assert.equal(r.json().user, `user-${i}`, "each request got its own render");
      assert.match(r.headers.get("cache-control"), /no-store/, "a dynamic answer is never stored downstream");
      assert.notEqual(r.headers.get("x-isr-cache"), "HIT");
      renders.add(r.json().renders);
    });
    assert.equal(renders.size, BURST, "50 renders, each answer from its own");
    assert.equal(new Set(answers.map((r) => r.text)).size, BURST, "50 different answers");
  });

  it("a render that throws under 49 waiters fails only itself: at most one 500, the rest 200 from a later render", async () => {
    const answers = await burst(worker, "/api/slow-fails-once");
    const failed = answers.filter((r) => r.status === 500);
    const ok = answers.filter((r) => r.status === 200);
    assert.ok(failed.length <= 1, `at most the thrower fails: ${failed.length} answers 500`);
    assert.equal(failed.length + ok.length, BURST, `only 200 and 500: ${answers.map((r) => r.status).join(",")}`);
    const bodies = new Set(ok.map((r) => r.text));
    assert.equal(bodies.size, 1, `the waiters share the next render: ${[...bodies].join(" | ")}`);
    assert.equal(ok[0].json().renders, 2, "rendered once more after the failure, not once per waiter");
  });

  it("a later request reads the burst's stored entry", async () => {
    const stored = await pollUntil(() => worker.request("/api/slow-fails-once"),
      (r) => r.headers.get("cache-status")?.startsWith("isr4j; hit"), { what: "a HIT of the stored entry" });
    assert.equal(stored.json().renders, 2);
  });
});

// Across isolates: four Miniflare workers (separate isolates, one location: what one writes to KV the others
// read at once) over one KV namespace, with and without the coordinator. Each isolate's main module is
// harness/isolate-harness.mjs, which counts its entry writes.

const ISOLATES = 4;
const entryPuts = async (isolates) => (await Promise.all(isolates.map(counts))).map((c) => c.entryPuts);

/** 50 concurrent first requests per isolate for the cold key, all four isolates at once. */
async function coldStorm(isolates, path) {
  const sent = isolates.map(() => []);
  for (let n = 0; n < BURST; n++) isolates.forEach((isolate, i) => sent[i].push(isolate.request(path)));
  return (await Promise.all(sent.map((answers) => Promise.all(answers)))).flat();
}

for (const coordinator of [true, false]) {
  describe(`a cold key hit by 4 isolates x 50 at once, ${coordinator ? "with" : "without"} the coordinator`, { timeout: 120_000 }, () => {
    let cluster;
    before(async () => {
      cluster = await startIsolates({ count: ISOLATES, coordinator });
    });
    after(async () => {
      await cluster?.mf.dispose();
    });

    it(coordinator ? "renders once in all: the other isolates wait for its entry and serve it"
      : "renders at most once per isolate", async () => {
      const { isolates } = cluster;
      const answers = await coldStorm(isolates, "/api/posts/cold");
      for (const r of answers) assert.equal(r.status, 200, describeResponse(r));
      const timestamps = new Set(answers.map((r) => r.json().timestamp));
      const puts = await pollUntil(() => entryPuts(isolates), (p) => p.reduce((a, b) => a + b, 0) >= 1,
        { what: "the entry written" });
      const misses = answers.filter((r) => r.headers.get("x-isr-cache") === "MISS").length;
      if (coordinator) {
        assert.equal(timestamps.size, 1, `one render: ${[...timestamps].join(", ")}`);
        assert.equal(misses, 1, "one MISS in all");
        assert.deepEqual(puts.toSorted(), [0, 0, 0, 1], "one entry write in all");
      } else {
        assert.ok(timestamps.size <= ISOLATES, `at most one render per isolate: ${timestamps.size}`);
        assert.ok(misses <= ISOLATES, `at most one MISS per isolate: ${misses}`);
        assert.ok(puts.every((n) => n <= 1), `at most one write per isolate: ${puts}`);
      }
    });
  });
}
