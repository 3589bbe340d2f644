// Issue 3: incremental static regeneration. MISS -> HIT -> STALE -> HIT lifecycle, response headers,
// regeneration dedup, routes that must never be cached, what a stored entry keeps, and cache keys.
//
// The cache write after a MISS and the regeneration after a STALE run in ctx.waitUntil, after the
// response: these tests poll (pollUntil) for their outcome and never sleep hoping they finished.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startWorker, startGatedWorker, pollUntil, waitForClock, timedRequest, statesByClock, assertBytesEqual, EXPIRE_SECONDS,
  expectedBinary, expectedLarge,
} from "./mf.mjs";
import { workerModules } from "./worker-modules.mjs";

const JSON_TYPE = /^application\/json\b/;

const cacheControlFresh = (revalidate) => `s-maxage=${revalidate}, stale-while-revalidate=${EXPIRE_SECONDS - revalidate}`;
// Stale: never fresh downstream; servable while revalidating until the entry expires (its Age counts).
const cacheControlStale = () => `s-maxage=0, stale-while-revalidate=${EXPIRE_SECONDS}`;

function assertOk(r, what) {
  assert.equal(r.status, 200, `${what}: ${r.summary()}`);
}

function assertMiss(r, revalidate, what = "first request") {
  assertOk(r, what);
  assert.equal(r.isr, "MISS", `${what} should be a MISS: ${r.summary()}`);
  assert.equal(r.headers.get("cache-control"), cacheControlFresh(revalidate), `${what} Cache-Control`);
  const cacheStatus = r.headers.get("cache-status") ?? "";
  assert.ok(cacheStatus.startsWith("isr4j; fwd=miss"), `${what} Cache-Status ${JSON.stringify(cacheStatus)} should start with "isr4j; fwd=miss"`);
}

function assertHit(r, revalidate, what = "cached request") {
  assertOk(r, what);
  assert.equal(r.isr, "HIT", `${what} should be a HIT: ${r.summary()}`);
  assert.equal(r.headers.get("cache-control"), cacheControlFresh(revalidate), `${what} Cache-Control`);
  assert.match(r.headers.get("cache-status") ?? "", /^isr4j; hit; ttl=\d+$/, `${what} Cache-Status`);
}

function assertStale(r, revalidate, what = "stale request") {
  assertOk(r, what);
  assert.equal(r.isr, "STALE", `${what} should be STALE: ${r.summary()}`);
  assert.equal(r.headers.get("cache-control"), cacheControlStale(revalidate), `${what} Cache-Control`);
  const cacheStatus = r.headers.get("cache-status") ?? "";
  assert.match(cacheStatus, /^isr4j; hit; ttl=-\d+$/, `${what} Cache-Status: a hit with a negative ttl`);
}

/** GETs path until it is a HIT (failing at once on a non-200), and returns that HIT. */
function pollForHit(worker, path, init, what = `HIT on ${path}`) {
  return pollUntil(
    async () => {
      const r = await worker.request(path, init);
      assertOk(r, `while waiting for ${what}`);
      return r;
    },
    (r) => r.isr === "HIT",
    { what },
  );
}

/**
 * Polls the route entry under key until its JSON body satisfies predicate. Returns {body, ra}: the body and its
 * revalidate-at (epoch ms).
 */
async function pollEntry(worker, key, predicate, what) {
  const entry = await pollUntil(
    async () => {
      const { value, metadata } = await worker.kv.getWithMetadata(key, "text");
      return value === null ? null : { body: JSON.parse(value), ra: metadata.ra, toString: () => `KV ${key}: ${value}` };
    },
    (e) => e !== null && predicate(e.body),
    { what: `${what} under ${key}` },
  );
  return entry;
}

/**
 * Workers whose answers wait for the request's background work (harness/settled-harness.mjs): once a request is
 * answered, any write it was going to make is in KV, so "nothing was stored" can be checked, not hoped for.
 */
const SETTLED = { modules: workerModules("test-e2e/harness/settled-harness.mjs") };

