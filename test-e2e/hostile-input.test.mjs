// Issue 11, hostile input, in workerd: one canonical path per page (spellings share an entry and an
// invalidation; paths without a canonical form are 400), bad tags and oversized revalidation calls are 400s
// naming the problem, and the fixture app's mutation and KV routes refuse anonymous callers.
// And a stored entry cannot pin itself (issue 23 item 5): see the last block.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, pollUntil, WITH_SECRET, AUTH, EXPIRE_SECONDS } from "./mf.mjs";

// "//api/..." alone would be read as a protocol-relative URL (host "api"), hence the absolute URL.
const SPELLINGS = ["/api/posts/%31", "/api/posts//1", "/api/posts/1//", "http://localhost//api/posts/1", "/%61pi/posts/%31/"];

async function cacheKeys(kv) {
  return (await kv.list({ prefix: "cache:" })).keys.map((k) => k.name).sort();
}

async function hit(worker, path) {
  return pollUntil(() => worker.request(path), (r) => r.isr === "HIT", { what: `HIT on ${path}` });
}

function revalidate(worker, body, headers = AUTH) {
  return worker.request("/__isr/revalidate", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

describe("one canonical path: every spelling shares one entry and one invalidation", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker({ vars: WITH_SECRET });
  });
  after(async () => {
    await worker?.dispose();
  });

  it("/api/posts/%31, //1 and 1// are answered from the entry of /api/posts/1, under one KV key", async () => {
    const miss = await worker.request("/api/posts/1");
    assert.equal(miss.isr, "MISS", miss.summary());
    await hit(worker, "/api/posts/1");
    for (const spelling of SPELLINGS) {
      const r = await worker.request(spelling);
      assert.equal(r.isr, "HIT", `${spelling}: ${r.summary()}`);
      assert.equal(r.text, miss.text, spelling);
    }
    assert.deepEqual(await cacheKeys(worker.kv), ["cache:app:/api/posts/1:route"]);
  });

  it("revalidating any spelling of the path invalidates every spelling", async () => {
    const before = (await hit(worker, "/api/posts/1")).text;
    const r = await revalidate(worker, { paths: ["/api//posts/%31/"] });
    assert.equal(r.status, 200, r.summary());
    const after = await worker.request("/api/posts//1");
    assert.equal(after.isr, "MISS", after.summary());
    assert.notEqual(after.text, before);
    await hit(worker, "/api/posts/1");
    for (const spelling of SPELLINGS) {
      const s = await worker.request(spelling);
      assert.equal(s.isr, "HIT", `${spelling}: ${s.summary()}`);
      assert.equal(s.text, after.text, spelling);
    }
  });

  it("revalidatePath from Java (a fixture route) reaches the entry through another spelling too", async () => {
    await hit(worker, "/api/posts/1");
    const r = await worker.request(`/api/revalidate-path?path=${encodeURIComponent("/api/posts/%31//")}`, {
      method: "POST",
      headers: AUTH,
    });
    assert.equal(r.status, 200, r.summary());
    assert.equal((await worker.request("/api/posts/1")).isr, "MISS");
  });

  it("a path without a canonical form is a 400 naming the problem, and nothing is cached", async () => {
    const keys = await cacheKeys(worker.kv);
    for (const [path, problem] of [
      ["/api/posts/%zz", "two hex digits"],
      ["/api/posts/%00", "NUL"],
      ["/api/posts/a%2Fb", "%2F"],
      ["/api/posts/%FF", "UTF-8"],
    ]) {
      const r = await worker.request(path);
      assert.equal(r.status, 400, `${path}: ${r.summary()}`);
      assert.ok(r.text.includes(problem), `${path}: ${r.text}`);
      assert.equal(r.isr, null);
    }
    assert.deepEqual(await cacheKeys(worker.kv), keys);
  });
});

