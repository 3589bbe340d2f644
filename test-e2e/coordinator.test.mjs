// Issue 14: many isolates, one truth. Miniflare runs four copies of the bundled worker as separate workers
// (separate isolates) over one KV namespace and one IsrCoordinator Durable Object namespace (hosted by
// isolate-0, bound by the others through scriptName). Each isolate's main module is
// harness/isolate-harness.mjs, which counts its entry writes, coordinator calls and unsettled background work, and
// holds entry writes (or what entry reads found) until the test releases them: no check here races the clock.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { AUTH, pollUntil, timedRequest } from "./mf.mjs";
import { startIsolates, counts } from "./isolates.mjs";
import { workerLogs } from "./worker-logs.mjs";

const ISOLATES = 4;
const REQUESTS_PER_ISOLATE = 50;
const TAG_CACHE_MS = 1000; // the bound a revalidation made elsewhere takes to reach an isolate, in this test
// The coordinator's and KV's deadlines, as long as they may be: on a loaded machine an answer that is merely slow
// must not count as none (a claim would fall back to the isolate's own dedup, a read would be a MISS). The one
// test that needs a coordinator that does not answer holds its calls, so only this deadline ends the wait.
const COORDINATOR_TIMEOUT_MS = 5000;
const KV_READ_TIMEOUT_MS = 20_000;

const startIsolatesHere = (logs, vars = {}) => startIsolates({
  count: ISOLATES,
  logs,
  vars: {
    ISR_COORDINATOR_TAG_CACHE_MS: String(TAG_CACHE_MS),
    ISR_COORDINATOR_TIMEOUT_MS: String(COORDINATOR_TIMEOUT_MS),
    ISR_KV_READ_TIMEOUT_MS: String(KV_READ_TIMEOUT_MS),
    ...vars,
  },
});

const each = (isolates, path) => Promise.all(isolates.map((i) => i.request(path)));
const totals = async (isolates) => {
  const all = await Promise.all(isolates.map(counts));
  const sum = (f) => all.reduce((n, c) => n + f(c), 0);
  return {
    entryPuts: sum((c) => c.entryPuts),
    granted: sum((c) => c.claims.granted),
    busy: sum((c) => c.claims.busy),
    done: sum((c) => c.claims.done),
    failed: sum((c) => c.claims.failed),
    finishes: sum((c) => c.finishes),
    pending: sum((c) => c.pending),
    background: sum((c) => c.background),
    heldPuts: sum((c) => c.held.puts),
    toString() {
      return JSON.stringify(this);
    },
  };
};

/**
 * Polls until no isolate has background work or a coordinator call (other than a held one) in flight: once every
 * request has been answered, nothing more will be claimed or written.
 */
const settled = (isolates, what) =>
  pollUntil(() => totals(isolates), (x) => x.background === 0 && x.pending === 0, { timeoutMs: 30_000, what });

/** The lines logged for a regeneration of path that fell back to an isolate's own dedup. */
const fallbacks = (logs, path) =>
  logs.text().split("\n").filter((l) => l.includes("coordinator did not grant a lease") && l.includes(path + ":"));

/** Soft-revalidates a tag through one isolate: the entry is STALE everywhere from now on, on no clock. */
async function softRevalidate(isolate, tag) {
  const r = await isolate.request("/__isr/revalidate", {
    method: "POST",
    headers: { ...AUTH, "content-type": "application/json" },
    body: JSON.stringify({ tags: [tag], profile: "max" }),
  });
  assert.equal(r.status, 200, r.summary());
}

/** 50 concurrent requests per isolate, all four isolates at once (sent round robin); answers by isolate. */
async function storm(isolates, path) {
  const sent = isolates.map(() => []);
  for (let n = 0; n < REQUESTS_PER_ISOLATE; n++) {
    isolates.forEach((isolate, i) => sent[i].push(isolate.request(path)));
  }
  return Promise.all(sent.map((answers) => Promise.all(answers)));
}

