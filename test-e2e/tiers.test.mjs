// Issue 15: storage tiers. A regional copy of each entry in the location's Cache API (read before KV, served
// only fresh and after the tag check), R2 for bodies past KV's value limit, and bodies that never enter Java
// on a HIT. The worker runs behind test-e2e/harness/tiers-harness.mjs, which counts every KV operation and
// reports how many body bytes crossed between Java and JS.
//
// Background writes land after the response: tests poll (KV, the Cache API, R2) with a deadline.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, pollUntil, assertBytesEqual, expectedHuge, expectedLarge, WITH_SECRET, AUTH } from "./mf.mjs";
import { workerModules } from "./worker-modules.mjs";
import { Response as MiniflareResponse } from "miniflare";

const HARNESS = { modules: workerModules("test-e2e/harness/tiers-harness.mjs") };
const MIB = 1 << 20;
const HUGE = 30 * MIB;

/** The regional key of a route path, written out independently of the Java code. */
function regionalUrl(path) {
  const encode = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `https://isr4j.internal/${encode(`cache/app:${path}:route`)}`;
}

async function ops(worker, { reset = false } = {}) {
  return (await worker.request(`/__harness/ops${reset ? "?reset=1" : ""}`)).json();
}

async function regionalCopy(worker, path) {
  const caches = await worker.mf.getCaches();
  const r = await caches.default.match(regionalUrl(path));
  if (!r) return null;
  const header = JSON.parse(decodeURIComponent(r.headers.get("x-isr4j-entry")));
  const body = Buffer.from(await r.arrayBuffer());
  return { header, body, toString: () => `copy of ${path}: ${JSON.stringify(header)}` };
}