describe("tags and the revalidation endpoint", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker({ vars: WITH_SECRET });
  });
  after(async () => {
    await worker?.dispose();
  });

  it("a tag with a lone surrogate is a 400 naming it (it used to be a 503 'retry' that could never succeed)", async () => {
    // JSON can spell a lone surrogate with an escape; JSON.stringify would replace it, so write the text.
    const r = await revalidate(worker, '{"tags":["post-\\ud800"]}');
    assert.equal(r.status, 400, r.summary());
    assert.match(r.json().error, /lone surrogate U\+D800/);
  });

  it("a tag with a C1 control character is a 400 naming it", async () => {
    const r = await revalidate(worker, { tags: ["post-\u0085"] });
    assert.equal(r.status, 400, r.summary());
    assert.match(r.json().error, /control character U\+0085/);
  });

  it("one call carries at most 64 tags and 64 paths; beyond is a 400 naming the limit, with no KV writes", async () => {
    const tags = Array.from({ length: 3000 }, (_, i) => `t${i}`);
    const r = await revalidate(worker, { tags });
    assert.equal(r.status, 400, r.summary());
    assert.match(r.json().error, /"tags" has 3000 entries; one call may carry at most 64/);
    const paths = Array.from({ length: 65 }, (_, i) => `/p/${i}`);
    const p = await revalidate(worker, { paths });
    assert.equal(p.status, 400, p.summary());
    assert.match(p.json().error, /at most 64/);
    assert.deepEqual((await worker.kv.list({ prefix: "__tag:" })).keys, []);
    const ok = await revalidate(worker, { tags: tags.slice(0, 64) });
    assert.equal(ok.status, 200, ok.summary());
  });

  it("an invalid tag built from a path parameter in a handler is logged and skipped, not a 500", async () => {
    const r = await worker.request(`/api/posts/${"x".repeat(300)}`, { method: "POST", headers: AUTH });
    assert.equal(r.status, 200, r.summary());
    assert.deepEqual((await worker.kv.list({ prefix: "__tag:" })).keys.filter((k) => k.name.includes("xxx")), []);
  });
});

describe("the fixture app's mutation and KV routes require the revalidation secret", { timeout: 60_000 }, () => {
  const GUARDED = [
    ["POST", "/api/posts/1"],
    ["POST", "/api/revalidate-path?path=/&type=layout"],
    ["POST", "/api/cached-data"],
    ["GET", "/api/kv/__tag:posts"],
  ];
  let worker;
  let open;
  before(async () => {
    worker = await startWorker({ vars: WITH_SECRET });
    open = await startWorker();
  });
  after(async () => {
    await worker?.dispose();
    await open?.dispose();
  });

  it("anonymous or wrong-token calls get 401 and change nothing", async () => {
    await worker.request("/api/posts/1");
    const cached = await hit(worker, "/api/posts/1");
    await worker.kv.put("__tag:posts", '{"expired":0,"stale":0}');
    const before = await worker.kv.list();
    for (const headers of [{}, { authorization: "Bearer wrong" }, { authorization: "e2e-revalidate-secret" }]) {
      for (const [method, path] of GUARDED) {
        const r = await worker.request(path, { method, headers, body: method === "POST" ? "poisoned" : undefined });
        assert.equal(r.status, 401, `${method} ${path} with ${JSON.stringify(headers)}: ${r.summary()}`);
        assert.equal(r.headers.get("www-authenticate"), "Bearer");
        assert.ok(!r.text.includes("expired"), `the KV value must not leak: ${r.text}`);
      }
    }
    assert.deepEqual(await worker.kv.list(), before);
    const still = await worker.request("/api/posts/1");
    assert.equal(still.isr, "HIT", still.summary());
    assert.equal(still.text, cached.text);
    assert.equal((await worker.request("/api/cached-data")).json().value, "initial");
  });

  it("with the secret the same routes work", async () => {
    const r = await worker.request("/api/kv/__tag:posts", { headers: AUTH });
    assert.equal(r.status, 200, r.summary());
  });

  it("without a configured secret they refuse (403) and say which secret to set", async () => {
    for (const [method, path] of GUARDED) {
      const r = await open.request(path, { method, headers: { authorization: "Bearer " } });
      assert.equal(r.status, 403, `${method} ${path}: ${r.summary()}`);
      assert.match(r.json().error, /ISR_REVALIDATE_SECRET.*\.dev\.vars/);
    }
  });
});

