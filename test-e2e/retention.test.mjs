// What a request leaves reachable after its answer was sent. A Response holds its body outside V8's heap, so
// one that outlives its request is only freed by a full GC, which that memory never prompts: a 1 MiB HIT then
// costs a fresh megabyte of process memory per request. Young-generation GCs must free every answered
// Response. (It once did not: workerd keeps a queueMicrotask callback reachable until a full GC, and the shim
// started each request's Java thread with one.)
//
// workerd runs V8 with --expose-gc here (MINIFLARE_WORKERD_V8_FLAGS, read when Miniflare starts workerd; node's
// test runner gives every test file its own process), so the harness can run minor GCs on request.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, pollUntil } from "./mf.mjs";
import { workerModules } from "./worker-modules.mjs";

process.env.MINIFLARE_WORKERD_V8_FLAGS = "--expose-gc";

const HARNESS = { modules: workerModules("test-e2e/harness/retention-harness.mjs") };
const REQUESTS = 40;

describe("answered Responses do not outlive their requests", { timeout: 120_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker({ vars: { ISR_REGIONAL_CACHE: "off" }, miniflare: HARNESS });
  });
  after(async () => {
    await worker?.dispose();
  });

  for (const [what, path] of [["1 MiB HIT", "/api/large"], ["small HIT", "/api/products/1"]]) {
    it(`${what} (${path}): minor GCs free every Response sent`, async () => {
      await pollUntil(() => worker.request(path), (r) => r.isr === "HIT", { what: `HIT on ${path}` });
      const before = await (await worker.request("/__retention")).json();
      for (let i = 0; i < REQUESTS; i++) {
        const r = await worker.request(path);
        assert.equal(r.isr, "HIT", `request ${i} on ${path}: ${r.summary()}`);
      }
      const after = await (await worker.request("/__retention")).json();
      assert.equal(after.answered - before.answered, REQUESTS);
      // The latest answer or two may still be on their way out (2 here); the rest must be gone.
      assert.ok(after.live <= 3, `${after.live} of ${after.answered} Responses still reachable after minor GCs`);
    });
  }
});