describe("many isolates, one coordinator (issue 14)", { timeout: 120_000 }, () => {
  let cluster;
  const logs = workerLogs();
  before(async () => {
    cluster = await startIsolatesHere(logs);
  });
  after(async () => {
    await cluster?.mf.dispose();
  });

  it("4 isolates x 50 concurrent requests for one stale key: 1 regeneration and 1 entry write in all", async () => {
    const { isolates } = cluster;
    const path = "/api/posts/storm";
    await each(isolates, "/__harness/reset");
    const miss = await isolates[0].request(path);
    assert.equal(miss.isr, "MISS", miss.summary());
    await pollUntil(() => counts(isolates[0]), (c) => c.entryPuts === 1, { what: "the MISS written" });
    await softRevalidate(isolates[1], "post-storm");
    await each(isolates, "/__harness/reset");
    // The regeneration's write is held until every answer is in, so the whole storm arrives while its lease is held.
    await each(isolates, "/__harness/gate?puts=1");
    try {
      const answers = await storm(isolates, path);
      for (const r of answers.flat()) {
        assert.equal(r.status, 200, r.summary());
        assert.equal(r.isr, "STALE", r.summary());
      }
      // Each isolate dedups its own requests to one claim; one is granted and renders, the others are told BUSY.
      await pollUntil(
        () => totals(isolates),
        (x) => x.granted + x.busy + x.done + x.failed === ISOLATES && x.heldPuts === 1,
        { timeoutMs: 30_000, what: "every isolate's claim answered and the regeneration's write held" },
      );
    } finally {
      await each(isolates, "/__harness/gate/release");
    }
    const t = await settled(isolates, "the regeneration written and finished");
    console.log(`# storm: coordinator calls: ${t}`);
    assert.equal(t.granted, 1, `one lease granted: ${t}`);
    assert.equal(t.busy, ISOLATES - 1, `every other isolate told BUSY: ${t}`);
    assert.equal(t.done + t.failed, 0, `${t}`);
    assert.equal(t.finishes, 1, `the holder's finish: ${t}`);
    assert.equal(t.entryPuts, 1, `one entry write: ${t}`);
    assert.doesNotMatch(logs.text(), /dedup only/, "no isolate fell back");
    const after = await isolates[3].request(path);
    assert.equal(after.isr, "HIT", after.summary());
    assert.ok(after.json().timestamp > miss.json().timestamp, "the regenerated entry is served everywhere");
  });

  it("a tag revalidated through isolate A is honoured by isolate B within the tag cache time", async () => {
    const [a, b] = cluster.isolates;
    const path = "/api/posts/bound";
    assert.equal((await a.request(path)).isr, "MISS");
    await pollUntil(() => b.request(path), (r) => r.isr === "HIT", { what: `${path} a HIT in B` }); // B trusts the tag now
    const r = await a.request("/__isr/revalidate", {
      method: "POST",
      headers: { ...AUTH, "content-type": "application/json" },
      body: JSON.stringify({ tags: ["post-bound"] }),
    });
    assert.equal(r.status, 200, r.summary());
    // The revalidation was made by now. B read the tag before it at the latest, and trusts what it read for
    // TAG_CACHE_MS from when it asked: any request sent to B from revalidatedAt + TAG_CACHE_MS on must see it,
    // however long requests take. (No bound on how soon: B may read the tag again early.)
    const revalidatedAt = Date.now();
    const bound = revalidatedAt + TAG_CACHE_MS;
    const seen = await pollUntil(() => timedRequest(b, path), (x) => x.isr !== "HIT" || x.sentAt >= bound, {
      timeoutMs: TAG_CACHE_MS + 30_000,
      intervalMs: 50,
      what: `${path} revalidated in B, or a request sent past the bound`,
    });
    assert.equal(seen.isr, "MISS", `B, asked ${seen.sentAt - revalidatedAt} ms after the revalidation (bound ` +
      `${TAG_CACHE_MS} ms): ${seen.summary()}`);
    // The coordinator holds the truth; KV keeps a copy for when the coordinator cannot be read.
    const copy = JSON.parse(await cluster.kv.get("__tag:post-bound"));
    assert.equal(copy.tag, "post-bound");
    assert.ok(copy.expired >= revalidatedAt - 60_000 && copy.expired <= Date.now(), JSON.stringify(copy));
  });

  it("a coordinator that does not answer a lease degrades to per-isolate dedup; no client sees an error", async () => {
    const { isolates } = cluster;
    const path = "/api/posts/held";
    await each(isolates, "/__harness/reset");
    assert.equal((await isolates[0].request(path)).isr, "MISS");
    await pollUntil(() => counts(isolates[0]), (c) => c.entryPuts === 1, { what: "the MISS written" });
    await softRevalidate(isolates[0], "post-held");
    await each(isolates, "/__harness/reset");
    await each(isolates, "/__harness/hold?ops=claim");
    // The isolates' writes are held until every answer is in: every request reads the stale entry.
    await each(isolates, "/__harness/gate?puts=1");
    try {
      const answers = await storm(isolates, path);
      for (const r of answers.flat()) {
        assert.equal(r.status, 200, r.summary());
        assert.equal(r.isr, "STALE", r.summary());
      }
      // Past the coordinator's deadline each isolate regenerates on its own, once: its write waits at the gate.
      await pollUntil(() => totals(isolates), (x) => x.heldPuts === ISOLATES, {
        timeoutMs: COORDINATOR_TIMEOUT_MS + 30_000,
        what: "one regeneration per isolate at the gate",
      });
      await each(isolates, "/__harness/gate/release");
      const t = await settled(isolates, "the regenerations written");
      assert.equal(t.entryPuts, ISOLATES, `one regeneration per isolate written: ${t}`);
      assert.equal(t.granted + t.busy + t.done + t.failed, 0, `no claim answered: ${t}`);
      await logs.waitFor(["[isr4j]", "coordinator did not grant a lease", path, "dedup only"], { count: ISOLATES });
      assert.equal(fallbacks(logs, path).length, ISOLATES, logs.text());
    } finally {
      await each(isolates, "/__harness/hold");
      await each(isolates, "/__harness/gate/release");
    }
  });

  it("an isolate that regenerated a key on its own does not regenerate it again for a read from before its write",
    async () => {
      // One request reads the stale entry, and is handed what it read only after another request of the same
      // isolate has had it regenerated and written: it answers STALE, but the isolate does not render the key again
      // (the coordinator, which would say DONE, does not answer here).
      const [a] = cluster.isolates;
      const path = "/api/posts/late";
      await a.request("/__harness/reset");
      assert.equal((await a.request(path)).isr, "MISS");
      await pollUntil(() => counts(a), (c) => c.entryPuts === 1, { what: "the MISS written" });
      await softRevalidate(a, "post-late");
      await a.request("/__harness/reset");
      await a.request("/__harness/hold?ops=claim");
      try {
        await a.request("/__harness/gate?reads=1");
        const early = a.request(path);
        await pollUntil(() => counts(a), (c) => c.held.reads === 1, { what: "the early request's read held" });
        await a.request("/__harness/gate"); // later reads answer at once; the held one stays held
        const first = await a.request(path);
        assert.equal(first.isr, "STALE", first.summary());
        await pollUntil(() => counts(a), (c) => c.entryPuts === 1 && c.background === 0, {
          timeoutMs: COORDINATOR_TIMEOUT_MS + 30_000,
          what: "the regeneration written and ended",
        });
        await a.request("/__harness/gate/release");
        const late = await early;
        assert.equal(late.status, 200, late.summary());
        assert.equal(late.isr, "STALE", `it read the entry from before the write: ${late.summary()}`);
        const c = await pollUntil(() => counts(a), (x) => x.background === 0 && x.pending === 0, {
          timeoutMs: 30_000,
          what: "the early request's background work settled",
        });
        assert.equal(c.entryPuts, 1, `no second regeneration: ${JSON.stringify(c)}`);
        assert.equal(fallbacks(logs, path).length, 1, logs.text());
      } finally {
        await a.request("/__harness/hold");
        await a.request("/__harness/gate/release");
      }
    });
});
