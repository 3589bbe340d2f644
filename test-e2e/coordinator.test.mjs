// Issue 14: many isolates, one truth. Miniflare runs four copies of the bundled worker as separate workers
// (separate isolates) over one KV namespace and one IsrCoordinator Durable Object namespace (hosted by
// isolate-0, bound by the others through scriptName). Each isolate's main module is
// harness/isolate-harness.mjs, which counts its entry writes and coordinator calls.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import { AUTH, ORIGIN, REVALIDATE_SECRET, pollUntil, readResponse } from "./mf.mjs";
import { REPO_ROOT, workerModules } from "./worker-modules.mjs";
import { workerLogs } from "./worker-logs.mjs";

const ISOLATES = 4;
const REQUESTS_PER_ISOLATE = 50;
const TAG_CACHE_MS = 1000; // the bound a revalidation made elsewhere takes to reach an isolate, in this test

async function startIsolates(logs, vars = {}) {
  const names = Array.from({ length: ISOLATES }, (_, i) => `isolate-${i}`);
  const mf = new Miniflare({
    cf: false,
    handleRuntimeStdio: logs.handleRuntimeStdio,
    workers: names.map((name) => ({
      name,
      modules: workerModules("test-e2e/harness/isolate-harness.mjs"),
      modulesRoot: REPO_ROOT,
      compatibilityDate: "2025-06-01",
      kvNamespaces: { CACHE_KV: "shared-cache" },
      durableObjects: { ISR_COORDINATOR: { className: "IsrCoordinator", useSQLite: true, scriptName: names[0] } },
      bindings: {
        ISR_MODE: "production",
        ISR_REVALIDATE_SECRET: REVALIDATE_SECRET,
        ISR_COORDINATOR_TAG_CACHE_MS: String(TAG_CACHE_MS),
        ISR_REGIONAL_CACHE: "off", // KV alone: what one isolate wrote, every other reads at once
        ...vars,
      },
    })),
  });
  await mf.ready;
  const isolates = [];
  for (const name of names) {
    const w = await mf.getWorker(name);
    const fetch = (path, init) => w.fetch(new URL(path, ORIGIN).href, init);
    isolates.push({ name, fetch, request: async (path, init) => readResponse(await fetch(path, init)) });
  }
  const kv = await mf.getKVNamespace("CACHE_KV", names[0]);
  return { mf, isolates, kv };
}

const counts = async (isolate) => (await isolate.request("/__harness/counts")).json();
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
    toString() {
      return JSON.stringify(this);
    },
  };
};

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
    cluster = await startIsolates(logs);
  });
  after(async () => {
    await cluster?.mf.dispose();
  });

  it("4 isolates x 50 concurrent requests for one stale key: 1 regeneration and 1 entry write in all", async () => {
    const { isolates } = cluster;
    const path = "/api/posts/storm";
    await Promise.all(isolates.map((i) => i.request("/__harness/reset")));
    const miss = await isolates[0].request(path);
    assert.equal(miss.isr, "MISS", miss.summary());
    await pollUntil(() => counts(isolates[0]), (c) => c.entryPuts === 1, { what: "the MISS written" });
    await softRevalidate(isolates[1], "post-storm");
    await Promise.all(isolates.map((i) => i.request("/__harness/reset")));
    // The regeneration's write takes a second to land, so the storm arrives while its lease is held.
    await Promise.all(isolates.map((i) => i.request("/__harness/slow-puts?ms=1000")));

    const answers = await storm(isolates, path).finally(() =>
      Promise.all(isolates.map((i) => i.request("/__harness/slow-puts?ms=0"))));
    for (const r of answers.flat()) {
      assert.equal(r.status, 200, r.summary());
      assert.ok(r.isr === "STALE" || (r.isr === "HIT" && r.json().timestamp > miss.json().timestamp), r.summary());
    }
    // Each isolate that answered STALE dedups its own requests to one claim (an isolate whose requests all came
    // after the new entry was written answered HIT and claims nothing); every claim, and the holder's finish,
    // comes back.
    const claimers = answers.filter((byIsolate) => byIsolate.some((r) => r.isr === "STALE")).length;
    assert.ok(claimers >= 1);
    const t = await pollUntil(
      () => totals(isolates),
      (x) => x.granted + x.busy + x.done === claimers && x.finishes === 1 && x.pending === 0,
      { timeoutMs: 15_000, what: `${claimers} claims answered and the regeneration finished` },
    );
    assert.equal(t.granted, 1, `one lease granted: ${t}`);
    console.log(`# storm: ${claimers} isolates answered STALE and claimed; coordinator calls: ${t}`);
    assert.equal(t.entryPuts, 1, `one entry write: ${t}`);
    assert.equal(t.failed, 0);
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
    const revalidatedAt = Date.now();
    await pollUntil(() => b.request(path), (x) => x.isr === "MISS", {
      timeoutMs: TAG_CACHE_MS + 2000,
      intervalMs: 50,
      what: `${path} revalidated in B`,
    });
    const took = Date.now() - revalidatedAt;
    // the bound, plus one poll interval and a request's latency on a loaded machine
    assert.ok(took <= TAG_CACHE_MS + 1000, `B saw the revalidation after ${took} ms; bound ${TAG_CACHE_MS} ms`);
    assert.deepEqual((await cluster.kv.list({ prefix: "__tag:" })).keys, [], "tag records live in the coordinator");
  });

  it("a coordinator that does not answer a lease degrades to per-isolate dedup; no client sees an error", async () => {
    const { isolates } = cluster;
    const path = "/api/posts/held";
    await Promise.all(isolates.map((i) => i.request("/__harness/reset")));
    assert.equal((await isolates[0].request(path)).isr, "MISS");
    await pollUntil(() => counts(isolates[0]), (c) => c.entryPuts === 1, { what: "the MISS written" });
    await softRevalidate(isolates[0], "post-held");
    await Promise.all(isolates.map((i) => i.request("/__harness/reset")));
    await Promise.all(isolates.map((i) => i.request("/__harness/hold?ops=claim")));
    try {
      const answers = await storm(isolates, path);
      for (const r of answers.flat()) {
        assert.equal(r.status, 200, r.summary());
        assert.ok(r.isr === "STALE" || r.isr === "HIT", r.summary());
      }
      await logs.waitFor(["[isr4j]", "coordinator did not grant a lease", path, "dedup only"], {
        count: ISOLATES,
        timeoutMs: 10_000,
      });
      const t = await pollUntil(() => totals(isolates), (x) => x.entryPuts === ISOLATES, {
        timeoutMs: 10_000,
        what: "one regeneration per isolate written",
      });
      assert.equal(t.granted, 0);
    } finally {
      await Promise.all(isolates.map((i) => i.request("/__harness/hold")));
    }
  });
});
