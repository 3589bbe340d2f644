// Shared helpers for the isr4j end-to-end tests: a fresh Miniflare (workerd) instance running the real
// shim + TeaVM-compiled Java module, and a poller for background (ctx.waitUntil) work.
//
// Every describe block starts its own worker with startWorker() and disposes it in after(), so no test
// sees another block's cache or KV data.
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { Miniflare } from "miniflare";
import { REPO_ROOT, workerModules } from "./worker-modules.mjs";

const GATED_KV_HARNESS = "test-e2e/harness/gated-kv-harness.mjs";


export const ORIGIN = "http://localhost";

/**
 * The revalidation secret the e2e workers that need one are started with (vars: WITH_SECRET); the fixture app's
 * mutation and KV routes, and POST /__isr/revalidate, require it as a bearer token (AUTH).
 */
export const REVALIDATE_SECRET = "e2e-revalidate-secret";
export const WITH_SECRET = { ISR_REVALIDATE_SECRET: REVALIDATE_SECRET };
export const AUTH = { authorization: `Bearer ${REVALIDATE_SECRET}` };

/** The ISR_COORDINATOR binding; a worker whose main module is a harness must re-export IsrCoordinator. */
export const COORDINATOR = { ISR_COORDINATOR: { className: "IsrCoordinator", useSQLite: true } };

/** Cache-Control "expire" default: one year, in seconds. */
export const EXPIRE_SECONDS = 31536000;

/**
 * Starts the isr4j worker in a fresh Miniflare.
 *
 * @param {object} [options]
 * @param {Record<string, string>} [options.vars] plain-text bindings; ISR_MODE defaults to "production"
 * @param {object} [options.miniflare] extra Miniflare options, merged last
 * @returns {Promise<{mf: Miniflare, fetch: Function, request: Function, kv: any, dispose: Function}>}
 *   fetch(path, init) -> the raw Response (caller must consume the body);
 *   request(path, init) -> a fully read snapshot (see readResponse).
 */
export async function startWorker({ vars = {}, miniflare = {} } = {}) {
  const mf = new Miniflare({
    modules: workerModules(),
    modulesRoot: REPO_ROOT,
    compatibilityDate: "2025-06-01",
    cf: false, // no network: never let miniflare download the cf placeholder
    kvNamespaces: ["CACHE_KV"],
    r2Buckets: ["CACHE_R2"],
    // As worker-java/fixtures/wrangler.jsonc: the coordinator Durable Object the shim exports (its own SQLite storage).
    durableObjects: COORDINATOR,
    bindings: { ISR_MODE: "production", ...vars },
    ...miniflare,
  });
  await mf.ready;
  const kv = await mf.getKVNamespace("CACHE_KV");
  const fetch = (path, init) => mf.dispatchFetch(new URL(path, ORIGIN).href, init);
  const request = async (path, init) => readResponse(await fetch(path, init));
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    await mf.dispose();
  };
  return { mf, fetch, request, kv, dispose };
}

/**
 * Starts the worker behind a CACHE_KV whose reads or writes the test holds and releases
 * (harness/gated-kv-harness.mjs), so "while a render or write is still running" is a state the test controls.
 * Adds worker.gate:
 *   hold({reads, writes})  hold, from now on, calls on keys containing these strings
 *   release()              let every held call go on, and hold nothing more
 *   state()                {held, matched}: [method, key] pairs waiting now / matched since hold()
 *   waitForHeld(n)         polls until n calls are held, returns the state
 */
export async function startGatedWorker({ vars = {}, miniflare = {} } = {}) {
  const worker = await startWorker({ vars, miniflare: { modules: workerModules(GATED_KV_HARNESS), ...miniflare } });
  const call = async (path) => (await worker.request(path)).json();
  const state = () => call("/__gate/state");
  worker.gate = {
    hold({ reads, writes } = {}) {
      const query = new URLSearchParams();
      if (reads !== undefined) query.set("reads", reads);
      if (writes !== undefined) query.set("writes", writes);
      return call(`/__gate?${query}`);
    },
    release: () => call("/__gate/release"),
    state,
    waitForHeld: (n = 1) =>
      pollUntil(state, (s) => s.held.length >= n, { what: `${n} held KV call(s)`, timeoutMs: 20_000 }),
  };
  return worker;
}

/**
 * Requests path and notes when it was sent and answered, so a test can tell what the clock allows for an entry
 * that turns stale at a known moment (see statesByClock).
 */
export async function timedRequest(worker, path, init) {
  const sentAt = Date.now();
  const r = await worker.request(path, init);
  return Object.assign(r, { sentAt, answeredAt: Date.now() });
}

