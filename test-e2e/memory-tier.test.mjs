// The isolate memory tier in workerd: Java issues a ticket with an answer from the cache, and the shim replays that
// answer for requests of the same shape until the ticket's time, reading no store and calling no Java. A replay is
// recognised by what the isolate did (harness/isolate-harness.mjs counts its entry reads: a replay makes none).
// - conformance: for each kind of request, a replay equals the answer Java gives for it (another isolate with the
//   tier off, reading the same entry), byte for byte, Age within its second;
// - a revalidation in this isolate is honoured by the very next request; one made through another isolate within
//   the bound that holds without the tier (the tag cache's window).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { AUTH, pollUntil } from "./mf.mjs";
import { counts, startIsolates } from "./isolates.mjs";

const entryReads = async (isolate) => (await counts(isolate)).entryReads;

/** Sends the request to `isolate` until an answer comes without reading an entry (a replay); that answer. */
async function replayed(isolate, path, init, tries = 8) {
  for (let i = 0; i < tries; i++) {
    const before = await entryReads(isolate);
    const r = await isolate.request(path, init);
    if ((await entryReads(isolate)) === before) return r;
  }
  return null;
}

const seconds = (r, name, pattern = /^(\d+)$/) => {
  const m = pattern.exec(r.headers.get(name) ?? "");
  return m === null ? null : Number(m[1]);
};
const ttl = (r) => seconds(r, "cache-status", /ttl=(-?\d+)$/);

/** The answers are the same: status, body bytes, every field but Age and the ttl, which match within a second. */
function assertSameAnswer(replay, java, what) {
  assert.equal(replay.status, java.status, what);
  assert.deepEqual(replay.bytes, java.bytes, `${what}: body`);
  const fields = (r) => [...r.headers].filter(([name]) => name !== "age" && name !== "cache-status");
  assert.deepEqual(fields(replay), fields(java), `${what}: fields`);
  assert.equal(replay.headers.has("age"), java.headers.has("age"), `${what}: Age sent alike`);
  if (java.headers.has("age")) {
    assert.ok(Math.abs(seconds(replay, "age") - seconds(java, "age")) <= 1, `${what}: Age ${seconds(replay, "age")} vs ${seconds(java, "age")}`);
  }
  assert.equal(replay.headers.has("cache-status"), java.headers.has("cache-status"), `${what}: Cache-Status sent alike`);
  if (java.headers.has("cache-status")) {
    assert.equal(replay.headers.get("cache-status").replace(/\d+$/, ""), java.headers.get("cache-status").replace(/\d+$/, ""));
    assert.equal(ttl(replay) + seconds(replay, "age"), ttl(java) + seconds(java, "age"), `${what}: ttl counts down with Age`);
  }
}

