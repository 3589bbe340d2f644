// Issue 23, item 3: a coordinator outage degrades the cache, never disables it. The four-isolate setup of
// coordinator.test.mjs (separate workers over one KV namespace and one IsrCoordinator namespace, each behind
// harness/isolate-harness.mjs), with every coordinator call made to fail at once, or to take 15 s (past isr4j's
// own deadline, ISR_COORDINATOR_TIMEOUT_MS, 250 ms by default). Tag records then come from their KV copies.
//
// Nothing here waits on the wall clock: the key goes stale by a soft revalidation (no revalidate time passes),
// the coordinator fails when the harness says so, and background work is awaited through the harness's count
// of live ctx.waitUntil promises, polled with a deadline. Each storm's key has tags no isolate has read before
// (post-<id>, its path's), so every isolate must look them up once the coordinator fails, whatever the clock
// says about the tag cache (ISR_COORDINATOR_TAG_CACHE_MS at its default).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { AUTH, pollUntil } from "./mf.mjs";
import { startIsolates, counts } from "./isolates.mjs";
import { workerLogs } from "./worker-logs.mjs";

const ISOLATES = 4;
const REQUESTS_PER_ISOLATE = 50;
const SLOW_MS = 15_000;
const SHARDS = 4; // ISR_COORDINATOR_SHARDS' default
// The answers' latency bound. 2 s is far above what a STALE answer costs here (tens of ms) and far below what
// one that waited for the coordinator costs (>= 15 s in the slow storm): a request that waited would break it
// by 13 s, so the bound says something. On a much slower machine 200 concurrent requests can queue for CPU
// alone, so the bound grows with a healthy storm measured first on the same cluster (4x its slowest answer),
// but never past half the coordinator's 15 s, where it would stop telling a waiting request from a slow one.
const LATENCY_BOUND_MS = 2_000;

const startIsolatesHere = (logs) => startIsolates({ count: ISOLATES, logs });

const everyIsolate = (isolates, path) => Promise.all(isolates.map((i) => i.request(path)));

/** Polls until no isolate has background work (regenerations, writes) left; the counts of each then. */
const settled = (isolates, what) =>
  pollUntil(() => Promise.all(isolates.map(counts)), (all) => all.every((c) => c.background === 0), {
    timeoutMs: 30_000,
    what: `background work settled (${what})`,
  });

async function revalidate(isolate, tag, profile) {
  return isolate.request("/__isr/revalidate", {
    method: "POST",
    headers: { ...AUTH, "content-type": "application/json" },
    body: JSON.stringify(profile ? { tags: [tag], profile } : { tags: [tag] }),
  });
}

/** 50 concurrent requests per isolate, all four at once (round robin); answers by isolate, each with its ms. */
async function storm(isolates, path) {
  const timed = async (isolate) => {
    const start = performance.now();
    const r = await isolate.request(path);
    r.ms = performance.now() - start;
    return r;
  };
  const sent = isolates.map(() => []);
  for (let n = 0; n < REQUESTS_PER_ISOLATE; n++) {
    isolates.forEach((isolate, i) => sent[i].push(timed(isolate)));
  }
  return Promise.all(sent.map((answers) => Promise.all(answers)));
}

/** A key cached with its tag (post-<id>), then made stale everywhere by a soft revalidation; the first answer. */
async function staleKey(isolates, kv, id) {
  const path = `/api/posts/${id}`;
  await everyIsolate(isolates, "/__harness/reset");
  const miss = await isolates[0].request(path);
  assert.equal(miss.isr, "MISS", miss.summary());
  await settled(isolates, `${path} written`);
  const r = await revalidate(isolates[1], `post-${id}`, "max");
  assert.equal(r.status, 200, r.summary());
  // The revalidation answered only once its KV copy was written: the copy is there now.
  const copy = JSON.parse(await kv.get(`__tag:post-${id}`));
  assert.equal(copy.tag, `post-${id}`);
  assert.ok(copy.stale >= miss.json().timestamp, `the KV copy holds the soft revalidation: ${JSON.stringify(copy)}`);
  await settled(isolates, "revalidation");
  await everyIsolate(isolates, "/__harness/reset");
  return { path, miss };
}

