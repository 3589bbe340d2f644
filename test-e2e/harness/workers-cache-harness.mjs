// Main module for test-e2e/workers-cache.test.mjs: Cloudflare's Workers Cache as isr4j meets it, which workerd does
// not provide locally. In front of the isr4j worker (itself behind the gated KV harness, so a test can hold a
// regeneration's write) sits a small RFC 9111 shared cache, and every request the worker gets carries a ctx.cache
// whose purge and invalidate act on that cache and are recorded.
//
// The front cache: GET only, keyed by URL. It stores a 200-class answer with an explicit lifetime (s-maxage, else
// max-age) unless it is private, no-store, sets a cookie or varies; it serves it fresh for that lifetime (Age
// counted on), then, within stale-while-revalidate, stale while it revalidates in the background (one revalidation
// per entry at a time), and past that only after revalidating. Revalidation is conditional (If-None-Match with the
// stored ETag, else If-Modified-Since): a 304 keeps the stored body and takes the 304's header fields (RFC 9111
// section 4.3.4), anything else replaces the entry (or drops it, when not storable). Cache-Tag groups entries
// (case-insensitively, as Cloudflare's do): ctx.cache.purge({tags | pathPrefixes | purgeEverything}) drops them,
// ctx.cache.invalidate(same) marks them stale, so their next request revalidates them.
//
//   GET /__front/state        {calls, invocations, entries, failMode}: ctx.cache calls in order ({method, what,
//                             failed}); every worker invocation ({kind, method, path, ifNoneMatch, status, isr,
//                             etag}; kind "miss", "revalidate" (in the foreground), "background", "pass" (not a
//                             GET) or "bypass"); the stored entries
//   GET /__front/fail?mode=M  ctx.cache calls from now on: "throw" (synchronously), "reject" (a rejected promise),
//                             or "" (act on the front cache)
//   x-front-bypass: 1         a request header: straight to the worker (with ctx.cache), nothing stored
//   /__gate...                the gated KV harness's controls (see gated-kv-harness.mjs)
// Answers the front cache gives carry x-front-cache: HIT, STALE (served stale, revalidating in the background),
// REVALIDATED (a 304 kept the body), REFRESHED (a revalidation brought a new answer) or MISS.
import gated from "./gated-kv-harness.mjs";
export { IsrCoordinator } from "../../worker-java/fixtures/worker/isr4j-worker.mjs"; // the ISR_COORDINATOR object

/** URL -> {status, headers: [[name, value]], body, storedAt, initialAge, lifetime, swr, tags, invalidated, revalidating} */
const entries = new Map();
const calls = [];
const invocations = [];
let failMode = "";

const STORABLE_STATUS = new Set([200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501]);

function directives(cacheControl) {
  const out = new Map();
  for (const part of (cacheControl ?? "").split(",")) {
    const [name, value] = part.trim().split("=", 2);
    if (name) out.set(name.toLowerCase(), value === undefined ? true : value.replace(/^"|"$/g, ""));
  }
  return out;
}

