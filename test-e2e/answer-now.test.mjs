// The answers the shim takes straight from Java's synchronous export (step: a fresh HIT, or a STALE entry whose
// regeneration then starts in the background) in workerd: the same answers as the normal path, and the export
// never traps. It must not reach a call that can suspend (TeaVM then needs a green thread it does not have
// there); when it does, the shim logs it and falls back, so these answers still look right: the log is what
// tells.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { AUTH, WITH_SECRET, pollUntil, startWorker } from "./mf.mjs";
import { workerLogs } from "./worker-logs.mjs";

const FAILED = "[isr4j] a step failed";

const SETUPS = [
  // Tag records in KV: a path's first HIT in an isolate has the shim read them for Java, then asks again.
  { name: "tag records in KV", miniflare: { durableObjects: {} } },
  // Tag records in the coordinator (as wrangler.jsonc deploys it): the full path reads them.
  { name: "tag records in the coordinator", miniflare: {} },
];

for (const setup of SETUPS) {
describe(`answers at once from the synchronous export (${setup.name})`, { timeout: 90_000 }, () => {
  let worker;
  const logs = workerLogs();
  before(async () => {
    // Regional tier off: every HIT is a KV read, which the export classifies itself.
    worker = await startWorker({ vars: { ...WITH_SECRET, ISR_REGIONAL_CACHE: "off" },
      miniflare: { ...setup.miniflare, handleRuntimeStdio: logs.handleRuntimeStdio } });
  });
  after(async () => {
    await worker?.dispose();
  });

  const noTrapLogged = () => {
    assert.ok(!logs.text().includes(FAILED), `the synchronous export trapped:\n${logs.text()}`);
  };

  it("HIT, then STALE with the old body, then the regenerated body: no trap on the way", async () => {
    const path = `/api/prices/answer-now-1-${SETUPS.indexOf(setup)}`;
    const miss = await worker.request(path);
    assert.equal(miss.headers.get("x-isr-cache"), "MISS", miss.summary());
    const first = miss.json();
    // A HIT (its tag states now read by the normal path), then repeated HITs answered at once.
    const hit = await pollUntil(() => worker.request(path), (r) => r.headers.get("x-isr-cache") === "HIT", { what: "a HIT" });
    assert.deepEqual(hit.json(), first);
    // revalidate(1): stale a second after the write; the stale answer carries the old body at once.
    const stale = await pollUntil(() => worker.request(path), (r) => r.headers.get("x-isr-cache") === "STALE",
      { what: "a STALE answer", intervalMs: 100 });
    assert.deepEqual(stale.json(), first, "STALE serves the stored body");
    assert.match(stale.headers.get("cache-control"), /s-maxage=0/);
    // Its regeneration ran in the background: a later answer is the newly rendered body.
    const renewed = await pollUntil(() => worker.request(path),
      (r) => r.status === 200 && r.json().updatedAt !== first.updatedAt, { what: "the regenerated body", intervalMs: 50 });
    assert.ok(renewed.json().updatedAt > first.updatedAt);
    noTrapLogged();
  });

  it("a revalidated tag is never answered from what was known before: hard -> MISS, soft -> STALE, then renewed", async () => {
    const path = `/api/products/answer-now-3-${SETUPS.indexOf(setup)}`;
    const revalidate = async (profile) => {
      const r = await worker.request("/__isr/revalidate", {
        method: "POST",
        headers: { ...AUTH, "content-type": "application/json" },
        body: JSON.stringify(profile ? { tags: ["products"], profile } : { tags: ["products"] }),
      });
      assert.equal(r.status, 200, r.summary());
    };
    await worker.request(path);
    const hit = await pollUntil(() => worker.request(path), (r) => r.headers.get("x-isr-cache") === "HIT", { what: "a HIT" });
    await revalidate(null);
    const after = await worker.request(path);
    assert.equal(after.headers.get("x-isr-cache"), "MISS", `hard revalidation: ${after.summary()}`);
    assert.notEqual(after.json().updatedAt, hit.json().updatedAt, "rendered again");
    const again = await pollUntil(() => worker.request(path), (r) => r.headers.get("x-isr-cache") === "HIT",
      { what: "a HIT of the new entry" });
    assert.equal(again.json().updatedAt, after.json().updatedAt);
    await revalidate("max");
    const stale = await worker.request(path);
    assert.equal(stale.headers.get("x-isr-cache"), "STALE", `soft revalidation: ${stale.summary()}`);
    assert.equal(stale.json().updatedAt, after.json().updatedAt, "the stored body, as it is");
    await pollUntil(() => worker.request(path), (r) => r.json().updatedAt !== after.json().updatedAt,
      { what: "the regenerated body", intervalMs: 50 });
    noTrapLogged();
  });

  it("conditional and HEAD requests of a cached entry: no trap", async () => {
    const path = `/api/products/answer-now-2-${SETUPS.indexOf(setup)}`;
    await worker.request(path);
    const hit = await pollUntil(() => worker.request(path), (r) => r.headers.get("x-isr-cache") === "HIT", { what: "a HIT" });
    const again = await worker.request(path, { headers: { "if-none-match": hit.headers.get("etag") } });
    assert.equal(again.status, 304, again.summary());
    const head = await worker.request(path, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("x-isr-cache"), "HIT");
    noTrapLogged();
  });
});
}