function revalidate(worker, body) {
  return worker.request("/__isr/revalidate", {
    method: "POST",
    headers: { ...AUTH, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** The headers a client can tell apart; Age may tick between two answers. */
function comparable(headers) {
  return Object.fromEntries([...headers].filter(([name]) => name !== "age"));
}

const entryReads = (report) => report.ops.filter(([m]) => m === "getWithMetadata");

describe("regional tier: a copy in the location's cache, read before KV", { timeout: 90_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker({ vars: WITH_SECRET, miniflare: HARNESS });
  });
  after(() => worker?.dispose());

  /** MISS, then wait for the regional copy the MISS write leaves. */
  async function warm(path) {
    const miss = await worker.request(path);
    assert.equal(miss.isr, "MISS", miss.summary());
    await pollUntil(() => regionalCopy(worker, path), (c) => c !== null, { what: `regional copy of ${path}` });
    return miss;
  }

  it("a warm HIT makes zero KV operations; the copy is the KV entry, kept no longer than it stays fresh", async () => {
    const miss = await warm("/api/posts/warm");
    const copy = await regionalCopy(worker, "/api/posts/warm");
    const kv = await worker.kv.getWithMetadata("cache:app:/api/posts/warm:route", "arrayBuffer");
    assert.deepEqual(copy.header, kv.metadata, "the copy carries the KV metadata as is");
    assertBytesEqual(copy.body, Buffer.from(kv.value), "copy body");
    const caches = await worker.mf.getCaches();
    const raw = await caches.default.match(regionalUrl("/api/posts/warm"));
    assert.equal(raw.headers.get("cache-control"), "max-age=60", "lifetime = the route's revalidate (60 s)");
    await raw.arrayBuffer();

    // The first HIT may read the entry's tag records (this isolate's tag cache is cold); after that, nothing.
    await worker.request("/api/posts/warm");
    let zero = null;
    for (let attempt = 0; attempt < 3 && zero === null; attempt++) {
      await ops(worker, { reset: true });
      const hit = await worker.request("/api/posts/warm");
      assert.equal(hit.isr, "HIT", hit.summary());
      assert.equal(hit.text, miss.text, "the stored body");
      const report = await ops(worker);
      assert.deepEqual(entryReads(report), [], "a regional HIT never reads the KV entry");
      for (const [method, key] of report.ops) {
        assert.ok(method === "get" && key.startsWith("__tag:"), `only tag records may be read: ${method} ${key}`);
      }
      if (report.ops.length === 0) zero = report;
    }
    assert.ok(zero, "a HIT right after another made KV operations in three attempts");
  });

  it("a regional HIT answers with exactly the headers and bytes of a KV HIT", async () => {
    await warm("/api/posts/same");
    const fromRegion = await worker.request("/api/posts/same");
    assert.equal(fromRegion.isr, "HIT");
    const caches = await worker.mf.getCaches();
    assert.ok(await caches.default.delete(regionalUrl("/api/posts/same")), "the copy existed");
    await ops(worker, { reset: true });
    const fromKv = await worker.request("/api/posts/same");
    assert.equal(entryReads(await ops(worker)).length, 1, "without the copy, KV answers");
    assert.deepEqual(comparable(fromRegion.headers), comparable(fromKv.headers));
    assertBytesEqual(fromRegion.bytes, fromKv.bytes);
    // and that KV HIT copied the entry back to the region
    await pollUntil(() => regionalCopy(worker, "/api/posts/same"), (c) => c !== null, { what: "copy refilled" });
  });

  it("hard tag invalidation reaches the copy: the next GET is a MISS", async () => {
    const first = (await warm("/api/posts/hard")).json();
    const r = await revalidate(worker, { tags: ["post-hard"] });
    assert.equal(r.status, 200, r.summary());
    assert.ok(await regionalCopy(worker, "/api/posts/hard"), "the copy is still in the cache");
    const after = await worker.request("/api/posts/hard");
    assert.equal(after.isr, "MISS", after.summary());
    assert.notEqual(after.json().timestamp, first.timestamp);
  });

  it("soft invalidation reaches the copy: STALE once, then the regeneration refreshes the copy", async () => {
    await warm("/api/posts/soft");
    const before = await regionalCopy(worker, "/api/posts/soft");
    const r = await revalidate(worker, { tags: ["post-soft"], profile: "max" });
    assert.equal(r.status, 200, r.summary());
    const stale = await worker.request("/api/posts/soft");
    assert.equal(stale.isr, "STALE", stale.summary());
    const copy = await pollUntil(() => regionalCopy(worker, "/api/posts/soft"), (c) => c && c.header.lm > before.header.lm,
      { what: "the regeneration's copy" });
    const hit = await worker.request("/api/posts/soft");
    assert.equal(hit.isr, "HIT", hit.summary());
    assert.equal(hit.headers.get("etag"), copy.header.h.find(([n]) => n === "etag")[1]);
  });

  it("path and layout invalidation reach the copy", async () => {
    await warm("/api/posts/layout");
    let r = await revalidate(worker, { paths: ["/api/posts"], type: "layout" });
    assert.equal(r.status, 200, r.summary());
    assert.equal((await worker.request("/api/posts/layout")).isr, "MISS");
    await pollUntil(() => worker.request("/api/posts/layout"), (h) => h.isr === "HIT", { what: "HIT again" });
    r = await revalidate(worker, { paths: ["/api/posts/layout"] });
    assert.equal(r.status, 200, r.summary());
    assert.equal((await worker.request("/api/posts/layout")).isr, "MISS");
  });

  it("a garbled or foreign copy is a regional miss that KV answers, never a 5xx", async () => {
    const miss = await warm("/api/posts/hostile");
    const caches = await worker.mf.getCaches();
    const good = await regionalCopy(worker, "/api/posts/hostile");
    const foreign = encodeURIComponent(JSON.stringify({ ...good.header, id: "app:/api/posts/other:route" }));
    for (const header of ["%E0%A4%A", "null", encodeURIComponent('{"v":2,"k":"route"}'), foreign]) {
      await caches.default.put(regionalUrl("/api/posts/hostile"),
        new MiniflareResponse("evil", { headers: { "cache-control": "max-age=600", "x-isr4j-entry": header } }));
      await ops(worker, { reset: true });
      const r = await worker.request("/api/posts/hostile");
      assert.equal(r.status, 200, r.summary());
      assert.equal(r.isr, "HIT", r.summary());
      assert.equal(r.text, miss.text, `copy header ${header}: KV's entry is served`);
      assert.equal(entryReads(await ops(worker)).length, 1);
    }
  });
});

describe("regional tier off (ISR_REGIONAL_CACHE=off)", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker({ vars: { ...WITH_SECRET, ISR_REGIONAL_CACHE: "off" }, miniflare: HARNESS });
  });
  after(() => worker?.dispose());

  it("every HIT reads KV and no copy is made", async () => {
    assert.equal((await worker.request("/api/posts/off")).isr, "MISS");
    await pollUntil(() => worker.request("/api/posts/off"), (r) => r.isr === "HIT", { what: "HIT" });
    await ops(worker, { reset: true });
    assert.equal((await worker.request("/api/posts/off")).isr, "HIT");
    assert.equal(entryReads(await ops(worker)).length, 1);
    assert.equal(await regionalCopy(worker, "/api/posts/off"), null);
  });
});

