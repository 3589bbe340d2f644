// Issue 11: a client-chosen Host never reaches a cached body. /api/self-link (cached, FailureRoutes.java)
// answers with req.url(). Without ISR_ORIGIN reading the URL makes the answer dynamic (never cached);
// with ISR_ORIGIN every client sees the canonical origin and the answer is cached as usual.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { pollUntil, readResponse, startWorker } from "./mf.mjs";

const get = async (worker, url) => readResponse(await worker.mf.dispatchFetch(url));

describe("Host reflection (issue 11)", { timeout: 60_000 }, () => {
  const workers = [];
  after(async () => {
    for (const w of workers) await w.dispose();
  });

  it("without ISR_ORIGIN: each Host sees only itself; the answer is not cached", async () => {
    const worker = await startWorker();
    workers.push(worker);
    const evil = await get(worker, "http://evil.example/api/self-link");
    assert.equal(evil.status, 200, evil.summary());
    assert.equal(evil.json().self, "http://evil.example/api/self-link");
    for (let i = 0; i < 2; i++) {
      const honest = await get(worker, "http://www.example.com/api/self-link");
      assert.equal(honest.json().self, "http://www.example.com/api/self-link", honest.summary());
      assert.notEqual(honest.isr, "HIT", honest.summary());
    }
  });

  it("with ISR_ORIGIN: every Host sees the canonical origin, and the second request is a HIT", async () => {
    const worker = await startWorker({ vars: { ISR_ORIGIN: "https://www.example.com" } });
    workers.push(worker);
    const first = await get(worker, "http://evil.example/api/self-link");
    assert.equal(first.json().self, "https://www.example.com/api/self-link", first.summary());
    assert.equal(first.isr, "MISS");
    // The MISS is written in the background: poll until it has landed (not for a number of requests).
    const second = await pollUntil(() => get(worker, "http://other.example/api/self-link"), (r) => r.isr === "HIT", {
      what: "a HIT for another Host",
    });
    assert.equal(second.json().self, "https://www.example.com/api/self-link");
  });
});
