// What caches in front of isr4j (a CDN, a proxy, a browser) are told, checked against an RFC 9111
// implementation nobody here wrote (npm's http-cache-semantics) for every kind of answer the fixture app
// gives, plus validators and 304s, Cache-Tag, and the purge of a real (local) HTTP API after revalidation.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import CachePolicy from "http-cache-semantics";
import { startWorker, pollUntil, waitForClock, ORIGIN, EXPIRE_SECONDS } from "./mf.mjs";

const NO_STORE = "private, no-cache, no-store, max-age=0, must-revalidate";
const SECRET = "downstream-secret";

/** What a shared cache would do with this answer to this request. */
function sharedCache(path, requestHeaders, r) {
  const policy = new CachePolicy(
    { url: path, method: "GET", headers: requestHeaders },
    { status: r.status, headers: Object.fromEntries(r.headers) },
    { shared: true },
  );
  return {
    storable: policy.storable() && policy.timeToLive() > 0,
    freshSeconds: policy.maxAge() - Number(r.headers.get("age") ?? 0),
    ttlSeconds: policy.timeToLive() / 1000,
  };
}

/** A per-user answer: a shared cache must not keep it, and a browser must not reuse it without asking. */
function assertNeverShared(path, init, r, why) {
  const verdict = sharedCache(path, init?.headers ?? {}, r);
  assert.equal(verdict.storable, false, `${why}: a shared cache may not store ${path}: ${r.summary()}`);
  assert.ok(r.headers.get("cache-control"), `${why}: ${path} needs a Cache-Control`);
  assert.equal(r.headers.get("cache-tag"), null, `${why}: no Cache-Tag on ${path}`);
}

function assertWellFormed(r, what) {
  const cc = r.headers.get("cache-control");
  assert.ok(cc, `${what}: Cache-Control on every answer`);
  for (const m of cc.matchAll(/(s-maxage|max-age|stale-while-revalidate)=([^,\s]*)/g)) {
    assert.match(m[2], /^\d+$/, `${what}: ${m[1]} must be a non-negative integer, got ${cc}`);
  }
  const age = r.headers.get("age");
  if (age !== null) assert.match(age, /^\d+$/, `${what}: Age must be a non-negative integer`);
  if (r.headers.get("set-cookie")) {
    assert.match(cc, /private/, `${what}: an answer with Set-Cookie is never shareable`);
    assert.match(cc, /no-store/, `${what}: an answer with Set-Cookie is never stored`);
  }
}