// Issue 23 item 5: a stored entry cannot pin itself. Whatever timestamps KV holds, an entry is fresh for no longer
// than its route's revalidate (60 s for /api/posts/{id}) and served for no longer than the app's expire, both
// counted from its last write; and no delta-seconds value sent exceeds 2^31 - 1 (RFC 9111 section 1.2.2).
describe("a stored entry cannot pin itself", { timeout: 60_000 }, () => {
  const FAR = 10 ** 15; // ms: what a buggy release, another tool or anyone with KV write access might store
  const MAX_DELTA = 2 ** 31 - 1;
  const ROUTE_REVALIDATE = 60;
  let worker;
  before(async () => {
    worker = await startWorker();
  });
  after(async () => {
    await worker?.dispose();
  });

  /** Writes an entry for /api/posts/<id> straight into KV, in the format isr4j reads (inline metadata). */
  async function forge(id, { lm, ra, ea }) {
    const key = `app:/api/posts/${id}:route`;
    const metadata = { v: 2, k: "route", id: key, s: 200, h: [["content-type", "application/json"]], lm, ra, ea, t: [] };
    await worker.kv.put(`cache:${key}`, new TextEncoder().encode(JSON.stringify({ id, forged: true })), { metadata });
  }

  /** Every delta-seconds value in Cache-Control, Age and the Cache-Status ttl, by name. */
  function deltas(r) {
    const found = {};
    for (const m of (r.headers.get("cache-control") ?? "").matchAll(/([a-z-]+)=(-?\d+)/g)) found[m[1]] = Number(m[2]);
    if (r.headers.get("age") !== null) found.age = Number(r.headers.get("age"));
    const ttl = /ttl=(-?\d+)/.exec(r.headers.get("cache-status") ?? "");
    if (ttl) found.ttl = Number(ttl[1]);
    return found;
  }

  function assertDeltasBounded(r, what) {
    for (const [name, value] of Object.entries(deltas(r))) {
      assert.ok(Math.abs(value) <= MAX_DELTA, `${what}: ${name}=${value} exceeds 2^31 - 1: ${r.summary()}`);
    }
  }

  it("an entry claiming to stay fresh for 10^15 ms is a HIT for no longer than the route's revalidate", async () => {
    const now = Date.now();
    await forge("pinned", { lm: now, ra: now + FAR, ea: now + FAR + 1 });
    // The first answer reads KV; the next ones may come from the regional copy or at once (step).
    for (let i = 0; i < 3; i++) {
      const r = await worker.request("/api/posts/pinned");
      assert.equal(r.isr, "HIT", r.summary());
      assert.equal(r.json().forged, true, "the forged entry is served, within the route's bounds");
      const d = deltas(r);
      assert.ok(d["s-maxage"] <= ROUTE_REVALIDATE, `s-maxage ${d["s-maxage"]} > ${ROUTE_REVALIDATE}: ${r.summary()}`);
      assert.ok(d.ttl <= ROUTE_REVALIDATE, `Cache-Status ttl ${d.ttl} > ${ROUTE_REVALIDATE}: ${r.summary()}`);
      assert.ok(d["stale-while-revalidate"] <= EXPIRE_SECONDS, `stale-while-revalidate beyond expire: ${r.summary()}`);
      assertDeltasBounded(r, `answer ${i + 1}`);
    }
  });

  it("written more than the route's revalidate ago, it is STALE whatever it claims, and re-renders", async () => {
    const written = Date.now() - (ROUTE_REVALIDATE + 5) * 1000;
    await forge("pinned-old", { lm: written, ra: written + FAR, ea: written + FAR + 1 });
    const stale = await worker.request("/api/posts/pinned-old");
    assert.equal(stale.isr, "STALE", stale.summary());
    assert.equal(deltas(stale)["s-maxage"], 0, stale.summary());
    assertDeltasBounded(stale, "STALE");
    const rendered = await pollUntil(
      () => worker.request("/api/posts/pinned-old"),
      (r) => r.isr === "HIT" && r.json().forged === undefined,
      { what: "the regenerated entry replacing the forged one" },
    );
    assert.ok(deltas(rendered)["s-maxage"] <= ROUTE_REVALIDATE, rendered.summary());
  });

  it("written longer ago than the app's expire, it is a MISS; written in the future, too", async () => {
    const ancient = Date.now() - (EXPIRE_SECONDS + 10) * 1000;
    await forge("pinned-ancient", { lm: ancient, ra: ancient + FAR, ea: ancient + FAR + 1 });
    const expired = await worker.request("/api/posts/pinned-ancient");
    assert.equal(expired.isr, "MISS", expired.summary());
    assert.equal(expired.json().forged, undefined, "rendered, not the forged entry");
    assertDeltasBounded(expired, "MISS");

    const future = Date.now() + 3_600_000; // beyond the 60 s clock skew allowed between writers
    await forge("pinned-future", { lm: future, ra: future + FAR, ea: future + FAR + 1 });
    const r = await worker.request("/api/posts/pinned-future");
    assert.equal(r.isr, "MISS", r.summary());
    assert.equal(r.json().forged, undefined, "rendered, not the forged entry");
  });
});
