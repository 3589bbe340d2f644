// Cloudflare's Workers Cache in front of isr4j, revalidated by isr4j (issue 27, item 0; docs/workers-cache.md).
// workerd gives a Worker no ctx.cache locally, so the harness (harness/workers-cache-harness.mjs) puts a small
// RFC 9111 shared cache in front of the worker and hands the worker a ctx.cache that acts on it and records every
// call. Background work (isr4j's purge after a revalidation, the edge's revalidation of a stale entry) is awaited by
// polling what the harness recorded, and the regeneration after a soft revalidation is held at its KV write by the
// gated KV harness behind it: nothing here races the wall clock.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startGatedWorker, pollUntil, WITH_SECRET, AUTH } from "./mf.mjs";
import { workerLogs } from "./worker-logs.mjs";
import { workerModules } from "./worker-modules.mjs";

/** The front cache's harness, in front of the gated KV harness (whose /__gate controls worker.gate drives). */
const MODULES = workerModules("test-e2e/harness/workers-cache-harness.mjs", "test-e2e/harness/gated-kv-harness.mjs");

describe("Workers Cache in front of isr4j (an RFC 9111 cache and a recording ctx.cache)", { timeout: 180_000 }, () => {
  let worker;
  let logs;
  before(async () => {
    logs = workerLogs();
    worker = await startGatedWorker({
      vars: WITH_SECRET,
      miniflare: { modules: MODULES, handleRuntimeStdio: logs.handleRuntimeStdio },
    });
  });
  after(async () => {
    await worker?.dispose();
  });

  const front = async () => (await worker.request("/__front/state")).json();
  const invocationsOf = async (path) => (await front()).invocations.filter((i) => i.path === path);
  const callsFor = (state, tag) => state.calls.filter((c) => c.what?.tags?.includes(tag));
  const untilCalls = (tag, n = 1) =>
    pollUntil(front, (s) => callsFor(s, tag).length >= n, { what: `${n} ctx.cache call(s) for ${tag}` });
  const storedInKv = (path) =>
    pollUntil(() => worker.kv.get(`cache:app:${path}:route`), (v) => v !== null, { what: `${path}'s entry in KV` });
  const revalidate = (body) => worker.request("/__isr/revalidate", {
    method: "POST",
    headers: { ...AUTH, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const frontState = (r) => r.headers.get("x-front-cache");

  it("a hot HIT is answered by the front cache: the worker runs 0 times", async () => {
    const path = "/api/posts/wc-hot";
    const first = await worker.request(path);
    assert.equal(first.status, 200, first.summary());
    assert.equal(frontState(first), "MISS");
    assert.equal(first.isr, "MISS");
    assert.match(first.headers.get("cache-control"), /^s-maxage=60, stale-while-revalidate=\d+$/,
      "storable by a shared cache (s-maxage), not by a browser");
    assert.equal((await invocationsOf(path)).length, 1);
    for (let i = 0; i < 20; i++) {
      const hit = await worker.request(path);
      assert.equal(hit.status, 200, hit.summary());
      assert.equal(frontState(hit), "HIT", hit.summary());
      assert.equal(hit.text, first.text);
      assert.equal(hit.isr, "MISS", "x-isr-cache is the stored answer's: the edge answered, isr4j did not run");
    }
    assert.equal((await invocationsOf(path)).length, 1, "20 HITs at the edge, 0 more invocations");

    // What isr4j does not cache, the front cache does not store either.
    for (let i = 0; i < 2; i++) assert.equal(frontState(await worker.request("/api/hello")), "MISS");
    assert.equal((await invocationsOf("/api/hello")).length, 2);
  });

  it("a page revalidated by tag (hard) is fresh on the next request through the front cache", async () => {
    const path = "/api/posts/wc-hard";
    const first = await worker.request(path);
    await storedInKv(path); // else the next render would be a MISS in isr4j whether or not the tag was revalidated
    assert.equal(frontState(await worker.request(path)), "HIT");

    const r = await revalidate({ tags: ["post-wc-hard"] });
    assert.equal(r.status, 200, r.summary());
    const state = await untilCalls("post-wc-hard");
    assert.deepEqual(callsFor(state, "post-wc-hard"),
      [{ method: "purge", what: { tags: ["post-wc-hard"] }, failed: false }], "hard: purged, by the tag itself");

    const next = await worker.request(path);
    assert.equal(frontState(next), "MISS", next.summary());
    assert.equal(next.isr, "MISS", "rendered again by isr4j");
    assert.ok(next.json().timestamp > first.json().timestamp, `${next.text} after ${first.text}`);
    assert.equal((await invocationsOf(path)).length, 2);
  });

  it("path and layout revalidations purge the path's and the layout's tag, which the stored answers carry", async () => {
    const [a, b] = ["/api/long/wc/a", "/api/long/wc/b"];
    for (const p of [a, b]) {
      const r = await worker.request(p);
      assert.ok(r.headers.get("cache-tag").split(",").includes("layout:/api/long/wc"), r.summary());
    }
    const page = await worker.request(`/api/revalidate-path?path=${encodeURIComponent(a)}`, { method: "POST", headers: AUTH });
    assert.equal(page.status, 200, page.summary());
    assert.deepEqual(callsFor(await untilCalls(`path:${a}`), `path:${a}`),
      [{ method: "purge", what: { tags: [`path:${a}`] }, failed: false }]);
    assert.equal(frontState(await worker.request(a)), "MISS");
    assert.equal(frontState(await worker.request(b)), "HIT", "another path keeps its copy");

    const layout = await worker.request("/api/revalidate-path?path=/api/long/wc&type=layout", { method: "POST", headers: AUTH });
    assert.equal(layout.status, 200, layout.summary());
    assert.deepEqual(callsFor(await untilCalls("layout:/api/long/wc"), "layout:/api/long/wc"),
      [{ method: "purge", what: { tags: ["layout:/api/long/wc"] }, failed: false }]);
    for (const p of [a, b]) assert.equal(frontState(await worker.request(p)), "MISS", `${p} below the layout`);
  });

  it("after a soft revalidation the edge's conditional request gets a 304 at once, and the edge keeps its body until the new one is ready", async () => {
    const path = "/api/posts/wc-soft";
    const key = `cache:app:${path}:route`;
    const first = await worker.request(path);
    const etag = first.headers.get("etag");
    assert.ok(etag, first.summary());
    await storedInKv(path);
    await worker.gate.hold({ writes: key }); // the regeneration will render, then wait to write

    const r = await revalidate({ tags: ["post-wc-soft"], profile: "max" });
    assert.equal(r.status, 200, r.summary());
    assert.deepEqual(callsFor(await untilCalls("post-wc-soft"), "post-wc-soft"),
      [{ method: "invalidate", what: { tags: ["post-wc-soft"] }, failed: false }], "soft: marked stale, not purged");

    // Marked stale: the edge serves its copy and asks isr4j in the background, with the ETag it holds.
    const stale = await worker.request(path);
    assert.equal(frontState(stale), "STALE", stale.summary());
    assert.equal(stale.text, first.text);
    const asked = await pollUntil(() => invocationsOf(path), (l) => l.some((i) => i.kind === "background" && i.status !== null),
      { what: "the edge's conditional request answered" });
    const conditional = asked.find((i) => i.kind === "background");
    assert.equal(conditional.ifNoneMatch, etag);
    assert.equal(conditional.status, 304, "isr4j answers the validator it issued with a 304");
    assert.equal(conditional.isr, "STALE");
    const held = await worker.gate.waitForHeld(1);
    assert.deepEqual(held.held, [["put", key]], "the 304 did not wait for the regeneration, which waits to write");

    // Until the regenerated entry is written, the edge keeps serving its body; isr4j keeps answering 304.
    for (let i = 0; i < 3; i++) {
      const again = await worker.request(path);
      assert.equal(again.status, 200, again.summary());
      assert.equal(again.text, first.text, "the edge's body");
    }
    const whileHeld = (await invocationsOf(path)).filter((i) => i.kind === "background" && i.status !== null);
    assert.ok(whileHeld.every((i) => i.status === 304 && i.ifNoneMatch === etag), JSON.stringify(whileHeld));

    await worker.gate.release();
    const seen = new Set();
    const fresh = await pollUntil(async () => {
      const next = await worker.request(path);
      assert.equal(next.status, 200, next.summary());
      seen.add(next.text);
      return next;
    }, (next) => frontState(next) === "HIT" && next.text !== first.text, { what: "the regenerated body at the edge" });
    assert.ok(fresh.json().timestamp > first.json().timestamp, `${fresh.text} after ${first.text}`);
    assert.equal(fresh.isr, "HIT", "stored from isr4j's HIT of the regenerated entry");
    assert.deepEqual([...seen].filter((t) => t !== first.text && t !== fresh.text), [], "only the old body, then the new");

    const all = await invocationsOf(path);
    const refreshed = all.find((i) => i.status === 200 && i.kind === "background");
    assert.ok(refreshed, JSON.stringify(all));
    assert.equal(refreshed.ifNoneMatch, etag);
    assert.notEqual(refreshed.etag, etag, "the new body comes with a new ETag");
    assert.deepEqual(all.filter((i) => i.kind !== "background").map((i) => i.kind), ["miss"],
      "after the first MISS the edge only ever revalidated in the background: no visitor waited");
  });

  for (const [mode, profile, verb, calls] of [
    ["throw", undefined, "purge", "purge"],
    ["reject", "max", "mark stale", "invalidate"],
  ]) {
    it(`a ctx.cache whose calls ${mode === "throw" ? "throw" : "reject"} fails nothing: the ${profile ? "soft" : "hard"} revalidation is stored, the failure logged`, async () => {
      const path = `/api/posts/wc-${mode}`;
      const tag = `post-wc-${mode}`;
      const first = await worker.request(path);
      await storedInKv(path);
      await worker.request(`/__front/fail?mode=${mode}`);
      try {
        const r = await revalidate(profile ? { tags: [tag], profile } : { tags: [tag] });
        assert.equal(r.status, 200, r.summary());
        const state = await untilCalls(tag, 3);
        const attempts = callsFor(state, tag);
        assert.deepEqual(attempts.map((c) => [c.method, c.failed]), [[calls, true], [calls, true], [calls, true]],
          "three attempts, then given up");
        await logs.waitFor([`could not ${verb} Cache-Tag [${tag}] in the Workers Cache (3 attempts)`]);

        // isr4j's own cache was revalidated all the same ...
        const direct = await worker.request(path, { headers: { "x-front-bypass": "1" } });
        assert.equal(direct.status, 200, direct.summary());
        assert.equal(direct.isr, profile ? "STALE" : "MISS", direct.summary());
        // ... while the edge, which the call did not reach, keeps its copy until its s-maxage ends.
        const edge = await worker.request(path);
        assert.equal(frontState(edge), "HIT", edge.summary());
        assert.equal(edge.text, first.text);
      } finally {
        await worker.request("/__front/fail?mode=");
      }
    });
  }
});