describe("shared-cache oracle (http-cache-semantics) on every kind of answer", () => {
  let worker;
  before(async () => {
    worker = await startWorker({ vars: { ISR_REVALIDATE_SECRET: SECRET } });
  });
  after(async () => {
    await worker?.dispose();
  });

  const get = async (path, init) => {
    const r = await worker.request(path, init);
    assertWellFormed(r, path);
    return r;
  };

  it("answers isr4j does not cache are never storable downstream, per-user ones included", async () => {
    const cases = [
      ["/api/hello", undefined, "no revalidate"],
      ["/api/revalidate-zero", undefined, "revalidate(0)"],
      ["/api/dynamic-data", { headers: { "user-agent": "alice-agent" } }, "reads a request header"],
      ["/api/cookie-data", { headers: { cookie: "session=alice" } }, "reads a cookie"],
      ["/api/query-data?q=alice", undefined, "reads the query"],
      ["/api/force-dynamic-revalidate", undefined, "FORCE_DYNAMIC"],
      ["/no/such/path", undefined, "404"],
      ["/api/boom", undefined, "500"],
    ];
    for (const [path, init, why] of cases) {
      const r = await get(path, init);
      assert.equal(r.headers.get("cache-control"), NO_STORE, `${why}: ${r.summary()}`);
      assertNeverShared(path, init, r, why);
    }
    const options = await get("/api/hello", { method: "OPTIONS" });
    assert.equal(options.headers.get("cache-control"), NO_STORE);
    const notAllowed = await get("/api/hello", { method: "DELETE" });
    assert.equal(notAllowed.status, 405);
    assert.equal(notAllowed.headers.get("cache-control"), NO_STORE);
  });

  it("a cookie's or query's value reaches only its own caller, request after request", async () => {
    for (const who of ["alice", "bob", "alice"]) {
      const c = await get("/api/cookie-data", { headers: { cookie: `session=${who}` } });
      assert.equal(c.json().session, who);
      assert.equal(c.isr, null, "never served from isr4j's cache");
      const q = await get(`/api/query-data?q=${who}`);
      assert.equal(q.json().q, who);
    }
  });

  it("an answer that sets a cookie is never shareable; its stored copy is, without the cookie", async () => {
    const miss = await get("/api/with-cookie");
    assert.equal(miss.isr, "MISS");
    assert.equal(miss.headers.get("cache-control"), "private, no-store");
    assert.equal(sharedCache("/api/with-cookie", {}, miss).storable, false);
    const hit = await pollUntil(() => get("/api/with-cookie"), (r) => r.isr === "HIT", { what: "HIT on /api/with-cookie" });
    assert.equal(hit.headers.get("set-cookie"), null);
    assert.equal(sharedCache("/api/with-cookie", {}, hit).storable, true, hit.summary());
  });

  it("a MISS and its HITs are storable and fresh downstream for exactly s-maxage minus Age", async () => {
    const miss = await get("/api/posts/oracle");
    assert.equal(miss.isr, "MISS");
    assert.equal(miss.headers.get("age"), null, "just rendered");
    const m = sharedCache("/api/posts/oracle", {}, miss);
    assert.equal(m.storable, true);
    assert.equal(m.freshSeconds, 60);
    assert.ok(Math.abs(m.ttlSeconds - EXPIRE_SECONDS) <= 1, `ttl ${m.ttlSeconds}`);

    const hit = await pollUntil(() => get("/api/posts/oracle"), (r) => r.isr === "HIT", { what: "HIT" });
    const written = Date.parse(hit.headers.get("last-modified"));
    await waitForClock(written + 3100); // Last-Modified is floored to the second: the entry is now at least two seconds old
    const older = await get("/api/posts/oracle");
    assert.equal(older.isr, "HIT");
    const age = Number(older.headers.get("age"));
    assert.ok(age >= 2 && age < 60, `Age ${age}`);
    const h = sharedCache("/api/posts/oracle", {}, older);
    assert.equal(h.storable, true);
    assert.equal(h.freshSeconds, 60 - age, "fresh downstream only for what is left of revalidate");
    assert.equal(older.headers.get("cache-status"), `isr4j; hit; ttl=${60 - age}`);
  });

  it("a STALE answer is storable but already stale downstream, usable only while revalidating", async () => {
    const miss = await get("/api/static-data");
    assert.equal(miss.isr, "MISS", miss.summary());
    // Wait for the store in KV, not for a HIT: within the route's one second a request would race the clock.
    await pollUntil(() => worker.kv.get("cache:app:/api/static-data:route"), (v) => v !== null, { what: "the stored entry" });
    await waitForClock(Date.parse(miss.headers.get("last-modified")) + 3100);
    const stale = await get("/api/static-data");
    assert.equal(stale.isr, "STALE", stale.summary());
    const s = sharedCache("/api/static-data", {}, stale);
    assert.ok(s.freshSeconds <= 0, `fresh for ${s.freshSeconds} s downstream`);
    assert.ok(s.ttlSeconds > 0, "servable while revalidating");
    assert.match(stale.headers.get("cache-status"), /^isr4j; hit; ttl=-\d+$/);
    assert.ok(Number(stale.headers.get("age")) >= 2);
  });

  it("prerendered pages, their props JSON and FORCE_STATIC pages are storable", async () => {
    for (const path of ["/blog/hello-world", "/_isr/data/blog/hello-world.json", "/about"]) {
      const r = await get(path);
      assert.equal(r.status, 200, r.summary());
      const v = sharedCache(path, {}, r);
      assert.equal(v.storable, true, `${path}: ${r.summary()}`);
      assert.ok(v.freshSeconds > 0, `${path} fresh downstream`);
      assert.ok(r.headers.get("etag"), `${path} has an ETag`);
      assert.ok(r.headers.get("last-modified"), `${path} has Last-Modified`);
      assert.ok(r.headers.get("cache-tag"), `${path} has a Cache-Tag`);
    }
  });

  it("development mode caches nothing, downstream included", async () => {
    const dev = await startWorker({ vars: { ISR_MODE: "development" } });
    try {
      const r = await dev.request("/api/posts/dev");
      assert.equal(r.headers.get("cache-control"), NO_STORE);
      assert.equal(sharedCache("/api/posts/dev", {}, r).storable, false);
    } finally {
      await dev.dispose();
    }
  });
});