function seconds(value) {
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** An entry's lifetime, stale-while-revalidate and tags, read from its (current) header fields. */
function describe(headers) {
  const cc = directives(headers.get("cache-control"));
  return {
    lifetime: seconds(cc.get("s-maxage")) ?? seconds(cc.get("max-age")) ?? 0,
    swr: seconds(cc.get("stale-while-revalidate")) ?? 0,
    tags: (headers.get("cache-tag") ?? "").split(",").map((t) => t.trim().toLowerCase()).filter(Boolean),
  };
}

function storable(response) {
  const cc = directives(response.headers.get("cache-control"));
  return STORABLE_STATUS.has(response.status) && !cc.has("no-store") && !cc.has("private")
    && (cc.has("s-maxage") || cc.has("max-age")) && !response.headers.has("set-cookie")
    && !response.headers.has("vary");
}

const currentAge = (e) => e.initialAge + (Date.now() - e.storedAt) / 1000;

function serve(entry, state) {
  const headers = new Headers(entry.headers);
  headers.set("age", String(Math.floor(currentAge(entry))));
  headers.set("x-front-cache", state);
  return new Response(entry.body === null ? null : entry.body.slice(0), { status: entry.status, headers });
}

/** Stores (or drops) what the worker answered for `key`, and answers with it. */
async function store(key, response, requestTime, state) {
  const body = response.status === 204 || response.status === 304 ? null : await response.arrayBuffer();
  const headers = new Headers(response.headers);
  if (storable(response)) {
    entries.set(key, {
      status: response.status, headers: [...headers], body, storedAt: Date.now(),
      initialAge: (seconds(headers.get("age")) ?? 0) + (Date.now() - requestTime) / 1000,
      ...describe(headers), invalidated: false, revalidating: false,
    });
  } else if (response.status < 500) {
    entries.delete(key);
  }
  headers.set("x-front-cache", state);
  return new Response(body, { status: response.status, headers });
}

/** A 304 for `entry`: its header fields replace the stored ones; the body stays (RFC 9111 section 4.3.4). */
function freshen(entry, notModified, requestTime) {
  const headers = new Headers(entry.headers);
  for (const [name, value] of notModified.headers) {
    if (name !== "content-length") headers.set(name, value);
  }
  Object.assign(entry, {
    headers: [...headers], storedAt: Date.now(),
    initialAge: (seconds(headers.get("age")) ?? 0) + (Date.now() - requestTime) / 1000,
    ...describe(headers), invalidated: false,
  });
}

// ctx.cache as the worker sees it: what it is asked is recorded, then done to the front cache (or made to fail).
function act(method, what) {
  calls.push({ method, what: structuredClone(what), failed: failMode !== "" });
  if (failMode === "throw") throw new Error(`ctx.cache.${method} failed (test)`);
  if (failMode === "reject") return Promise.reject(new Error(`ctx.cache.${method} rejected (test)`));
  const tags = (what?.tags ?? []).map((t) => String(t).toLowerCase());
  const prefixes = what?.pathPrefixes ?? [];
  for (const [url, entry] of entries) {
    const hit = what?.purgeEverything === true || entry.tags.some((t) => tags.includes(t))
      || prefixes.some((p) => new URL(url).pathname.startsWith(p));
    if (!hit) continue;
    if (method === "purge") entries.delete(url);
    else entry.invalidated = true;
  }
  return Promise.resolve();
}

const edgeCache = {
  purge: (what) => act("purge", what),
  invalidate: (what) => act("invalidate", what),
};

async function invoke(kind, request, env, ctx) {
  const url = new URL(request.url);
  const record = { kind, method: request.method, path: url.pathname + url.search,
    ifNoneMatch: request.headers.get("if-none-match"), status: null, isr: null, etag: null };
  invocations.push(record);
  const workerCtx = {
    waitUntil: (p) => ctx.waitUntil(p),
    passThroughOnException: () => ctx.passThroughOnException(),
    props: ctx.props,
    cache: edgeCache,
  };
  const response = await gated.fetch(request, env, workerCtx);
  Object.assign(record, { status: response.status, isr: response.headers.get("x-isr-cache"),
    etag: response.headers.get("etag") });
  return response;
}

/** Asks the worker about `entry` with its validators; answers (or, in the background, just updates the entry). */
async function revalidate(key, entry, request, env, ctx, kind) {
  const headers = new Headers(request.headers);
  headers.delete("if-none-match");
  headers.delete("if-modified-since");
  const stored = new Headers(entry.headers);
  if (stored.has("etag")) headers.set("if-none-match", stored.get("etag"));
  else if (stored.has("last-modified")) headers.set("if-modified-since", stored.get("last-modified"));
  entry.revalidating = true;
  try {
    const requestTime = Date.now();
    const response = await invoke(kind, new Request(request.url, { method: "GET", headers }), env, ctx);
    if (response.status === 304) {
      if (entries.get(key) === entry) freshen(entry, response, requestTime);
      return serve(entry, "REVALIDATED");
    }
    return await store(key, response, requestTime, "REFRESHED");
  } finally {
    entry.revalidating = false;
  }
}

function state() {
  return {
    calls,
    invocations,
    failMode,
    entries: [...entries].map(([url, e]) => ({ url, age: currentAge(e), lifetime: e.lifetime, swr: e.swr,
      invalidated: e.invalidated, etag: new Headers(e.headers).get("etag") })),
  };
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/__gate")) return gated.fetch(request, env, ctx);
    if (url.pathname === "/__front/state") return Response.json(state());
    if (url.pathname === "/__front/fail") {
      failMode = url.searchParams.get("mode") ?? "";
      return Response.json(state());
    }
    if (request.headers.has("x-front-bypass")) return invoke("bypass", request, env, ctx);
    if (request.method !== "GET") return invoke("pass", request, env, ctx);

    const key = request.url;
    const entry = entries.get(key);
    if (entry === undefined) {
      const requestTime = Date.now();
      return store(key, await invoke("miss", request, env, ctx), requestTime, "MISS");
    }
    const age = currentAge(entry);
    if (!entry.invalidated && age < entry.lifetime) return serve(entry, "HIT");
    if (entry.swr > 0 && age < entry.lifetime + entry.swr) {
      if (!entry.revalidating) {
        ctx.waitUntil(revalidate(key, entry, request, env, ctx, "background").then(
          (r) => r.body?.cancel(),
          (e) => console.error("front cache: a background revalidation failed:", e),
        ));
      }
      return serve(entry, "STALE");
    }
    return revalidate(key, entry, request, env, ctx, "revalidate");
  },
};