/** No cache entry in KV for path (every request to it so far has settled: see SETTLED). */
async function assertNothingStored(worker, path) {
  const { keys } = await worker.kv.list({ prefix: "cache:" });
  const names = keys.map((k) => k.name).filter((name) => name.includes(path));
  assert.deepEqual(names, [], `nothing may be stored for ${path}`);
}



describe("ISR lifecycle on /api/static-data (revalidate 1)", { timeout: 60_000 }, () => {
  const KEY = "cache:app:/api/static-data:route";
  let worker;
  before(async () => {
    worker = await startGatedWorker();
  });
  after(async () => {
    await worker?.dispose();
  });

  it("goes MISS -> HIT -> STALE (old body) -> the newly rendered body", async () => {
    const miss = await worker.request("/api/static-data");
    assertMiss(miss, 1);
    assert.match(miss.headers.get("content-type") ?? "", JSON_TYPE);
    const first = miss.json();
    assert.equal(typeof first.timestamp, "number", `timestamp in ${miss.text}`);
    assert.equal(typeof first.renders, "number", `renders in ${miss.text}`);
    assert.ok(first.renders >= 1, `renders should count this render, got ${first.renders}`);

    // The store happens in the background: watch KV (a GET could regenerate). From then on the test holds the
    // regeneration's write, so nothing but the clock can change what the next answers are.
    const stored = await pollEntry(worker, KEY, () => true, "the MISS entry");
    await worker.gate.hold({ writes: KEY });

    // Within its second the entry is a HIT: the stored body, the handler does not run.
    const hit = await timedRequest(worker, "/api/static-data");
    assert.ok(statesByClock(hit, stored.ra).includes(hit.isr), `${hit.summary()} at ${hit.sentAt}..${hit.answeredAt}, stale at ${stored.ra}`);
    if (hit.isr === "HIT") assertHit(hit, 1);
    assert.deepEqual(hit.json(), first, "the answer after the store serves the stored body without running the handler");

    // Past its revalidate-at the entry is STALE: the old body at once, and a regeneration in the background.
    await waitForClock(stored.ra + 1);
    const stale = await worker.request("/api/static-data");
    assertStale(stale, 1);
    assert.deepEqual(stale.json(), first, "STALE must serve the old body at once");

    await worker.gate.waitForHeld(1); // the regeneration rendered and waits to write
    await worker.gate.release();
    const regenerated = await pollEntry(worker, KEY, (body) => body.timestamp !== first.timestamp, "the regenerated entry");
    const second = regenerated.body;
    assert.ok(second.timestamp > first.timestamp, `new timestamp ${second.timestamp} should be after ${first.timestamp}`);
    assert.equal(second.renders, first.renders + 1, `one regeneration: renders ${first.renders} -> ${second.renders}`);

    const next = await timedRequest(worker, "/api/static-data");
    assert.ok(statesByClock(next, regenerated.ra).includes(next.isr), `${next.summary()}, stale at ${regenerated.ra}`);
    if (next.isr === "HIT") assertHit(next, 1, "regenerated HIT");
    assert.deepEqual(next.json(), second, "the next answer serves the regenerated body");
  });
});