/**
 * The cache states a timed response may have for an entry stale from staleAt (epoch ms, its metadata's ra):
 * HIT when it was answered before staleAt, STALE when it was sent after, either when staleAt fell in between.
 * workerd reads the same wall clock as this process, so no slack is needed.
 */
export function statesByClock(r, staleAt) {
  if (r.answeredAt < staleAt) return ["HIT"];
  if (r.sentAt > staleAt) return ["STALE"];
  return ["HIT", "STALE"];
}

/**
 * Reads a Response completely.
 * @returns {Promise<{status: number, headers: Headers, bytes: Buffer, text: string, json: () => any,
 *   isr: string | null, summary: () => string}>}
 */
export async function readResponse(res) {
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = bytes.toString("utf8");
  return {
    status: res.status,
    headers: res.headers,
    bytes,
    text,
    isr: res.headers.get("x-isr-cache"),
    json() {
      try {
        return JSON.parse(text);
      } catch (e) {
        assert.fail(`response body is not JSON (status ${res.status}): ${truncate(text)}`);
      }
    },
    summary() {
      return describeResponse(this);
    },
  };
}

function truncate(text, max = 300) {
  return text.length > max ? `${text.slice(0, max)}... (${text.length} chars)` : text;
}

/** One-line description of a read response, for failure messages. */
export function describeResponse(r) {
  if (!r || typeof r !== "object" || !("status" in r)) return String(r);
  const h = (name) => r.headers.get(name);
  const contentType = h("content-type") ?? "";
  const body = /json|text/.test(contentType) ? JSON.stringify(truncate(r.text)) : `<${r.bytes.length} bytes>`;
  return (
    `status=${r.status} x-isr-cache=${h("x-isr-cache")} cache-control=${JSON.stringify(h("cache-control"))} ` +
    `cache-status=${JSON.stringify(h("cache-status"))} content-type=${JSON.stringify(contentType)} body=${body}`
  );
}

/**
 * Calls fn until predicate(value) holds, then returns that value. Fails when the deadline passes, showing
 * the last observed value. fn may throw (e.g. an assertion on the status code) to fail at once.
 *
 * @template T
 * @param {() => Promise<T>} fn
 * @param {(value: T) => boolean} predicate
 * @param {{timeoutMs?: number, intervalMs?: number, what?: string}} [options]
 * @returns {Promise<T>}
 */
export async function pollUntil(fn, predicate, { timeoutMs = 20_000, intervalMs = 25, what = "condition" } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  let attempts = 0;
  for (;;) {
    last = await fn();
    attempts++;
    if (predicate(last)) return last;
    if (Date.now() >= deadline) break;
    await sleep(intervalMs);
  }
  assert.fail(
    `timed out after ${timeoutMs} ms (${attempts} attempts) waiting for ${what}; last observed: ${describeResponse(last)}`,
  );
}

/** Sleeps until the wall clock has passed epochMs (a clock wait, not a wait for background work). */
export async function waitForClock(epochMs) {
  const remaining = epochMs - Date.now();
  if (remaining > 0) await sleep(remaining);
}

/** Compares byte arrays without dumping megabytes into the failure message. */
export function assertBytesEqual(actual, expected, label = "body") {
  const a = Buffer.from(actual);
  const e = Buffer.from(expected);
  if (a.equals(e)) return;
  let i = 0;
  while (i < a.length && i < e.length && a[i] === e[i]) i++;
  assert.fail(
    `${label}: ${a.length} bytes, expected ${e.length}; first difference at index ${i}` +
      (i < a.length && i < e.length ? ` (got ${a[i]}, expected ${e[i]})` : ""),
  );
}

/** FNV-1a 64 of a string's UTF-8 bytes, as 16 hex digits: the hash isr4j documents for long keys. */
export function fnv1a64Hex(text) {
  let h = 0xcbf29ce484222325n;
  for (const b of Buffer.from(text, "utf8")) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, "0");
}

/** /api/binary's body: 4096 bytes, 0..255 repeated. */
export function expectedBinary() {
  const b = Buffer.alloc(4096);
  for (let i = 0; i < b.length; i++) b[i] = i & 0xff;
  return b;
}

/** /api/huge's body: 30 MiB, byte i = ((i >>> 10) * 131 + i * 7 + 3) & 0xff. */
export function expectedHuge() {
  const b = Buffer.alloc(30 << 20);
  for (let i = 0; i < b.length; i++) b[i] = ((i >>> 10) * 131 + i * 7 + 3) & 0xff;
  return b;
}

/** /api/large's body: 1 MiB, byte i = (i * 31 + 7) & 0xff. */
export function expectedLarge() {
  const b = Buffer.alloc(1_048_576);
  for (let i = 0; i < b.length; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}
