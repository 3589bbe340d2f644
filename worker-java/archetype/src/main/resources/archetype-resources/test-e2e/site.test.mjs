// The built worker (worker-shim/, written by `mvn package`) in workerd under Miniflare, with a local KV.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { Miniflare } from "miniflare";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const fromRoot = (path) => fileURLToPath(new URL(path, new URL("..", import.meta.url)));
const SECRET = "e2e-secret";

describe("the site in workerd", { timeout: 60_000 }, () => {
  let mf;
  const get = (path, init) => mf.dispatchFetch(new URL(path, "http://localhost").href, init);

  before(async () => {
    mf = new Miniflare({
      // The TeaVM runtime's dynamic import() defeats Miniflare's module discovery: list the modules.
      modules: [
        { type: "ESModule", path: fromRoot("worker-shim/isr4j-worker.mjs") },
        { type: "CompiledWasm", path: fromRoot("worker-shim/build/isr4j.wasm") },
        { type: "ESModule", path: fromRoot("worker-shim/build/teavm-runtime.mjs") },
        { type: "ESModule", path: fromRoot("worker-shim/build/isr4j-js.mjs") },
        { type: "ESModule", path: fromRoot("worker-shim/build/prerendered.mjs") },
      ],
      modulesRoot: ROOT,
      compatibilityDate: "2025-06-01",
      cf: false, // never fetch Miniflare's cf placeholder from the network
      kvNamespaces: ["CACHE_KV"],
      bindings: { ISR_MODE: "production", ISR_REVALIDATE_SECRET: SECRET },
    });
    await mf.ready;
  });
  after(async () => {
    await mf?.dispose();
  });

  /** The cache is written in the background (ctx.waitUntil): poll until the next answer is a HIT. */
  async function untilHit(path) {
    const deadline = Date.now() + 5000;
    for (;;) {
      const res = await get(path);
      const body = await res.text();
      if (res.headers.get("x-isr-cache") === "HIT") return body;
      assert.ok(Date.now() < deadline, `${path} is still ${res.headers.get("x-isr-cache")}`);
      await sleep(25);
    }
  }

  it("renders /api/time once (MISS), then serves it from the cache (HIT)", async () => {
    const first = await get("/api/time");
    assert.equal(first.status, 200);
    assert.equal(first.headers.get("x-isr-cache"), "MISS");
    const rendered = await first.json();
    assert.equal(rendered.message, "Hello from Java");
    assert.deepEqual(JSON.parse(await untilHit("/api/time")), rendered);
  });

  it("serves the prerendered page from the first request", async () => {
    const res = await get("/posts/hello-world");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-isr-cache"), "HIT");
    assert.match(await res.text(), /<h1>hello-world<\/h1>/);
  });

  it("revalidates a tag only with the secret; the next request is a MISS", async () => {
    await untilHit("/api/time");
    const refused = await get("/api/revalidate?tag=time", { method: "POST" });
    assert.equal(refused.status, 401);
    await refused.arrayBuffer();
    const accepted = await get("/api/revalidate?tag=time", {
      method: "POST",
      headers: { Authorization: `Bearer ${SECRET}` },
    });
    assert.equal(accepted.status, 200);
    assert.deepEqual(await accepted.json(), { revalidated: "time" });
    const after = await get("/api/time");
    await after.arrayBuffer();
    assert.equal(after.headers.get("x-isr-cache"), "MISS");
  });
});