describe("ISR response headers on /api/posts/{id} (revalidate 60)", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker();
  });
  after(async () => {
    await worker?.dispose();
  });

  it("a MISS declares s-maxage and a one-year stale-while-revalidate, and the HIT repeats them", async () => {
    const miss = await worker.request("/api/posts/headers-1");
    assertMiss(miss, 60);
    assert.equal(miss.headers.get("cache-control"), "s-maxage=60, stale-while-revalidate=31535940");
    assert.match(miss.headers.get("content-type") ?? "", JSON_TYPE);
    const body = miss.json();
    assert.equal(body.id, "headers-1");

    const hit = await pollForHit(worker, "/api/posts/headers-1");
    assertHit(hit, 60);
    assert.equal(hit.headers.get("cache-control"), miss.headers.get("cache-control"));
    assert.equal(hit.headers.get("content-type"), miss.headers.get("content-type"));
    assert.deepEqual(hit.json(), body, "HIT should carry the MISS body (same timestamp: handler did not run)");
  });

  it("entries are per path: a second id is its own MISS while the first stays a HIT", async () => {
    const missA = await worker.request("/api/posts/keys-a");
    assertMiss(missA, 60);
    await pollForHit(worker, "/api/posts/keys-a");

    const missB = await worker.request("/api/posts/keys-b");
    assertMiss(missB, 60, "first request for another id");
    assert.equal(missB.json().id, "keys-b");

    const hitA = await worker.request("/api/posts/keys-a");
    assertHit(hitA, 60);
    assert.deepEqual(hitA.json(), missA.json());
  });

  it("the query string is not part of the cache key", async () => {
    const miss = await worker.request("/api/posts/q1");
    assertMiss(miss, 60);
    const body = miss.json();
    await pollForHit(worker, "/api/posts/q1");

    const withQuery = await worker.request("/api/posts/q1?x=1");
    assertHit(withQuery, 60, "/api/posts/q1?x=1");
    assert.deepEqual(withQuery.json(), body);

    const otherQuery = await worker.request("/api/posts/q1?y=2&z=");
    assertHit(otherQuery, 60, "/api/posts/q1?y=2&z=");
    assert.deepEqual(otherQuery.json(), body);
  });

  it("a trailing slash hits the same entry", async () => {
    const miss = await worker.request("/api/posts/slash-1");
    assertMiss(miss, 60);
    const body = miss.json();
    await pollForHit(worker, "/api/posts/slash-1");

    const slash = await worker.request("/api/posts/slash-1/");
    assertHit(slash, 60, "/api/posts/slash-1/");
    assert.deepEqual(slash.json(), body);
  });

  it("HEAD on a cold cache is a MISS with an empty body, and the following GET is a HIT with the full body", async () => {
    const head = await worker.request("/api/posts/head-cold", { method: "HEAD" });
    assert.equal(head.status, 200, head.summary());
    assert.equal(head.isr, "MISS", head.summary());
    assert.equal(head.bytes.length, 0, "HEAD must have an empty body");
    assert.match(head.headers.get("content-type") ?? "", JSON_TYPE);

    const hit = await pollForHit(worker, "/api/posts/head-cold");
    assertHit(hit, 60);
    assert.ok(hit.bytes.length > 0, "the entry stored from a HEAD must keep the full body");
    const body = hit.json();
    assert.equal(body.id, "head-cold");
    assert.equal(typeof body.timestamp, "number");
  });

  it("HEAD on a cached route is a HIT with an empty body and the same content-type", async () => {
    const miss = await worker.request("/api/posts/head-warm");
    assertMiss(miss, 60);
    const hit = await pollForHit(worker, "/api/posts/head-warm");

    const head = await worker.request("/api/posts/head-warm", { method: "HEAD" });
    assert.equal(head.status, 200, head.summary());
    assert.equal(head.isr, "HIT", head.summary());
    assert.equal(head.bytes.length, 0, "HEAD must have an empty body");
    assert.equal(head.headers.get("content-type"), hit.headers.get("content-type"));
    assert.equal(head.headers.get("cache-control"), cacheControlFresh(60));

    // the HEAD did not damage the entry
    const after = await worker.request("/api/posts/head-warm");
    assertHit(after, 60);
    assert.deepEqual(after.json(), miss.json());
  });

  it("a ~300-character catch-all path is cached and echoed", async () => {
    const rest = "a/".repeat(144) + "end";
    const path = `/api/long/${rest}`;
    assert.ok(path.length >= 300, `path length ${path.length}`);

    const miss = await worker.request(path);
    assertMiss(miss, 60, "long path");
    assert.equal(miss.json().path, rest);

    const hit = await pollForHit(worker, path, undefined, "HIT on the long path");
    assertHit(hit, 60, "long path");
    assert.equal(hit.json().path, rest);
    assert.equal(hit.text, miss.text);
  });

  it("catch-all paths are cached separately", async () => {
    const missX = await worker.request("/api/long/x/y");
    assertMiss(missX, 60);
    assert.equal(missX.json().path, "x/y");
    await pollForHit(worker, "/api/long/x/y");

    const missZ = await worker.request("/api/long/x/y/z");
    assertMiss(missZ, 60, "/api/long/x/y/z");
    assert.equal(missZ.json().path, "x/y/z");
  });
});