describe("the isolate memory tier: a replay is Java's answer", { timeout: 180_000 }, () => {
  let cluster;
  let tier;
  let java;
  before(async () => {
    // Tag states trusted for a minute: tickets outlive the slowest test machine's steps. Isolate 1 has the tier off:
    // every answer it gives is Java's.
    cluster = await startIsolates({ count: 2, vars: { ISR_COORDINATOR_TAG_CACHE_MS: "60000" },
      isolateVars: [{}, { ISR_MEMORY_TIER: "off" }] });
    [tier, java] = cluster.isolates;
  });
  after(async () => {
    await cluster?.mf.dispose();
  });

  it("replays a HIT for every kind of request that fits, equal to Java's answer for it", async () => {
    const plain = await tier.request("/api/products/mt-1");
    assert.equal(plain.status, 200, plain.summary());
    const first = await replayed(tier, "/api/products/mt-1");
    assert.ok(first !== null, "a GET of a fresh entry is replayed within a few requests");
    const etag = first.headers.get("etag");
    const lastModified = first.headers.get("last-modified");
    const kinds = [
      ["GET", "/api/products/mt-1", {}],
      ["HEAD", "/api/products/mt-1", { method: "HEAD" }],
      ["a query the route ignores", "/api/products/mt-1?utm=x", {}],
      ["If-None-Match, matching (304)", "/api/products/mt-1", { headers: { "if-none-match": etag } }],
      ["If-None-Match, not matching", "/api/products/mt-1", { headers: { "if-none-match": "\"other\"" } }],
      ["If-Modified-Since (304)", "/api/products/mt-1", { headers: { "if-modified-since": lastModified } }],
      ["binary body", "/api/binary", {}],
      ["a page", "/products/mt-page", { headers: { accept: "text/html" } }],
      ["a FORCE_STATIC route", "/api/static-config", {}],
    ];
    for (const [what, path, init] of kinds) {
      // Its entry written (a page with a fallback renders in the background) and served from the cache.
      await pollUntil(() => tier.request(path, init), (r) => /^(HIT|STATIC)$/.test(r.headers.get("x-isr-cache") ?? ""),
        { what: `${what}: an answer from the cache` });
      const replay = await replayed(tier, path, init);
      assert.ok(replay !== null, `${what}: replayed`);
      assert.match(replay.headers.get("x-isr-cache") ?? "", /^(HIT|STATIC)$/, `${what}: ${replay.summary()}`);
      const again = await replayed(tier, path, init, 1);
      assert.ok(again !== null, `${what}: replayed again, without reading`);
      const javaAnswer = await java.request(path, init);
      assertSameAnswer(again, javaAnswer, what);
    }
  });

  it("never replays what has no ticket: a render that read the query, a MISS, a POST, the data route", async () => {
    for (const [what, path, init] of [
      ["a render that read the query", "/api/query-data?q=1", {}],
      ["a page's data route", "/_isr/data/products/mt-page.json", {}],
      ["a cookie", "/api/with-cookie", {}],
    ]) {
      await tier.request(path, init);
      await tier.request(path, init);
      const before = await counts(tier);
      await tier.request(path, init);
      const afterCounts = await counts(tier);
      assert.ok(afterCounts.entryReads > before.entryReads || afterCounts.entryPuts > before.entryPuts
        || (await tier.request(path, init)).headers.get("x-isr-cache") === null, `${what}: reached Java`);
    }
  });

  it("a revalidation in this isolate is honoured by the very next request, hard or soft", async () => {
    const path = "/api/products/mt-revalidate";
    await tier.request(path);
    const old = await replayed(tier, path);
    assert.ok(old !== null, "replayed before the revalidation");
    const revalidate = async (body) => {
      const r = await tier.request("/__isr/revalidate", {
        method: "POST", headers: { ...AUTH, "content-type": "application/json" }, body: JSON.stringify(body),
      });
      assert.equal(r.status, 200, r.summary());
    };
    await revalidate({ tags: ["products"] });
    const next = await tier.request(path);
    assert.equal(next.headers.get("x-isr-cache"), "MISS", `hard: ${next.summary()}`);
    assert.notDeepEqual(next.bytes, old.bytes, "rendered again");
    const hit = await replayed(tier, path);
    assert.ok(hit !== null);
    await revalidate({ tags: ["products"], profile: "max" });
    const stale = await tier.request(path);
    assert.equal(stale.headers.get("x-isr-cache"), "STALE", `soft: ${stale.summary()}`);
    // And a path revalidation: the next answer is not the replayed one.
    const renewed = await replayed(tier, path, {}, 12);
    assert.ok(renewed !== null);
    await revalidate({ paths: [path] });
    assert.equal((await tier.request(path)).headers.get("x-isr-cache"), "MISS", "path revalidation");
  });
});

describe("the isolate memory tier: another isolate's revalidation", { timeout: 120_000 }, () => {
  const WINDOW_MS = 2_000;
  let cluster;
  before(async () => {
    cluster = await startIsolates({ count: 2, vars: { ISR_COORDINATOR_TAG_CACHE_MS: String(WINDOW_MS) } });
  });
  after(async () => {
    await cluster?.mf.dispose();
  });

  it("is honoured within the tag cache's window, as without the tier", async () => {
    const [tier, other] = cluster.isolates;
    const path = "/api/products/mt-cross";
    await tier.request(path);
    const old = await replayed(tier, path);
    assert.ok(old !== null, "replayed before the revalidation");
    const r = await other.request("/__isr/revalidate", {
      method: "POST", headers: { ...AUTH, "content-type": "application/json" }, body: JSON.stringify({ tags: ["products"] }),
    });
    assert.equal(r.status, 200, r.summary());
    const revalidatedAt = Date.now();
    // What this isolate knew of the tag was read before the revalidation, so it is trusted until at most
    // revalidatedAt + WINDOW_MS; from then on no ticket may still hold.
    while (Date.now() < revalidatedAt + WINDOW_MS + 50) await new Promise((resolve) => setTimeout(resolve, 50));
    const next = await tier.request(path);
    assert.notDeepEqual(next.bytes, old.bytes, `the revalidated entry is not served: ${next.summary()}`);
    assert.equal(next.headers.get("x-isr-cache"), "MISS", next.summary());
  });
});

describe("the isolate memory tier: its switch", { timeout: 120_000 }, () => {
  let cluster;
  before(async () => {
    cluster = await startIsolates({ count: 2, coordinator: false,
      isolateVars: [{ ISR_MEMORY_TIER: "off" }, { ISR_MEMORY_TIER: "maybe" }] });
  });
  after(async () => {
    await cluster?.mf.dispose();
  });

  it("off: every HIT reaches Java and reads its entry", async () => {
    const [off] = cluster.isolates;
    const path = "/api/products/mt-off";
    await off.request(path);
    await pollUntil(() => off.request(path), (r) => r.headers.get("x-isr-cache") === "HIT", { what: "a HIT" });
    assert.equal(await replayed(off, path, {}, 6), null, "no answer without an entry read");
  });

  it("a value it does not know answers 500 naming the variable, on every request", async () => {
    const bad = cluster.isolates[1];
    for (let i = 0; i < 2; i++) {
      const r = await bad.request("/api/products/mt-bad");
      assert.equal(r.status, 500, r.summary());
      assert.match(r.text, /ISR_MEMORY_TIER must be "on" or "off", got "maybe"/);
    }
  });
});
