// Issue 2: walking skeleton. Java handlers answer through the shim in workerd: routing, path parameters,
// catch-all, errors, awaited KV reads, request bodies and the HTTP method semantics.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, WITH_SECRET, AUTH } from "./mf.mjs";

const JSON_TYPE = /^application\/json\b/;

function assertAllowListsGetHeadOptions(res) {
  const allow = res.headers.get("allow");
  assert.ok(allow, `expected an Allow header, got headers ${JSON.stringify([...res.headers])}`);
  const methods = allow.split(",").map((m) => m.trim().toUpperCase());
  for (const m of ["GET", "HEAD", "OPTIONS"]) {
    assert.ok(methods.includes(m), `Allow ${JSON.stringify(allow)} should list ${m}`);
  }
  for (const m of ["POST", "DELETE", "PUT"]) {
    assert.ok(!methods.includes(m), `Allow ${JSON.stringify(allow)} should not list ${m}`);
  }
}

describe("walking skeleton (issue 2)", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker({ vars: WITH_SECRET });
  });
  after(async () => {
    await worker?.dispose();
  });

  it("GET /api/hello returns the Java greeting as JSON", async () => {
    const r = await worker.request("/api/hello");
    assert.equal(r.status, 200, r.summary());
    assert.match(r.headers.get("content-type") ?? "", JSON_TYPE);
    assert.deepEqual(r.json(), { message: "Hello from Java", runtime: "teavm-wasm" });
  });

  it("GET /api/posts/{id} binds the path parameter and stamps the render time", async () => {
    const before = Date.now();
    const r = await worker.request("/api/posts/skeleton-42");
    const after = Date.now();
    assert.equal(r.status, 200, r.summary());
    assert.match(r.headers.get("content-type") ?? "", JSON_TYPE);
    const body = r.json();
    assert.deepEqual(Object.keys(body).sort(), ["id", "timestamp"]);
    assert.equal(body.id, "skeleton-42");
    assert.equal(typeof body.timestamp, "number");
    assert.ok(Number.isInteger(body.timestamp), `timestamp ${body.timestamp} should be integral epoch ms`);
    // workerd's clock only advances across I/O, so allow a little slack either side.
    assert.ok(
      body.timestamp >= before - 2000 && body.timestamp <= after + 2000,
      `timestamp ${body.timestamp} should be the current epoch ms (between ${before} and ${after})`,
    );
  });

  it("GET /api/posts/{id} with a different id returns that id", async () => {
    const r = await worker.request("/api/posts/another-7");
    assert.equal(r.status, 200, r.summary());
    assert.equal(r.json().id, "another-7");
  });

  it("GET /api/long/{...rest} captures every remaining segment", async () => {
    const r = await worker.request("/api/long/a/b/c");
    assert.equal(r.status, 200, r.summary());
    assert.match(r.headers.get("content-type") ?? "", JSON_TYPE);
    assert.equal(r.json().path, "a/b/c");
  });

  it("GET /api/long/{...rest} with a single segment captures it", async () => {
    const r = await worker.request("/api/long/only");
    assert.equal(r.status, 200, r.summary());
    assert.equal(r.json().path, "only");
  });

  it("a throwing handler yields a short 500 and the worker keeps serving", async () => {
    const boom = await worker.request("/api/boom");
    assert.equal(boom.status, 500, boom.summary());
    assert.ok(boom.text.length > 0, "500 should carry a short text body");
    assert.ok(boom.text.length <= 512, `500 body should be short, got ${boom.text.length} chars: ${boom.text.slice(0, 200)}`);
    assert.doesNotMatch(boom.text, /\bat [\w$.]+\(/, "500 body should not leak a stack trace");
    assert.equal(boom.headers.get("x-isr-cache"), null, "an error must not be reported as cached");

    const hello = await worker.request("/api/hello");
    assert.equal(hello.status, 200, hello.summary());
    assert.deepEqual(hello.json(), { message: "Hello from Java", runtime: "teavm-wasm" });

    // and again: a second failure does not poison the isolate either
    const boom2 = await worker.request("/api/boom");
    assert.equal(boom2.status, 500, boom2.summary());
    const hello2 = await worker.request("/api/hello");
    assert.equal(hello2.status, 200, hello2.summary());
  });

  it("GET /api/kv/{key} awaits a KV read and returns the stored value", async () => {
    await worker.kv.put("greeting", "hello from kv ✓");
    const r = await worker.request("/api/kv/greeting", { headers: AUTH });
    assert.equal(r.status, 200, r.summary());
    assert.match(r.headers.get("content-type") ?? "", JSON_TYPE);
    assert.deepEqual(r.json(), { key: "greeting", value: "hello from kv ✓" });
  });

  it("GET /api/kv/{key} sees a value written after the worker started", async () => {
    await worker.kv.put("counter-key", "1");
    const first = await worker.request("/api/kv/counter-key", { headers: AUTH });
    assert.equal(first.status, 200, first.summary());
    assert.deepEqual(first.json(), { key: "counter-key", value: "1" });
  });

  it("GET /api/kv/{key} returns 404 for an absent key", async () => {
    const r = await worker.request("/api/kv/definitely-absent-key", { headers: AUTH });
    assert.equal(r.status, 404, r.summary());
  });

  it("POST /api/echo echoes arbitrary body bytes with the request content-type, uncached", async () => {
    const payload = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80, 0x7f, 10, 13, 0, 0xc3, 0x28]);
    const r = await worker.request("/api/echo", {
      method: "POST",
      headers: { "content-type": "application/x-isr4j-test" },
      body: payload,
    });
    assert.equal(r.status, 200, r.summary());
    assert.equal(r.headers.get("content-type"), "application/x-isr4j-test");
    assert.deepEqual([...r.bytes], [...payload]);
    assert.equal(r.headers.get("x-isr-cache"), null);
  });

  it("POST /api/echo echoes a UTF-8 JSON body unchanged", async () => {
    const payload = JSON.stringify({ hello: "wörld", emoji: "🚀", n: 1 });
    const r = await worker.request("/api/echo", {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body: payload,
    });
    assert.equal(r.status, 200, r.summary());
    assert.equal(r.headers.get("content-type"), "application/json; charset=utf-8");
    assert.equal(r.text, payload);
    assert.equal(r.headers.get("x-isr-cache"), null);
  });

  it("an unknown path is 404", async () => {
    for (const path of ["/nope", "/api/nope", "/api/hello/extra", "/api"]) {
      const r = await worker.request(path);
      assert.equal(r.status, 404, `${path}: ${r.summary()}`);
    }
  });

  it("DELETE on a known path is 405 with an Allow header", async () => {
    const r = await worker.request("/api/hello", { method: "DELETE" });
    assert.equal(r.status, 405, r.summary());
    assertAllowListsGetHeadOptions(r);
  });

  it("POST on a GET-only path is 405 with an Allow header", async () => {
    const r = await worker.request("/api/hello", { method: "POST", body: "x", headers: { "content-type": "text/plain" } });
    assert.equal(r.status, 405, r.summary());
    assertAllowListsGetHeadOptions(r);
  });

  it("HEAD /api/hello is 200 with GET's content-type and an empty body", async () => {
    const get = await worker.request("/api/hello");
    const head = await worker.request("/api/hello", { method: "HEAD" });
    assert.equal(head.status, 200, head.summary());
    assert.ok(get.headers.get("content-type"), "GET should have a content-type");
    assert.equal(head.headers.get("content-type"), get.headers.get("content-type"));
    assert.equal(head.bytes.length, 0);
  });

  it("OPTIONS /api/hello is 204 with an Allow header", async () => {
    const r = await worker.request("/api/hello", { method: "OPTIONS" });
    assert.equal(r.status, 204, r.summary());
    assertAllowListsGetHeadOptions(r);
    assert.equal(r.bytes.length, 0);
  });
});