describe("validators and conditional requests", () => {
  let worker;
  before(async () => {
    worker = await startWorker();
  });
  after(async () => {
    await worker?.dispose();
  });

  it("the MISS and the HIT carry one strong ETag; If-None-Match gets a 304 with no body", async () => {
    const miss = await worker.request("/api/posts/etag1");
    const etag = miss.headers.get("etag");
    assert.match(etag ?? "", /^"[0-9a-f]{32}"$/);
    const hit = await pollUntil(() => worker.request("/api/posts/etag1"), (r) => r.isr === "HIT", { what: "HIT" });
    assert.equal(hit.headers.get("etag"), etag);
    assert.equal(hit.headers.get("last-modified"), miss.headers.get("last-modified"));

    for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`, "*"]) {
      const r = await worker.request("/api/posts/etag1", { headers: { "if-none-match": inm } });
      assert.equal(r.status, 304, `If-None-Match: ${inm}`);
      assert.equal(r.bytes.length, 0);
      assert.equal(r.headers.get("etag"), etag);
      assert.equal(r.headers.get("cache-control"), hit.headers.get("cache-control"));
      assert.equal(r.json === undefined, false);
    }
    const other = await worker.request("/api/posts/etag1", { headers: { "if-none-match": '"nope"' } });
    assert.equal(other.status, 200);
    assert.deepEqual(other.json(), hit.json());
  });

  it("If-Modified-Since at or after Last-Modified is a 304, unless If-None-Match says otherwise", async () => {
    await worker.request("/api/posts/ims1");
    const hit = await pollUntil(() => worker.request("/api/posts/ims1"), (r) => r.isr === "HIT", { what: "HIT" });
    const lm = hit.headers.get("last-modified");
    assert.equal((await worker.request("/api/posts/ims1", { headers: { "if-modified-since": lm } })).status, 304);
    const earlier = new Date(Date.parse(lm) - 10_000).toUTCString();
    assert.equal((await worker.request("/api/posts/ims1", { headers: { "if-modified-since": earlier } })).status, 200);
    const both = await worker.request("/api/posts/ims1", { headers: { "if-modified-since": lm, "if-none-match": '"x"' } });
    assert.equal(both.status, 200, "If-None-Match wins");
    const head = await worker.request("/api/posts/ims1", { method: "HEAD", headers: { "if-modified-since": lm } });
    assert.equal(head.status, 304);
  });

  it("a page and its props JSON have different ETags, each answering its own 304", async () => {
    const page = await worker.request("/blog/hello-world");
    const json = await worker.request("/_isr/data/blog/hello-world.json");
    assert.notEqual(page.headers.get("etag"), json.headers.get("etag"));
    const r = await worker.request("/_isr/data/blog/hello-world.json", { headers: { "if-none-match": json.headers.get("etag") } });
    assert.equal(r.status, 304);
    const cross = await worker.request("/_isr/data/blog/hello-world.json", { headers: { "if-none-match": page.headers.get("etag") } });
    assert.equal(cross.status, 200);
  });

  it("cached answers carry their tags in Cache-Tag: the path tag, the route's tags, the layout tags", async () => {
    const r = await worker.request("/api/posts/tagged");
    assert.equal(r.headers.get("cache-tag"),
      "path:/api/posts/tagged,post-tagged,posts,layout:/,layout:/api,layout:/api/posts,layout:/api/posts/tagged");
  });
});

describe("purging a CDN after revalidation (Cloudflare's purge-by-tag API, served locally)", () => {
  const ZONE = "0123456789abcdef0123456789abcdef";
  let server;
  let received;
  let answers;
  let worker;

  before(async () => {
    received = [];
    answers = [];
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push({ method: req.method, url: req.url, headers: req.headers, body });
        const next = answers.shift() ?? { status: 200, headers: {}, body: '{"success":true,"errors":[],"messages":[],"result":{"id":"x"}}' };
        res.writeHead(next.status, { "content-type": "application/json", ...next.headers });
        res.end(next.body);
      });
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    worker = await startWorker({
      vars: {
        ISR_REVALIDATE_SECRET: SECRET,
        CACHE_PURGE_ZONE_ID: ZONE,
        CACHE_PURGE_API_TOKEN: "purge-token",
        CACHE_PURGE_API_BASE: `http://127.0.0.1:${server.address().port}/client/v4`,
      },
    });
  });
  after(async () => {
    await worker?.dispose();
    await new Promise((resolve) => server?.close(resolve));
  });

  const revalidate = (body) =>
    worker.request("/__isr/revalidate", {
      method: "POST",
      headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("a tag revalidation posts those tags to the zone's purge endpoint with the token", async () => {
    received.length = 0;
    const r = await revalidate({ tags: ["posts"], paths: ["/api/posts/1"] });
    assert.equal(r.status, 200, r.text);
    await pollUntil(async () => received.length, (n) => n >= 2, { what: "two purge calls" });
    for (const call of received) {
      assert.equal(call.method, "POST");
      assert.equal(call.url, `/client/v4/zones/${ZONE}/purge_cache`);
      assert.equal(call.headers.authorization, "Bearer purge-token");
      assert.match(call.headers["content-type"], /^application\/json/);
    }
    assert.deepEqual(received.map((c) => JSON.parse(c.body)), [{ tags: ["posts"] }, { tags: ["path:/api/posts/1"] }]);
  });

  it("what it purges is what the cached answers carried in Cache-Tag", async () => {
    const cached = await worker.request("/api/posts/purged");
    const cacheTags = cached.headers.get("cache-tag").split(",");
    received.length = 0;
    await revalidate({ tags: ["post-purged"] });
    await pollUntil(async () => received.length, (n) => n >= 1, { what: "a purge call" });
    const purged = JSON.parse(received[0].body).tags;
    assert.deepEqual(purged, ["post-purged"]);
    assert.ok(purged.every((t) => cacheTags.includes(t)), `${purged} within ${cacheTags}`);
  });

  it("a layout revalidation purges the one layout tag every answer below it carries", async () => {
    const below = await worker.request("/api/posts/under-layout");
    assert.ok(below.headers.get("cache-tag").split(",").includes("layout:/api/posts"));
    received.length = 0;
    assert.equal((await revalidate({ paths: ["/api/posts"], type: "layout" })).status, 200);
    await pollUntil(async () => received.length, (n) => n >= 1, { what: "a purge call" });
    assert.deepEqual(JSON.parse(received[0].body), { tags: ["layout:/api/posts"] });
  });

  it("more tags than one call takes go out in batches of at most 30", async () => {
    received.length = 0;
    const tags = Array.from({ length: 45 }, (_, i) => `batch-${i}`);
    assert.equal((await revalidate({ tags })).status, 200);
    await pollUntil(async () => received.length, (n) => n >= 2, { what: "two batches" });
    const batches = received.map((c) => JSON.parse(c.body).tags);
    assert.deepEqual(batches.map((b) => b.length), [30, 15]);
    assert.deepEqual(batches.flat(), tags);
  });

  it("a 429 is retried after Retry-After; the revalidation itself never waits or fails", async () => {
    received.length = 0;
    answers.push({ status: 429, headers: { "retry-after": "0" }, body: '{"success":false}' });
    const r = await revalidate({ tags: ["retried"] });
    assert.equal(r.status, 200);
    await pollUntil(async () => received.length, (n) => n >= 2, { what: "the retry" });
    assert.deepEqual(received.map((c) => JSON.parse(c.body).tags), [["retried"], ["retried"]]);
  });
});
