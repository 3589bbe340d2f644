// Issue 11, hostile input, in workerd: one canonical path per page (spellings share an entry and an
// invalidation; paths without a canonical form are 400), bad tags and oversized revalidation calls are 400s
// naming the problem, and the example's mutation and KV routes refuse anonymous callers.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, pollUntil, WITH_SECRET, AUTH } from "./mf.mjs";

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

  it("revalidatePath from Java (an example route) reaches the entry through another spelling too", async () => {
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

describe("the example's mutation and KV routes require the revalidation secret", { timeout: 60_000 }, () => {
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
