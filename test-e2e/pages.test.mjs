// Pages (static props -> HTML) through Miniflare: pages prerendered at build time and bundled with the worker
// (worker-java/fixtures/worker/build/prerendered.mjs), the /_isr/data/<path>.json props route, the fallback modes
// (NONE / BLOCKING / SHOW_FALLBACK), not-found and redirect results, segment modes (FORCE_STATIC,
// FORCE_DYNAMIC) and on-demand revalidation of pages.
//
// The fixture app (worker-java/fixtures/.../FixtureApp.java) declares the pages these tests visit.
// Background work (cache writes, SHOW_FALLBACK renders) runs in ctx.waitUntil after the response: tests poll
// the worker or KV with a deadline, never sleep hoping it finished. Each describe block runs a fresh worker.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, startGatedWorker, pollUntil, EXPIRE_SECONDS } from "./mf.mjs";
import prerenderedBundle from "../worker-java/fixtures/worker/build/prerendered.mjs";

const NO_STORE = "private, no-cache, no-store, max-age=0, must-revalidate";
const STATIC_CACHE_CONTROL = "s-maxage=31536000";
const cacheControl = (revalidate) => `s-maxage=${revalidate}, stale-while-revalidate=${EXPIRE_SECONDS - revalidate}`;
const HTML_TYPE = /^text\/html\b/;
const SECRET = "s3cret";

/**
 * The build's bundle: {version, builtAt, entries: [[cacheKey, metadataJson, body, "utf8"?], ...]}: a body that is
 * UTF-8 text (a page's HTML) is written as that text, marked "utf8"; any other body as base64.
 */
const bundle = JSON.parse(prerenderedBundle);

function bundledBody(entry) {
  return entry[3] === "utf8" ? entry[2] : Buffer.from(entry[2], "base64").toString("utf8");
}

function bundled(key) {
  const entry = bundle.entries.find((e) => e[0] === key);
  assert.ok(entry, `the build bundled no ${key}; bundled: ${bundle.entries.map((e) => e[0]).join(", ")}`);
  return { key, metadata: JSON.parse(entry[1]), body: bundledBody(entry) };
}

/** The rendered-at timestamp (epoch ms) of an article page. */
function renderedAt(r) {
  const m = /<p class="rendered-at">Rendered <time datetime="[^"]+" data-ms="(\d+)">/.exec(r.text);
  assert.ok(m, `no rendered-at in ${r.summary()}`);
  return Number(m[1]);
}

/** Every page response: the props header stays inside the cache. */
function assertNoPropsHeader(r, what) {
  assert.equal(r.headers.get("x-isr-props"), null, `${what}: x-isr-props must never reach a client: ${r.summary()}`);
}

function assertPage(r, { status = 200, isr, cc }, what) {
  assert.equal(r.status, status, `${what}: ${r.summary()}`);
  assert.equal(r.isr, isr, `${what}: x-isr-cache in ${r.summary()}`);
  if (cc !== undefined) assert.equal(r.headers.get("cache-control"), cc, `${what}: Cache-Control`);
  assertNoPropsHeader(r, what);
}

function pollForHit(worker, path, what = `HIT on ${path}`, init = undefined) {
  return pollUntil(() => worker.request(path, init), (r) => r.isr === "HIT", { what, timeoutMs: 10_000 });
}

/** Reads a KV entry with its metadata; null when absent. */
async function readKv(kv, key) {
  const { value, metadata } = await kv.getWithMetadata(key, "arrayBuffer");
  if (value === null || value === undefined) return null;
  return {
    key,
    metadata,
    text: Buffer.from(value).toString("utf8"),
    toString() {
      return `KV ${key}: metadata=${JSON.stringify(metadata)}`;
    },
  };
}

function pollKv(kv, key, predicate, what) {
  return pollUntil(() => readKv(kv, key), predicate, { what, timeoutMs: 10_000 });
}