const byState = (answers) => {
  const out = {};
  for (const r of answers.flat()) out[r.isr] = (out[r.isr] ?? 0) + 1;
  return out;
};

/** Every answer 200, STALE (the old entry) or HIT (a regenerated one); at most one regeneration per isolate. */
async function assertDegraded(isolates, answers, miss, bound, label) {
  for (const r of answers.flat()) {
    assert.equal(r.status, 200, r.summary());
    assert.ok(r.isr === "STALE" || (r.isr === "HIT" && r.json().timestamp > miss.json().timestamp), r.summary());
  }
  const latencies = answers.flat().map((r) => r.ms);
  const slowest = Math.max(...latencies);
  assert.ok(slowest < bound, `${label}: slowest answer ${slowest.toFixed(0)} ms, bound ${bound.toFixed(0)} ms`);
  // Entry writes, counted exactly once all background work has settled: an isolate that answered STALE
  // regenerated once under its own dedup (no lease could be had); one that answered only HITs, not at all.
  const all = await settled(isolates, label);
  const writes = all.map((c) => c.entryPuts);
  const expected = answers.map((byIsolate) => (byIsolate.some((r) => r.isr === "STALE") ? 1 : 0));
  assert.deepEqual(writes, expected, `${label}: entry writes per isolate`);
  const median = latencies.sort((a, b) => a - b)[latencies.length >> 1];
  console.log(`# ${label}: answers ${JSON.stringify(byState(answers))}, latency median ${median.toFixed(0)} ms, ` +
    `max ${slowest.toFixed(0)} ms (bound ${bound.toFixed(0)}), entry writes per isolate ${JSON.stringify(writes)}, ` +
    `coordinator calls ${JSON.stringify(all.map((c) => c.calls))}`);
}