describe("ISR regeneration dedup on /api/slow (revalidate 1, ~200 ms render)", { timeout: 60_000 }, () => {
  const KEY = "cache:app:/api/slow:route";
  let worker;
  before(async () => {
    worker = await startGatedWorker();
  });
  after(async () => {
    await worker?.dispose();
  });

  it("50 concurrent requests to a stale entry are all served it, and trigger exactly one regeneration", async () => {
    const miss = await worker.request("/api/slow");
    assertMiss(miss, 1);
    const cached = miss.json();
    assert.equal(typeof cached.renders, "number", `renders in ${miss.text}`);
    const stored = await pollEntry(worker, KEY, () => true, "the MISS entry");
    assert.deepEqual(stored.body, cached);

    // The regeneration's write waits until the test releases it, so every concurrent request arrives while it
    // runs, however slowly they arrive. Requests would start the regeneration: let the entry go stale by the
    // clock alone.
    await worker.gate.hold({ writes: KEY });
    await waitForClock(stored.ra + 1);

    const responses = await Promise.all(Array.from({ length: 50 }, () => worker.request("/api/slow")));
    for (const r of responses) {
      assertStale(r, 1, "concurrent request");
      assert.deepEqual(r.json(), cached, "every STALE response serves the old body");
    }

    await worker.gate.waitForHeld(1);
    await worker.gate.release();
    const regenerated = await pollEntry(worker, KEY, (body) => body.timestamp !== cached.timestamp, "the regenerated entry");
    assert.ok(regenerated.body.timestamp > cached.timestamp);
    assert.equal(
      regenerated.body.renders,
      cached.renders + 1,
      `renders went from ${cached.renders} (stale body) to ${regenerated.body.renders}: expected one regeneration`,
    );
    const { matched } = await worker.gate.state();
    assert.deepEqual(matched, [["put", KEY]], "one regeneration wrote, for 50 concurrent stale requests");
  });
});

describe("routes that are never cached", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker({ miniflare: SETTLED });
  });
  after(async () => {
    await worker?.dispose();
  });

  it("POST /api/echo is never cached", async () => {
    for (const payload of ["first body", "second body", "third body"]) {
      const r = await worker.request("/api/echo", { method: "POST", headers: { "content-type": "text/plain" }, body: payload });
      assertOk(r, "POST /api/echo");
      assert.equal(r.isr, null, `POST must not carry x-isr-cache: ${r.summary()}`);
      assert.equal(r.text, payload);
    }
    await assertNothingStored(worker, "/api/echo");
  });

  it("/api/dynamic-data reads a request header, so each request renders and echoes its own user-agent", async () => {
    const agents = ["isr4j-test-agent/1", "isr4j-test-agent/2", "isr4j-test-agent/1"];
    for (const agent of agents) {
      const r = await worker.request("/api/dynamic-data", { headers: { "user-agent": agent } });
      assertOk(r, "GET /api/dynamic-data");
      assert.equal(r.isr, null, `a header-reading route must not carry x-isr-cache: ${r.summary()}`);
      assert.equal(r.json().userAgent, agent);
    }
    await assertNothingStored(worker, "/api/dynamic-data");
  });

  it("/api/own-cache-control keeps its own Cache-Control and is not cached", async () => {
    const timestamps = [];
    for (let i = 0; i < 3; i++) {
      const r = await worker.request("/api/own-cache-control");
      assertOk(r, "GET /api/own-cache-control");
      assert.equal(r.isr, null, `a route setting Cache-Control must not carry x-isr-cache: ${r.summary()}`);
      assert.equal(r.headers.get("cache-control"), "public, max-age=5");
      timestamps.push(r.json().timestamp);
    }
    assert.equal(new Set(timestamps).size, 3, `handler should run every time, timestamps ${timestamps}`);
    await assertNothingStored(worker, "/api/own-cache-control");
  });

  it("/api/force-dynamic-revalidate renders every time despite revalidate 60", async () => {
    const timestamps = [];
    for (let i = 0; i < 3; i++) {
      const r = await worker.request("/api/force-dynamic-revalidate");
      assertOk(r, "GET /api/force-dynamic-revalidate");
      assert.equal(r.isr, null, `force-dynamic must not carry x-isr-cache: ${r.summary()}`);
      assert.notEqual(r.headers.get("cache-control"), cacheControlFresh(60), "force-dynamic must not advertise s-maxage");
      timestamps.push(r.json().timestamp);
    }
    assert.equal(new Set(timestamps).size, 3, `handler should run every time, timestamps ${timestamps}`);
    await assertNothingStored(worker, "/api/force-dynamic-revalidate");
  });
});