function revalidate(worker, body) {
  return worker.request("/__isr/revalidate", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${SECRET}` },
    body: JSON.stringify(body),
  });
}

// ---------------------------------------------------------------------------------------------------------

describe("the build's prerendered bundle", () => {
  it("holds every static path of the fixture app's pages and its parameterless FORCE_STATIC route", () => {
    assert.equal(bundle.version, 1);
    assert.equal(typeof bundle.builtAt, "number");
    const keys = bundle.entries.map((e) => e[0]).sort();
    for (const key of [
      "pages:/",
      "pages:/blog/hello-world",
      "pages:/blog/second-post",
      "pages:/docs/intro",
      "pages:/products/1",
      "pages:/about",
      "app:/api/static-config:route",
    ]) {
      assert.ok(keys.includes(key), `${key} missing from the bundle: ${keys.join(", ")}`);
    }
    assert.ok(!keys.some((k) => k.startsWith("pages:/live/")), `FORCE_DYNAMIC pages are never bundled: ${keys}`);
    const hello = bundled("pages:/blog/hello-world");
    assert.equal(hello.metadata.k, "page");
    assert.deepEqual(hello.metadata.t, ["blog", "path:/blog/hello-world", "layout:/", "layout:/blog", "layout:/blog/hello-world"]);
    assert.match(hello.body, /<article data-slug="hello-world"><h1>Hello World<\/h1>/);
  });
});

describe("prerendered pages are HITs from the first request", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker();
  });
  after(async () => {
    await worker?.dispose();
  });

  it("/blog/hello-world is a HIT on the very first request, with the body rendered at build time", async () => {
    const first = await worker.request("/blog/hello-world");
    assertPage(first, { isr: "HIT", cc: cacheControl(60) }, "first GET /blog/hello-world");
    assert.match(first.headers.get("content-type") ?? "", HTML_TYPE);
    assert.equal(first.text, bundled("pages:/blog/hello-world").body, "served from the bundle, not rendered now");
    assert.match(first.text, /<article data-slug="hello-world"><h1>Hello World<\/h1><p class="rendered-at">Rendered <time /);
    assert.ok(renderedAt(first) <= bundle.builtAt, `rendered at build time (${bundle.builtAt}): ${renderedAt(first)}`);

    const second = await worker.request("/blog/hello-world");
    assertPage(second, { isr: "HIT", cc: cacheControl(60) }, "second GET /blog/hello-world");
    assert.equal(second.text, first.text);
  });

  it("the first request installs the page in KV as cache:pages:/blog/hello-world with kind page", async () => {
    await worker.request("/blog/hello-world");
    const entry = await pollKv(worker.kv, "cache:pages:/blog/hello-world", (e) => e !== null, "the installed page");
    assert.equal(entry.metadata.k, "page", `${entry}`);
    assert.equal(entry.metadata.v, 2, `${entry}`);
    assert.equal(entry.metadata.s, 200, `${entry}`);
    assert.deepEqual(entry.metadata.t, ["blog", "path:/blog/hello-world", "layout:/", "layout:/blog", "layout:/blog/hello-world"], `${entry}`);
    assert.equal(entry.metadata.ra - entry.metadata.lm, 60_000, `revalidate 60 s: ${entry}`);
    assert.equal(entry.text, bundled("pages:/blog/hello-world").body);
    assert.equal(await readKv(worker.kv, "cache:app:/blog/hello-world:route"), null, "pages never use route keys");
  });

  it("every other listed path is a HIT too, including a SHOW_FALLBACK page's listed path", async () => {
    const second = await worker.request("/blog/second-post");
    assertPage(second, { isr: "HIT", cc: cacheControl(60) }, "/blog/second-post");
    assert.match(second.text, /<h1>Second Post<\/h1>/);
    const docs = await worker.request("/docs/intro");
    assertPage(docs, { isr: "HIT", cc: cacheControl(300) }, "/docs/intro");
    const product = await worker.request("/products/1");
    assertPage(product, { isr: "HIT", cc: cacheControl(60) }, "/products/1");
    assert.match(product.text, /class="product" data-id="1"/);
    assert.doesNotMatch(product.text, /class="fallback"/);
  });

  it("a trailing slash is the same page", async () => {
    const r = await worker.request("/blog/second-post/");
    assertPage(r, { isr: "HIT" }, "/blog/second-post/");
    assert.equal(r.text, bundled("pages:/blog/second-post").body);
  });
});

describe("the /_isr/data/<path>.json props route", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker();
  });
  after(async () => {
    await worker?.dispose();
  });

  it("serves a prerendered page's props as JSON with the page's cache headers", async () => {
    const page = await worker.request("/blog/hello-world");
    const data = await worker.request("/_isr/data/blog/hello-world.json");
    assert.equal(data.status, 200, data.summary());
    assert.match(data.headers.get("content-type") ?? "", /^application\/json\b/);
    assert.equal(data.isr, page.isr, "same x-isr-cache as the page");
    assert.equal(data.isr, "HIT");
    assert.equal(data.headers.get("cache-control"), page.headers.get("cache-control"), "same Cache-Control");
    assertNoPropsHeader(data, "data route");
    const props = data.json();
    assert.equal(props.slug, "hello-world");
    assert.equal(props.title, "Hello World");
    assert.equal(props.renderedAt, renderedAt(page), "the props the page was rendered from");
  });

  it("shares the entry with the page: data first (MISS), then the page is a HIT with the same props", async () => {
    const data = await worker.request("/_isr/data/blog/data-first.json");
    assert.equal(data.status, 200, data.summary());
    assert.equal(data.isr, "MISS");
    assert.equal(data.headers.get("cache-control"), cacheControl(60));
    const page = await pollForHit(worker, "/blog/data-first");
    assertPage(page, { isr: "HIT", cc: cacheControl(60) }, "page after its data");
    assert.equal(renderedAt(page), data.json().renderedAt);
  });

  it("a not-found page's data is a 404 {notFound:true}; a redirect's data describes it", async () => {
    const missing = await worker.request("/_isr/data/blog/missing-data.json");
    assert.equal(missing.status, 404, missing.summary());
    assert.deepEqual(missing.json(), { notFound: true });
    const redirect = await worker.request("/_isr/data/blog/old-post.json", { redirect: "manual" });
    assert.equal(redirect.status, 200, redirect.summary());
    assert.equal(redirect.headers.get("location"), null);
    assert.deepEqual(redirect.json(), { redirect: { destination: "/blog/hello-world", permanent: true } });
  });

  it("is a 404 for a route handler, an unknown path and an unlisted NONE page", async () => {
    for (const path of ["/_isr/data/api/hello.json", "/_isr/data/no/such/page.json", "/_isr/data/docs/unlisted.json"]) {
      const r = await worker.request(path);
      assert.equal(r.status, 404, `${path}: ${r.summary()}`);
      assert.equal(r.isr, null, `${path}: ${r.summary()}`);
    }
  });

  it("allows HEAD and refuses POST with 405", async () => {
    const head = await worker.request("/_isr/data/blog/second-post.json", { method: "HEAD" });
    assert.equal(head.status, 200, head.summary());
    assert.equal(head.bytes.length, 0);
    assert.match(head.headers.get("content-type") ?? "", /^application\/json\b/);
    const post = await worker.request("/_isr/data/blog/second-post.json", { method: "POST", body: "{}" });
    assert.equal(post.status, 405, post.summary());
    assert.match(post.headers.get("allow") ?? "", /\bGET\b/);
  });
});

describe("fallback modes", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startGatedWorker();
  });
  after(async () => {
    await worker?.dispose();
  });

  it("NONE: an unlisted /docs path is a plain 404 without x-isr-cache, every time", async () => {
    for (let i = 0; i < 3; i++) {
      const r = await worker.request("/docs/not-listed");
      assert.equal(r.status, 404, r.summary());
      assert.equal(r.isr, null, `request ${i}: ${r.summary()}`);
      assertNoPropsHeader(r, "NONE 404");
    }
    assert.equal(await readKv(worker.kv, "cache:pages:/docs/not-listed"), null);
  });

  it("BLOCKING: an unlisted /blog path renders (MISS), is stored, then is a HIT with the same body", async () => {
    const miss = await worker.request("/blog/brand-new-post");
    assertPage(miss, { isr: "MISS", cc: cacheControl(60) }, "first GET");
    assert.match(miss.text, /<article data-slug="brand-new-post"><h1>Brand New Post<\/h1>/);
    const hit = await pollForHit(worker, "/blog/brand-new-post");
    assertPage(hit, { isr: "HIT", cc: cacheControl(60) }, "after the write");
    assert.equal(hit.text, miss.text);
    const entry = await readKv(worker.kv, "cache:pages:/blog/brand-new-post");
    assert.ok(entry, "stored under the page key");
    assert.equal(entry.metadata.k, "page");
  });

  it("SHOW_FALLBACK: an unlisted /products path gets the fallback once, then (after the background render) the real page", async () => {
    const fallback = await worker.request("/products/42");
    assertPage(fallback, { isr: "FALLBACK", cc: NO_STORE }, "first GET /products/42");
    assert.match(fallback.headers.get("content-type") ?? "", HTML_TYPE);
    assert.match(fallback.text, /<p class="fallback">Loading product...<\/p>/);

    const real = await pollForHit(worker, "/products/42", "the real /products/42 after the background render");
    assertPage(real, { isr: "HIT", cc: cacheControl(60) }, "the real page");
    assert.match(real.text, /<article class="product" data-id="42"><h1>Espresso cup/);
    assert.doesNotMatch(real.text, /class="fallback"/);
    const entry = await readKv(worker.kv, "cache:pages:/products/42");
    assert.ok(entry && entry.metadata.k === "page", `the real page is stored: ${entry}`);
    assert.doesNotMatch(entry.text, /class="fallback"/, "the fallback itself is never stored");
  });

  it("SHOW_FALLBACK: requests before the page is stored all get the fallback, never an error; it renders once", async () => {
    const key = "cache:pages:/products/77";
    // The background render's write waits until the test releases it: every request arrives before the page
    // is stored, however slowly they arrive.
    await worker.gate.hold({ writes: key });
    const results = await Promise.all(Array.from({ length: 5 }, () => worker.request("/products/77")));
    for (const r of results) {
      assert.equal(r.status, 200, r.summary());
      assert.equal(r.isr, "FALLBACK", r.summary());
    }
    await worker.gate.waitForHeld(1);
    await worker.gate.release();
    const real = await pollForHit(worker, "/products/77");
    assert.match(real.text, /data-id="77"/);
    const { matched } = await worker.gate.state();
    assert.deepEqual(matched, [["put", key]], "one background render for five fallbacks");
  });
});

describe("not-found and redirect results are cached like pages", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker();
  });
  after(async () => {
    await worker?.dispose();
  });

  it("slug old-post is a 308 to /blog/hello-world, then a cached 308", async () => {
    const init = { redirect: "manual" };
    const miss = await worker.request("/blog/old-post", init);
    assertPage(miss, { status: 308, isr: "MISS", cc: cacheControl(60) }, "first GET /blog/old-post");
    assert.equal(miss.headers.get("location"), "/blog/hello-world");
    const hit = await pollForHit(worker, "/blog/old-post", "HIT on /blog/old-post", init);
    assertPage(hit, { status: 308, isr: "HIT", cc: cacheControl(60) }, "cached redirect");
    assert.equal(hit.headers.get("location"), "/blog/hello-world");
  });

  it("slug missing-* is a 404 page, then a cached 404", async () => {
    const miss = await worker.request("/blog/missing-article");
    assertPage(miss, { status: 404, isr: "MISS", cc: cacheControl(60) }, "first GET /blog/missing-article");
    assert.match(miss.headers.get("content-type") ?? "", HTML_TYPE);
    const hit = await pollForHit(worker, "/blog/missing-article");
    assertPage(hit, { status: 404, isr: "HIT" }, "cached 404");
    assert.equal(hit.text, miss.text);
  });
});

describe("segment modes", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker();
  });
  after(async () => {
    await worker?.dispose();
  });

  it("FORCE_STATIC page /about: x-isr-cache STATIC and s-maxage=31536000 from the first request", async () => {
    const first = await worker.request("/about");
    assertPage(first, { isr: "STATIC", cc: STATIC_CACHE_CONTROL }, "first GET /about");
    assert.equal(first.text, bundled("pages:/about").body);
    const second = await worker.request("/about?utm=1");
    assertPage(second, { isr: "STATIC", cc: STATIC_CACHE_CONTROL }, "second GET /about");
    assert.equal(second.text, first.text);
  });

  it("FORCE_STATIC route /api/static-config: STATIC with s-maxage=31536000", async () => {
    const first = await worker.request("/api/static-config");
    assert.equal(first.status, 200, first.summary());
    assert.equal(first.isr, "STATIC", first.summary());
    assert.equal(first.headers.get("cache-control"), STATIC_CACHE_CONTROL);
    const second = await worker.request("/api/static-config");
    assert.equal(second.isr, "STATIC");
    assert.deepEqual(second.json(), first.json());
  });

  it("FORCE_DYNAMIC page /live/{slug}: no x-isr-cache and the no-store Cache-Control, every time", async () => {
    for (let i = 0; i < 3; i++) {
      const r = await worker.request("/live/now");
      assertPage(r, { isr: null, cc: NO_STORE }, `GET /live/now #${i}`);
      assert.match(r.text, /<article data-slug="now"><h1>Live<\/h1>/);
    }
    const data = await worker.request("/_isr/data/live/now.json");
    assert.equal(data.status, 200, data.summary());
    assert.equal(data.isr, null);
    assert.equal(data.headers.get("cache-control"), NO_STORE);
  });
});