describe("R2 for bodies past KV's limit: /api/huge (30 MiB)", { timeout: 180_000 }, () => {
  let worker;
  let r2;
  const expected = expectedHuge();
  before(async () => {
    worker = await startWorker({ vars: WITH_SECRET, miniflare: HARNESS });
    r2 = await worker.mf.getR2Bucket("CACHE_R2");
  });
  after(() => worker?.dispose());

  const objects = async () => (await r2.list({ prefix: "cache-body/" })).objects.map((o) => o.key).sort();
  const pointer = async () => (await worker.kv.getWithMetadata("cache:app:/api/huge:route", "arrayBuffer"));

  it("MISS -> HIT -> STALE -> HIT with identical bytes; KV holds a pointer, R2 the body", async () => {
    await ops(worker, { reset: true });
    const miss = await worker.request("/api/huge");
    assert.equal(miss.isr, "MISS", miss.summary());
    assertBytesEqual(miss.bytes, expected, "MISS body");
    const stored = await pollUntil(pointer, (p) => p.value !== null, { what: "the KV pointer", timeoutMs: 30_000 });
    assert.equal(stored.value.byteLength, 0, "no body bytes in KV");
    assert.equal(stored.metadata.v, 3);
    assert.equal(stored.metadata.bn, HUGE);
    assert.deepEqual(await objects(), [stored.metadata.bo]);
    const object = await r2.get(stored.metadata.bo);
    assert.deepEqual(object.customMetadata, { id: "app:/api/huge:route", lm: String(stored.metadata.lm) });
    await object.arrayBuffer();
    assert.equal((await ops(worker, { reset: true })).copied, HUGE, "the MISS body crossed from Java to JS once");

    const hit = await worker.request("/api/huge");
    assert.equal(hit.isr, "HIT", hit.summary());
    assertBytesEqual(hit.bytes, expected, "HIT body");
    assert.equal(hit.headers.get("etag"), miss.headers.get("etag"));
    assert.equal(hit.headers.get("content-length"), String(HUGE));
    assert.equal((await ops(worker, { reset: true })).copied, 0, "a HIT from R2 copies nothing into Java");

    const soft = await revalidate(worker, { paths: ["/api/huge"], profile: "max" });
    assert.equal(soft.status, 200, soft.summary());
    const stale = await worker.request("/api/huge");
    assert.equal(stale.isr, "STALE", stale.summary());
    assertBytesEqual(stale.bytes, expected, "STALE body");
    const next = await pollUntil(pointer, (p) => p.metadata.bo !== stored.metadata.bo,
      { what: "the regeneration's pointer", timeoutMs: 30_000 });
    assert.equal(next.metadata.bp, stored.metadata.bo, "the new entry names the object it replaced");
    const again = await pollUntil(() => worker.request("/api/huge"), (r) => r.isr === "HIT", { what: "HIT", timeoutMs: 30_000 });
    assertBytesEqual(again.bytes, expected, "HIT after regeneration");
  });

  it("invalidations never leave more than the current object and the one before it", async () => {
    for (let i = 0; i < 2; i++) {
      const before = await pointer();
      const hard = await revalidate(worker, { paths: ["/api/huge"] });
      assert.equal(hard.status, 200, hard.summary());
      const miss = await worker.request("/api/huge");
      assert.equal(miss.isr, "MISS", miss.summary());
      const now = await pollUntil(pointer, (p) => p.metadata.bo !== before.metadata.bo,
        { what: "the new pointer", timeoutMs: 30_000 });
      await pollUntil(objects, (keys) => keys.length === 2, { what: "two objects", timeoutMs: 30_000 });
      assert.deepEqual(await objects(), [now.metadata.bo, before.metadata.bo].sort());
    }
  });
});

describe("R2: a failed KV write leaves no object behind", { timeout: 120_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker({ vars: WITH_SECRET, miniflare: HARNESS });
  });
  after(() => worker?.dispose());

  it("the object written first is deleted when the KV pointer cannot be written", async () => {
    const r2 = await worker.mf.getR2Bucket("CACHE_R2");
    await worker.request("/__harness/fail-kv-puts?on=1");
    const miss = await worker.request("/api/huge");
    assert.equal(miss.isr, "MISS", miss.summary());
    assert.equal(miss.bytes.length, HUGE);
    await pollUntil(() => ops(worker), (r) => r.ops.some(([m, k]) => m === "put" && k === "cache:app:/api/huge:route"),
      { what: "the KV put attempt (after the R2 put)", timeoutMs: 30_000 });
    await pollUntil(async () => (await r2.list()).objects.length, (n) => n === 0, { what: "no R2 object", timeoutMs: 30_000 });
    assert.equal((await worker.kv.getWithMetadata("cache:app:/api/huge:route")).value, null);
    await worker.request("/__harness/fail-kv-puts?on=0");
    assert.equal((await worker.request("/api/huge")).isr, "MISS", "nothing was cached");
  });
});

describe("bodies on a HIT never enter Java", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker({ vars: WITH_SECRET, miniflare: HARNESS });
  });
  after(() => worker?.dispose());

  it("1 MiB: the MISS copies it once, a KV HIT and a regional HIT copy nothing", async () => {
    await ops(worker, { reset: true });
    assert.equal((await worker.request("/api/large")).isr, "MISS");
    await pollUntil(() => regionalCopy(worker, "/api/large"), (c) => c !== null, { what: "regional copy" });
    assert.equal((await ops(worker, { reset: true })).copied, MIB);
    const regionalHit = await worker.request("/api/large");
    assertBytesEqual(regionalHit.bytes, expectedLarge());
    assert.equal((await ops(worker, { reset: true })).copied, 0, "regional HIT");
    const caches = await worker.mf.getCaches();
    await caches.default.delete(regionalUrl("/api/large"));
    const kvHit = await worker.request("/api/large");
    assert.equal(kvHit.isr, "HIT");
    assertBytesEqual(kvHit.bytes, expectedLarge());
    const report = await ops(worker, { reset: true });
    assert.equal(entryReads(report).length, 1, "from KV");
    assert.equal(report.copied, 0, "KV HIT");
  });
});
