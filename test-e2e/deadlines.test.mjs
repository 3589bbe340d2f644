// Issue 11: slow dependencies never stall a request. A KV read past ISR_KV_READ_TIMEOUT_MS counts as a miss
// (logged) and the handler answers; background work past ISR_BACKGROUND_TIMEOUT_MS is logged and let go
// before waitUntil's 30 s. The KV binding is wrapped (harness/gated-kv-harness.mjs) so that chosen reads or
// writes never settle: the only way these requests can be answered is through isr4j's deadlines.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { AUTH, WITH_SECRET, pollUntil, startWorker } from "./mf.mjs";
import { workerModules } from "./worker-modules.mjs";
import { workerLogs } from "./worker-logs.mjs";

describe("deadlines on KV reads and background work (issue 11)", { timeout: 60_000 }, () => {
  let worker;
  const logs = workerLogs();
  const gate = (query = "") => worker.request(`/__gate${query}`);
  before(async () => {
    worker = await startWorker({
      // KV only: the location's copy (regional tier) would answer before the held KV read matters.
      vars: { ...WITH_SECRET, ISR_KV_READ_TIMEOUT_MS: "1000", ISR_BACKGROUND_TIMEOUT_MS: "1500", ISR_REGIONAL_CACHE: "off" },
      miniflare: { modules: workerModules("test-e2e/harness/gated-kv-harness.mjs"), handleRuntimeStdio: logs.handleRuntimeStdio },
    });
  });
  after(async () => {
    await worker?.dispose();
  });

  it("a cached route whose entry read never returns is answered by the handler (MISS), logged", async () => {
    const path = "/api/products/deadline-1";
    assert.equal((await worker.request(path)).isr, "MISS");
    await pollUntil(() => worker.request(path), (r) => r.isr === "HIT", { what: `${path} stored` });

    await gate("?reads=cache:");
    const r = await worker.request(path);
    assert.equal(r.status, 200, r.summary());
    assert.equal(r.isr, "MISS", "the read past its deadline counts as a miss");
    assert.equal(r.json().id, "deadline-1");
    await logs.waitFor(["[isr4j]", "took longer than 1000 ms", "counted as a miss", path]);

    await gate();
    const after = await pollUntil(() => worker.request(path), (x) => x.isr === "HIT", { what: `${path} a HIT again` });
    assert.equal(after.status, 200);
  });

  it("a cache write that never settles is given up on and logged; the answer is not held", async () => {
    await gate("?writes=cache:");
    const r = await worker.request("/api/products/deadline-2");
    assert.equal(r.status, 200, r.summary());
    assert.equal(r.isr, "MISS");
    await logs.waitFor(["[isr4j]", "gave up after 1500 ms"]);
    await gate();
    assert.equal((await worker.request("/api/hello")).status, 200);
  });

  it("a handler's own KV read past the deadline fails the handler (a 500), not the isolate", async () => {
    await gate("?reads=example:");
    const r = await worker.request("/api/kv/example:slow", { headers: AUTH });
    assert.equal(r.status, 500, r.summary());
    await logs.waitFor(["handler for GET /api/kv/{key} (/api/kv/example:slow) failed", "took longer than 1000 ms"]);
    await gate();
    assert.equal((await worker.request("/api/kv/example:slow", { headers: AUTH })).status, 404);
  });
});
