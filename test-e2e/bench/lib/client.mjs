// Talking to a started worker from node (never under load): reading responses, waiting for a HIT,
// and moving KV entries between workers (the floor is seeded with the entries isr4j wrote).
import { setTimeout as sleep } from "node:timers/promises";
import { WORKERS } from "./workers.mjs";

/** isr4j's KV key of a path (CacheKeys.routeKey with no build id, plus KvCacheHandler's "cache:"). */
export const isr4jEntryKey = (path) => `cache:app:${path}:route`;

/** GET (or init.method) a path and read the whole body. */
export async function request(worker, path, init) {
  const res = await worker.fetch(path, init);
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, bytes, text: () => bytes.toString("utf8") };
}

/** The worker's cache state header (HIT, STALE, MISS), or null for workers that have none. */
export function cacheState(worker, response) {
  const header = WORKERS[worker.name].cacheHeader;
  return header === null ? null : response.headers.get(header);
}

/** Requests path until predicate(response) holds; bounded by timeoutMs. */
export async function pollUntil(worker, path, predicate, { timeoutMs = 10_000, intervalMs = 25, what } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (let attempt = 0; attempt < 100_000; attempt++) {
    last = await request(worker, path);
    if (predicate(last)) return last;
    if (Date.now() >= deadline) break;
    await sleep(intervalMs);
  }
  throw new Error(`${worker.name}/${worker.variant}: timed out waiting for ${what ?? "condition"} on ${path}; ` +
    `last status ${last?.status}, cache state ${last && cacheState(worker, last)}`);
}

/** Requests path until the worker serves it as a HIT (its background cache write has landed). */
export function warmUntilHit(worker, path, options) {
  return pollUntil(worker, path, (r) => {
    if (r.status !== 200) throw new Error(`${worker.name}/${worker.variant}: ${path} answered ${r.status}: ${r.text().slice(0, 200)}`);
    return cacheState(worker, r) === "HIT";
  }, { what: "a HIT", ...options });
}

/** Reads a KV entry: {value: ArrayBuffer, metadata} or null. */
export async function readEntry(worker, key) {
  if (worker.variant === "kv") {
    const { value, metadata } = await worker.kv.getWithMetadata(key, "arrayBuffer");
    return value === null ? null : { value, metadata };
  }
  const res = await worker.fetch(`/__bench/kv?key=${encodeURIComponent(key)}`);
  if (res.status === 404) {
    await res.arrayBuffer();
    return null;
  }
  if (res.status !== 200) throw new Error(`${worker.name}/${worker.variant}: bench control GET answered ${res.status}`);
  const metadata = JSON.parse(res.headers.get("x-kv-metadata"));
  return { value: await res.arrayBuffer(), metadata };
}

/** Writes a KV entry. */
export async function writeEntry(worker, key, { value, metadata }) {
  if (worker.variant === "kv") {
    await worker.kv.put(key, value, { metadata });
    return;
  }
  const res = await worker.fetch(`/__bench/kv?key=${encodeURIComponent(key)}`, {
    method: "PUT",
    body: value,
    headers: { "x-kv-metadata": JSON.stringify(metadata) },
  });
  await res.arrayBuffer();
  if (res.status !== 204) throw new Error(`${worker.name}/${worker.variant}: bench control PUT answered ${res.status}`);
}

/** Copies the entry isr4j wrote for path into another worker's KV (same variant). */
export async function copyIsr4jEntry(from, to, path) {
  const key = isr4jEntryKey(path);
  const entry = await readEntry(from, key);
  if (entry === null) throw new Error(`${from.name}/${from.variant} has no KV entry ${key}`);
  await writeEntry(to, key, entry);
}

/** Memory variant only: drops every in-memory KV key containing substring (keeps the isolate's heap small). */
export async function dropKeys(worker, substring) {
  if (worker.variant !== "memory") return null;
  const res = await worker.fetch(`/__bench/kv?contains=${encodeURIComponent(substring)}`, { method: "DELETE" });
  if (res.status !== 200) throw new Error(`${worker.name}/${worker.variant}: bench control DELETE answered ${res.status}`);
  return res.json();
}

/** Memory variant only: the in-memory KV's calls per method so far ({get, getWithMetadata, put, delete, list}). */
export async function kvCounts(worker) {
  if (worker.variant !== "memory") return null;
  const res = await worker.fetch("/__bench/kv?stats", { method: "POST" });
  if (res.status !== 200) throw new Error(`${worker.name}/${worker.variant}: bench control POST answered ${res.status}`);
  return res.json();
}

/**
 * Memory variant, isr4j only: body bytes copied between Java and JS so far in the isolate (JsBody's counter,
 * globalThis.isr4jBodyBytesCopied); null for other workers and variants.
 */
export async function bodyBytesCopied(worker) {
  if (worker.variant !== "memory" || !worker.name.startsWith("isr4j")) return null;
  const res = await worker.fetch("/__bench/kv?copied", { method: "POST" });
  if (res.status !== 200) throw new Error(`${worker.name}/${worker.variant}: bench control POST ?copied answered ${res.status}`);
  return (await res.json()).copied;
}
