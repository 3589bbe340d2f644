// Issue 11: request input reflected into a response header can never add header fields. Headers cross from
// Java to JS in a length-prefixed framing, and a handler whose answer holds a header HTTP cannot carry (CR,
// LF or NUL in a value, a name that is no token) gets a 500 logged with its route and the header's name;
// nothing of it is cached. Routes: /api/go/{target} (cached; target reflected into Location) and
// /api/redirect-to?to=... (dynamic), both in FailureRoutes.java.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker } from "./mf.mjs";
import { workerLogs } from "./worker-logs.mjs";

const INJECTIONS = {
  "LF, as the old framing split on it": "x%0aset-cookie%0aplanted=1",
  "CRLF": "x%0d%0aSet-Cookie:%20planted=1",
  "CR": "x%0dset-cookie:%20planted=1",
};

function assertNoPlantedHeaders(r) {
  assert.equal(r.headers.get("set-cookie"), null, `no Set-Cookie may be planted: ${JSON.stringify([...r.headers])}`);
  for (const [name, value] of r.headers) {
    assert.ok(!/planted/.test(name) && !/planted/.test(value), `header ${name}: ${value} carries injected input`);
  }
}

describe("header injection through reflected input (issue 11)", { timeout: 60_000 }, () => {
  let worker;
  const logs = workerLogs();
  before(async () => {
    worker = await startWorker({ miniflare: { handleRuntimeStdio: logs.handleRuntimeStdio } });
  });
  after(async () => {
    await worker?.dispose();
  });

  it("a NUL in the path never reaches a handler: the request is a 400", async () => {
    const r = await worker.request("/api/go/x%00planted", { redirect: "manual" });
    assert.equal(r.status, 400, r.summary());
    assertNoPlantedHeaders(r);
  });

  for (const [what, target] of Object.entries(INJECTIONS)) {
    it(`a path parameter with ${what} in Location is a 500 naming the route and header, twice (never cached)`, async () => {
      for (let i = 0; i < 2; i++) {
        const r = await worker.request(`/api/go/${target}`, { redirect: "manual" });
        assert.equal(r.status, 500, r.summary());
        assert.equal(r.text, "Internal Server Error");
        assert.equal(r.isr, null, "a refused answer has no cache state");
        assertNoPlantedHeaders(r);
      }
      // Both requests ran the handler (nothing was cached) and were refused where the handler returned.
      // The log names the path in its canonical form (escapes upper-cased).
      const canonical = target.replace(/%[0-9a-f]{2}/gi, (e) => e.toUpperCase());
      const line = [`handler for GET /api/go/{target} (/api/go/${canonical}) failed`, `"location"`, "remove line breaks"];
      await logs.waitFor(line);
      await logs.waitFor(line, { count: 2 });
    });
  }

  it("the same injection through the query string (a dynamic route) is a 500 too", async () => {
    const r = await worker.request("/api/redirect-to?to=/x%0d%0aSet-Cookie:%20planted=1", { redirect: "manual" });
    assert.equal(r.status, 500, r.summary());
    assertNoPlantedHeaders(r);
    await logs.waitFor(["handler for GET /api/redirect-to (/api/redirect-to) failed", `"location"`, "remove line breaks"]);
  });

  it("a value holding the framing's own characters (digits and colons) arrives intact and is cached", async () => {
    const target = "3:ab5:hello8:location";
    const first = await worker.request(`/api/go/${target}`, { redirect: "manual" });
    assert.equal(first.status, 302, first.summary());
    assert.equal(first.headers.get("location"), `/blog/${target}`);
    assertNoPlantedHeaders(first);
    assert.equal(first.isr, "MISS");
  });

  it("a normal redirect still works, and is cached", async () => {
    const r = await worker.request("/api/go/hello-world", { redirect: "manual" });
    assert.equal(r.status, 302, r.summary());
    assert.equal(r.headers.get("location"), "/blog/hello-world");
  });

  it("request header values cross into Java intact, framing characters included", async () => {
    const agent = "12:x-injected5:value ;:,\t0:";
    const r = await worker.request("/api/dynamic-data", { headers: { "user-agent": agent } });
    assert.equal(r.status, 200, r.summary());
    assert.equal(r.json().userAgent, agent);
  });
});