describe("what a stored entry keeps", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker();
  });
  after(async () => {
    await worker?.dispose();
  });

  it("Set-Cookie reaches the MISS response (private, no-store) but is never stored; the HIT is shareable", async () => {
    const miss = await worker.request("/api/with-cookie");
    assert.equal(miss.isr, "MISS", miss.summary());
    assert.equal(miss.headers.get("cache-control"), "private, no-store", "an answer that sets a cookie is never shareable");
    const cookies = miss.headers.getSetCookie();
    assert.equal(cookies.length, 1, `MISS should carry its Set-Cookie, got ${JSON.stringify(cookies)}`);
    assert.match(cookies[0], /^session=[^;\s]+/);
    const body = miss.json();
    assert.equal(typeof body.timestamp, "number");

    const hit = await pollForHit(worker, "/api/with-cookie");
    assertHit(hit, 60);
    assert.deepEqual(hit.headers.getSetCookie(), [], "a HIT must not replay the stored Set-Cookie");
    assert.equal(hit.headers.get("set-cookie"), null);
    assert.deepEqual(hit.json(), body);
  });

  it("a 4 KiB binary body comes back byte-identical from a HIT", async () => {
    const expected = expectedBinary();
    const miss = await worker.request("/api/binary");
    assertMiss(miss, 60);
    assert.equal(miss.headers.get("content-type"), "application/octet-stream");
    assertBytesEqual(miss.bytes, expected, "MISS body");

    const hit = await pollForHit(worker, "/api/binary");
    assertHit(hit, 60);
    assert.equal(hit.headers.get("content-type"), "application/octet-stream");
    assertBytesEqual(hit.bytes, expected, "HIT body");
  });

  it("a 1 MiB binary body comes back byte-identical from a HIT", async () => {
    const expected = expectedLarge();
    const miss = await worker.request("/api/large");
    assertMiss(miss, 60);
    assert.equal(miss.headers.get("content-type"), "application/octet-stream");
    assertBytesEqual(miss.bytes, expected, "MISS body");

    const hit = await pollForHit(worker, "/api/large");
    assertHit(hit, 60);
    assert.equal(hit.headers.get("content-type"), "application/octet-stream");
    assertBytesEqual(hit.bytes, expected, "HIT body");
  });
});

describe("development mode (ISR_MODE=development)", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker({ vars: { ISR_MODE: "development" }, miniflare: SETTLED });
  });
  after(async () => {
    await worker?.dispose();
  });

  it("caches nothing: /api/static-data renders on every request", async () => {
    const renders = [];
    for (let i = 0; i < 3; i++) {
      const r = await worker.request("/api/static-data");
      assertOk(r, "GET /api/static-data in development");
      assert.equal(r.isr, null, `development mode must not carry x-isr-cache: ${r.summary()}`);
      renders.push(r.json().renders);
    }
    assert.ok(
      renders[1] > renders[0] && renders[2] > renders[1],
      `renders should grow on every request in development, got ${renders}`,
    );
    await assertNothingStored(worker, "/api/static-data");
  });

  it("caches nothing: /api/posts/{id} is rendered again on the next request", async () => {
    const first = await worker.request("/api/posts/dev-1");
    assertOk(first, "first GET in development");
    assert.equal(first.isr, null, first.summary());
    await assertNothingStored(worker, "/api/posts/dev-1");
    const second = await worker.request("/api/posts/dev-1");
    assertOk(second, "second GET in development");
    assert.equal(second.isr, null, second.summary());
    assert.notEqual(second.json().timestamp, first.json().timestamp, "the handler should run again");
  });
});