describe("a coordinator outage degrades, never disables, the cache (issue 23)", { timeout: 180_000 }, () => {
  let cluster;
  let bound = LATENCY_BOUND_MS;
  const logs = workerLogs();
  before(async () => {
    cluster = await startIsolatesHere(logs);
    // The healthy storm that sets the bound on this machine (see LATENCY_BOUND_MS).
    const { isolates, kv } = cluster;
    const { path } = await staleKey(isolates, kv, "outage-baseline");
    const answers = await storm(isolates, path);
    const healthy = Math.max(...answers.flat().map((r) => r.ms));
    bound = Math.min(Math.max(LATENCY_BOUND_MS, 4 * healthy), SLOW_MS / 2);
    console.log(`# healthy storm: answers ${JSON.stringify(byState(answers))}, max ${healthy.toFixed(0)} ms`);
    await settled(isolates, "healthy storm");
  });
  after(async () => {
    await cluster?.mf.dispose();
  });

  it("every coordinator call failing: 4 x 50 concurrent GETs of a stale key all answer STALE or HIT", async () => {
    const { isolates, kv } = cluster;
    const { path, miss } = await staleKey(isolates, kv, "outage-fail");
    await everyIsolate(isolates, "/__harness/coordinator?mode=fail");
    try {
      const answers = await storm(isolates, path);
      await assertDegraded(isolates, answers, miss, bound, "failing coordinator");
      const all = await Promise.all(isolates.map(counts));
      assert.ok(all.every((c) => (c.calls.tags ?? 0) >= 1), "every isolate asked the coordinator, and it failed");
      await logs.waitFor(["[isr4j]", "this isolate reads the KV copies of tag records"], { count: ISOLATES });
    } finally {
      await everyIsolate(isolates, "/__harness/coordinator?mode=ok");
    }
    // Once it answers again, each isolate switches back (asking it at most once a second meanwhile).
    await pollUntil(
      async () => {
        await everyIsolate(isolates, path);
        return logs.text().split("\n").filter((l) => l.includes("the coordinator answers again")).length;
      },
      (n) => n >= ISOLATES,
      { timeoutMs: 30_000, intervalMs: 100, what: "every isolate reading tag records from the coordinator again" },
    );
    const lines = (fragment) => logs.text().split("\n").filter((l) => l.includes(fragment)).length;
    assert.equal(lines("this isolate reads the KV copies of tag records"), ISOLATES, "one switch line per isolate");
    assert.equal(lines("the coordinator answers again"), ISOLATES, "one switch-back line per isolate");
    await settled(isolates, "after the switch back");
  });

  it(`every coordinator call taking ${SLOW_MS / 1000} s: the same storm answers without waiting for it`, async () => {
    const { isolates, kv } = cluster;
    const unread = Array.from({ length: 20 }, (_, i) => `/api/posts/outage-unread-${i}`);
    for (const p of unread) assert.equal((await isolates[0].request(p)).isr, "MISS");
    await settled(isolates, "the unread keys written");
    const { path, miss } = await staleKey(isolates, kv, "outage-slow"); // resets the counts
    await everyIsolate(isolates, `/__harness/coordinator?mode=slow&ms=${SLOW_MS}`);
    try {
      const answers = await storm(isolates, path);
      await assertDegraded(isolates, answers, miss, bound, "slow coordinator");
      // The storm's requests were all in flight before the first lookup failed, so each could pay the deadline
      // once. From then on the isolate asks at most once a second: 20 keys (cached, tags this isolate never read)
      // requested one after another cost it a lookup each in KV, and at most one a second in the coordinator.
      const isolate = isolates[3];
      const before = (await counts(isolate)).calls.tags ?? 0;
      const start = performance.now();
      for (const p of unread) {
        const r = await isolate.request(p);
        assert.equal(r.isr, "HIT", r.summary());
      }
      const elapsed = performance.now() - start;
      // The harness counts calls, and one lookup makes a call to each shard its tags fall in (at most SHARDS).
      const calls = ((await counts(isolate)).calls.tags ?? 0) - before;
      const allowed = (Math.ceil(elapsed / 1000) + 1) * SHARDS;
      console.log(`# slow coordinator: ${unread.length} lookups one after another in ${elapsed.toFixed(0)} ms made ` +
        `${calls} coordinator calls (allowed ${allowed}: a lookup a second, ${SHARDS} shards)`);
      assert.ok(calls <= allowed, `${calls} coordinator calls in ${elapsed.toFixed(0)} ms`);
    } finally {
      await everyIsolate(isolates, "/__harness/coordinator?mode=ok");
    }
  });

  it("a revalidation made while the coordinator fails is refused (retry), yet invalidates through its KV copy", async () => {
    const { isolates, kv } = cluster;
    const path = "/api/posts/outage-edit";
    const first = await isolates[0].request(path);
    assert.equal(first.isr, "MISS", first.summary());
    await settled(isolates, `${path} written`);
    const hit = await isolates[2].request(path);
    assert.equal(hit.isr, "HIT", hit.summary());
    await everyIsolate(isolates, "/__harness/coordinator?mode=fail");
    try {
      const r = await revalidate(isolates[1], "post-outage-edit");
      assert.equal(r.status, 503, `the caller is told to retry: ${r.summary()}`);
      const copy = JSON.parse(await kv.get("__tag:post-outage-edit"));
      assert.ok(copy.expired >= first.json().timestamp, `the KV copy holds it: ${JSON.stringify(copy)}`);
      await logs.waitFor(["[isr4j]", "its KV copy is written"]);
      // Isolate 2 trusts what it read for the tag cache time, then reads the tag again: from its KV copy.
      await pollUntil(() => isolates[2].request(path), (x) => x.isr === "MISS", {
        timeoutMs: 30_000,
        intervalMs: 100,
        what: "another isolate honouring the revalidation through the KV copy",
      });
      await settled(isolates, "the re-render");
    } finally {
      await everyIsolate(isolates, "/__harness/coordinator?mode=ok");
    }
  });
});