describe("on-demand revalidation of pages through POST /__isr/revalidate", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker({ vars: { ISR_REVALIDATE_SECRET: SECRET } });
  });
  after(async () => {
    await worker?.dispose();
  });

  it("revalidateTag(blog) makes the next /blog/hello-world a MISS with a new rendered-at", async () => {
    const before = await worker.request("/blog/hello-world");
    assertPage(before, { isr: "HIT" }, "prerendered page");
    await pollKv(worker.kv, "cache:pages:/blog/hello-world", (e) => e !== null, "the installed page");

    const res = await revalidate(worker, { tags: ["blog"] });
    assert.equal(res.status, 200, res.summary());
    assert.deepEqual(res.json().tags, ["blog"]);

    const miss = await worker.request("/blog/hello-world");
    assertPage(miss, { isr: "MISS", cc: cacheControl(60) }, "after revalidateTag(blog)");
    assert.notEqual(renderedAt(miss), renderedAt(before), "re-rendered, not the bundle again");
    assert.ok(renderedAt(miss) > bundle.builtAt, `rendered now: ${renderedAt(miss)}`);

    const hit = await pollForHit(worker, "/blog/hello-world");
    assert.equal(hit.text, miss.text, "the new render is what is cached");
    const entry = await readKv(worker.kv, "cache:pages:/blog/hello-world");
    assert.equal(entry.text, miss.text, "KV holds the new render");
    assert.equal(entry.metadata.k, "page");
  });

  it("revalidatePath reaches a page and leaves its siblings alone", async () => {
    const post = await worker.request("/blog/second-post");
    assert.equal(post.status, 200, post.summary());
    const docs = await worker.request("/docs/intro");
    await pollKv(worker.kv, "cache:pages:/blog/second-post", (e) => e !== null, "installed /blog/second-post");
    await pollKv(worker.kv, "cache:pages:/docs/intro", (e) => e !== null, "installed /docs/intro");

    const res = await revalidate(worker, { paths: ["/docs/intro"] });
    assert.equal(res.status, 200, res.summary());

    const after = await worker.request("/docs/intro");
    assertPage(after, { isr: "MISS", cc: cacheControl(300) }, "/docs/intro after revalidatePath");
    assert.notEqual(renderedAt(after), renderedAt(docs));
    const sibling = await worker.request("/blog/second-post");
    assert.notEqual(sibling.isr, "MISS", `a page of another path is untouched: ${sibling.summary()}`);
  });

  it("revalidateTag(products) re-renders the prerendered /products/1 in the foreground", async () => {
    const first = await worker.request("/products/1");
    assertPage(first, { isr: "HIT" }, "prerendered /products/1");
    await pollKv(worker.kv, "cache:pages:/products/1", (e) => e !== null, "installed /products/1");
    const res = await revalidate(worker, { tags: ["products"] });
    assert.equal(res.status, 200, res.summary());
    const after = await worker.request("/products/1");
    assertPage(after, { isr: "MISS" }, "/products/1 after revalidateTag(products)");
    assert.match(after.text, /data-id="1"/, "a listed path is rendered, never the fallback");
  });
});
