// Issue 4: Workers KV as the ISR cache (binding CACHE_KV). What a MISS writes to KV (key, format v2, TTL),
// regeneration through KV, unreadable and foreign entries, entries written by someone else (another isolate
// or release), tag and path invalidation (from Java and through POST /__isr/revalidate), hard expiry.
//
// KV is read and seeded from Node through Miniflare's binding (worker.kv). Writes happen in ctx.waitUntil,
// after the response: these tests poll KV or the worker with a deadline, never sleep hoping they landed.
// Each describe block runs its own worker, so its own KV namespace and its own isolate (tag-state cache).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, pollUntil, waitForClock, timedRequest, statesByClock, assertBytesEqual, EXPIRE_SECONDS, fnv1a64Hex, expectedBinary, expectedLarge, REVALIDATE_SECRET, WITH_SECRET, AUTH } from "./mf.mjs";

const SECRET = REVALIDATE_SECRET;
const KV_TTL_SECONDS = 30 * 24 * 3600;
/** Metadata limit of Workers KV; above it the entry header moves into the value. */
const MAX_METADATA_BYTES = 1024;
const NOT_STORED = ["x-isr-cache", "cache-status", "cache-control", "set-cookie"];
const V2_FIELDS = ["ea", "h", "id", "k", "lm", "ra", "s", "t", "v"];
const ENDPOINT_CACHE_CONTROL = "private, no-cache, no-store, max-age=0, must-revalidate";
/** workerd's clock only advances across I/O: slack when comparing its timestamps with Node's. */
const CLOCK_SLACK_MS = 2000;
/** How long an isolate trusts a tag record it has read (KvCacheHandler's default tag cache). */
const TAG_CACHE_MS = 5000;

// ---------------------------------------------------------------------------------------------------------
// Keys and the entry format, written out independently of the Java code
// ---------------------------------------------------------------------------------------------------------

/** 64-bit FNV-1a of the UTF-8 bytes, 16 lower-case hex digits. */

/** The KV key of a route entry for a request pathname (no query string). */
function entryKey(pathname) {
  const p = pathname.length > 1 && pathname.endsWith("/") ? pathname.slice(0, -1) : pathname;
  const key = `app:${p}:route`;
  return `cache:${key.length <= 200 ? key : `app:__hash:${fnv1a64Hex(p)}:route`}`;
}

/**
 * The implicit layout tags of an entry: one per segment from the root down (at most 15 segments deep), each
 * "layout:<prefix>", or "layout:#<fnv1a64 of the prefix>" when that would exceed 128 characters.
 */
function layoutTags(pathname) {
  const segments = pathname.split("/").slice(1).filter((s) => s !== "").slice(0, 15);
  const tag = (prefix) => (`layout:${prefix}`.length <= 128 ? `layout:${prefix}` : `layout:#${fnv1a64Hex(prefix)}`);
  return [tag("/"), ...segments.map((_, i) => tag(`/${segments.slice(0, i + 1).join("/")}`))];
}

/** Reads a KV entry as bytes + metadata; null when absent. toString() feeds pollUntil's failure message. */
async function readEntry(kv, key) {
  const { value, metadata } = await kv.getWithMetadata(key, "arrayBuffer");
  if (value === null || value === undefined) return null;
  const bytes = Buffer.from(value);
  return {
    key,
    bytes,
    metadata,
    toString() {
      const preview = JSON.stringify(bytes.subarray(0, 160).toString("latin1"));
      return `KV ${key}: metadata=${JSON.stringify(metadata)} value=<${bytes.length} bytes> ${preview}`;
    },
  };
}

/** Splits an entry into its header (the metadata, or the header inside an overflow value) and the body. */
function decodeEntry(entry) {
  const meta = entry.metadata;
  if (meta && meta.x === 1) {
    assert.ok(entry.bytes.length >= 4, `overflow value too short: ${entry}`);
    const n = entry.bytes.readUInt32BE(0);
    assert.ok(4 + n <= entry.bytes.length, `overflow header of ${n} bytes does not fit: ${entry}`);
    const header = JSON.parse(entry.bytes.subarray(4, 4 + n).toString("utf8"));
    return { header, body: entry.bytes.subarray(4 + n), overflow: true };
  }
  return { header: meta, body: entry.bytes, overflow: false };
}

/** True when the entry is a readable format-v2 route entry with metadata inline (what a normal MISS writes). */
function isInlineV2(entry) {
  const m = entry?.metadata;
  return !!m && m.v === 2 && m.k === "route" && !("x" in m) && typeof m.lm === "number" && Array.isArray(m.h);
}

function pollEntry(kv, key, predicate, what, timeoutMs = 5000) {
  return pollUntil(() => readEntry(kv, key), predicate, { what, timeoutMs });
}

/**
 * Asserts the full v2 header of a route entry: exactly the documented fields with their types, the times
 * derived from lm, the tags, and no per-delivery headers.
 */
function assertV2Header(header, { status = 200, revalidate, tags, contentType, writtenAfter }, what) {
  const show = JSON.stringify(header);
  assert.deepEqual(Object.keys(header).sort(), V2_FIELDS, `${what}: header fields of ${show}`);
  assert.equal(header.v, 2, `${what}: v in ${show}`);
  assert.equal(header.k, "route", `${what}: k in ${show}`);
  assert.match(header.id, /^app:\/.*:route$/, `${what}: id (the full cache key) in ${show}`);
  assert.equal(header.s, status, `${what}: s in ${show}`);
  assert.ok(Array.isArray(header.h), `${what}: h must be an array in ${show}`);
  for (const pair of header.h) {
    assert.ok(
      Array.isArray(pair) && pair.length === 2 && typeof pair[0] === "string" && typeof pair[1] === "string",
      `${what}: every h entry must be a [name, value] pair of strings, got ${JSON.stringify(pair)}`,
    );
    assert.ok(!NOT_STORED.includes(pair[0].toLowerCase()), `${what}: header ${pair[0]} must never be stored (${show})`);
  }
  if (contentType !== undefined) {
    const stored = header.h.filter(([name]) => name.toLowerCase() === "content-type").map(([, v]) => v);
    assert.deepEqual(stored, [contentType], `${what}: stored content-type in ${show}`);
  }
  for (const field of ["lm", "ra", "ea"]) {
    assert.ok(Number.isSafeInteger(header[field]), `${what}: ${field} must be integral epoch ms in ${show}`);
  }
  if (writtenAfter !== undefined) {
    assert.ok(
      header.lm >= writtenAfter - CLOCK_SLACK_MS && header.lm <= Date.now() + CLOCK_SLACK_MS,
      `${what}: lm ${header.lm} should be the write time (after ${writtenAfter}, before now ${Date.now()})`,
    );
  }
  assert.equal(header.ra, header.lm + revalidate * 1000, `${what}: ra = lm + revalidate in ${show}`);
  assert.equal(header.ea, header.lm + EXPIRE_SECONDS * 1000, `${what}: ea = lm + expire (one year) in ${show}`);
  assert.deepEqual(header.t, tags, `${what}: tags in ${show}`);
}

/** The overflow layout: 4-byte big-endian header length, the header's UTF-8 JSON, then the body. */
function overflowValue(header, body) {
  const head = Buffer.from(JSON.stringify(header), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(head.length);
  return Buffer.concat([length, head, Buffer.from(body)]);
}

/** Seeds KV as another isolate or release would have written it. Values go over as plain Uint8Arrays. */
async function seed(kv, key, value, metadata) {
  const bytes = typeof value === "string" ? new TextEncoder().encode(value) : new Uint8Array(value);
  await kv.put(key, bytes, metadata === undefined ? {} : { metadata });
}



// ---------------------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------------------

function assertState(r, state, what) {
  assert.equal(r.status, 200, `${what}: ${r.summary()}`);
  assert.equal(r.isr, state, `${what} should be ${state}: ${r.summary()}`);
}

/** GETs path until it is a HIT (failing at once on a non-200). */
function pollForHit(worker, path, what = `HIT on ${path}`) {
  return pollUntil(
    async () => {
      const r = await worker.request(path);
      assert.equal(r.status, 200, `while waiting for ${what}: ${r.summary()}`);
      return r;
    },
    (r) => r.isr === "HIT",
    { what },
  );
}

/** MISS, then HIT once the background write landed; returns both. */
async function cachePath(worker, path) {
  const miss = await worker.request(path);
  assertState(miss, "MISS", `first GET ${path}`);
  const hit = await pollForHit(worker, path);
  assert.equal(hit.text, miss.text, `HIT on ${path} should serve the MISS body`);
  return { miss, hit };
}

function postsBody(r, id, what) {
  const body = r.json();
  assert.equal(body.id, id, `${what}: id in ${r.text}`);
  assert.equal(typeof body.timestamp, "number", `${what}: timestamp in ${r.text}`);
  return body;
}

function revalidateRequest(worker, body, { token = SECRET } = {}) {
  const headers = { "content-type": "application/json" };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  return worker.request("/__isr/revalidate", {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

function assertEndpointResponse(r, status, what) {
  assert.equal(r.status, status, `${what}: ${r.summary()}`);
  assert.equal(r.headers.get("cache-control"), ENDPOINT_CACHE_CONTROL, `${what}: Cache-Control`);
  assert.equal(r.isr, null, `${what}: the endpoint must never carry x-isr-cache: ${r.summary()}`);
  assert.match(r.headers.get("content-type") ?? "", /^application\/json\b/, `${what}: content-type`);
  return r.json();
}

// ---------------------------------------------------------------------------------------------------------

describe("KV entry format written by a MISS", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker();
  });
  after(async () => {
    await worker?.dispose();
  });

  it("the FNV-1a reference used by these tests matches the published test vectors", () => {
    assert.equal(fnv1a64Hex(""), "cbf29ce484222325");
    assert.equal(fnv1a64Hex("a"), "af63dc4c8601ec8c");
    assert.equal(fnv1a64Hex("foobar"), "85944171f73967e8");
  });

  it("stores cache:app:<path>:route with the v2 header as metadata and the body bytes as value, for 30 days", async () => {
    const key = "cache:app:/api/posts/fmt-1:route";
    const startedAt = Date.now();
    const miss = await worker.request("/api/posts/fmt-1");
    assertState(miss, "MISS", "GET /api/posts/fmt-1");
    postsBody(miss, "fmt-1", "MISS");

    const entry = await pollEntry(worker.kv, key, (e) => e !== null, `KV entry ${key}`);
    assert.ok(isInlineV2(entry), `the entry should be inline v1: ${entry}`);
    assertV2Header(
      entry.metadata,
      {
        revalidate: 60,
        tags: ["post-fmt-1", "posts", "path:/api/posts/fmt-1", ...layoutTags("/api/posts/fmt-1")],
        contentType: miss.headers.get("content-type"),
        writtenAfter: startedAt,
      },
      "MISS entry",
    );
    assert.ok(
      Buffer.byteLength(JSON.stringify(entry.metadata)) <= MAX_METADATA_BYTES,
      "inline metadata must fit KV's 1024 bytes",
    );
    assertBytesEqual(entry.bytes, miss.bytes, "KV value");

    // exactly one key for this path, and KV drops it after 30 days (decoupled from revalidate and expire)
    const listed = await worker.kv.list({ prefix: "cache:" });
    const mine = listed.keys.filter((k) => k.name.includes("fmt-1"));
    assert.deepEqual(mine.map((k) => k.name), [key], `keys for fmt-1 in ${JSON.stringify(listed.keys)}`);
    const expected = Math.floor(entry.metadata.lm / 1000) + KV_TTL_SECONDS;
    assert.equal(typeof mine[0].expiration, "number", `expiration in ${JSON.stringify(mine[0])}`);
    assert.ok(
      Math.abs(mine[0].expiration - expected) <= 5,
      `expiration ${mine[0].expiration} should be about lm + 30 days = ${expected}`,
    );
    assert.ok(
      Math.abs(mine[0].expiration - (Date.now() / 1000 + KV_TTL_SECONDS)) <= 60,
      `expiration ${mine[0].expiration} should be about now + 30 days`,
    );
    assert.deepEqual(mine[0].metadata, entry.metadata, "list returns the same metadata");

    const hit = await worker.request("/api/posts/fmt-1");
    assertState(hit, "HIT", "GET after the write");
    assertBytesEqual(hit.bytes, entry.bytes, "HIT body vs KV value");
  });

  it("the key drops the query string and one trailing slash", async () => {
    const miss = await worker.request("/api/posts/fmt-2/?utm=1&x=");
    assertState(miss, "MISS", "GET /api/posts/fmt-2/?utm=1&x=");
    const key = "cache:app:/api/posts/fmt-2:route";
    const entry = await pollEntry(worker.kv, key, (e) => e !== null, `KV entry ${key}`);
    assert.deepEqual(entry.metadata.t, ["post-fmt-2", "posts", "path:/api/posts/fmt-2", ...layoutTags("/api/posts/fmt-2")]);
    assertBytesEqual(entry.bytes, miss.bytes, "KV value");
    const listed = await worker.kv.list({ prefix: "cache:" });
    assert.deepEqual(
      listed.keys.map((k) => k.name).filter((n) => n.includes("fmt-2")),
      [key],
      "no key with the slash or the query",
    );
  });

  it("a 4 KiB binary body is stored as the raw bytes (no base64, no JSON around it)", async () => {
    const expected = expectedBinary();
    const miss = await worker.request("/api/binary");
    assertState(miss, "MISS", "GET /api/binary");
    assertBytesEqual(miss.bytes, expected, "MISS body");

    const key = "cache:app:/api/binary:route";
    const entry = await pollEntry(worker.kv, key, (e) => e !== null, `KV entry ${key}`);
    assert.ok(isInlineV2(entry), `inline v1 expected: ${entry}`);
    assertV2Header(
      entry.metadata,
      { revalidate: 60, tags: ["path:/api/binary", ...layoutTags("/api/binary")], contentType: "application/octet-stream" },
      "/api/binary entry",
    );
    assert.equal(entry.bytes.length, 4096, "the value is exactly the 4096 body bytes");
    assertBytesEqual(entry.bytes, expected, "KV value");
  });

  it("a 1 MiB binary body is stored as the raw bytes", async () => {
    const expected = expectedLarge();
    const miss = await worker.request("/api/large");
    assertState(miss, "MISS", "GET /api/large");
    assertBytesEqual(miss.bytes, expected, "MISS body");

    const key = "cache:app:/api/large:route";
    const entry = await pollEntry(worker.kv, key, (e) => e !== null, `KV entry ${key}`);
    assert.ok(isInlineV2(entry), `inline v1 expected: ${entry}`);
    assertV2Header(
      entry.metadata,
      { revalidate: 60, tags: ["path:/api/large", ...layoutTags("/api/large")], contentType: "application/octet-stream" },
      "/api/large entry",
    );
    assert.equal(entry.bytes.length, 1_048_576, "the value is exactly the 1 MiB body");
    assertBytesEqual(entry.bytes, expected, "KV value");

    const hit = await worker.request("/api/large");
    assertState(hit, "HIT", "GET /api/large after the write");
    assertBytesEqual(hit.bytes, expected, "HIT body");
  });

  it("Set-Cookie reaches the MISS response but not the stored headers", async () => {
    const miss = await worker.request("/api/with-cookie");
    assertState(miss, "MISS", "GET /api/with-cookie");
    assert.equal(miss.headers.getSetCookie().length, 1, `MISS should carry Set-Cookie: ${miss.summary()}`);
    const key = "cache:app:/api/with-cookie:route";
    const entry = await pollEntry(worker.kv, key, (e) => e !== null, `KV entry ${key}`);
    // assertV2Header rejects set-cookie, cache-control, x-isr-cache and cache-status in h
    assertV2Header(
      entry.metadata,
      { revalidate: 60, tags: ["path:/api/with-cookie", ...layoutTags("/api/with-cookie")], contentType: miss.headers.get("content-type") },
      "/api/with-cookie entry",
    );
    assertBytesEqual(entry.bytes, miss.bytes, "KV value");
  });

  it("a key of exactly 200 characters stays plain; one more character makes it cache:app:__hash:<fnv1a64>:route", async () => {
    const plainPath = "/api/long/" + "p".repeat(180); // "app:" + 190 + ":route" = 200
    assert.equal(`app:${plainPath}:route`.length, 200);
    const hashedPath = "/api/long/" + "q".repeat(181);
    const hashedKey = `cache:app:__hash:${fnv1a64Hex(hashedPath)}:route`;
    assert.equal(entryKey(hashedPath), hashedKey);

    const plainMiss = await worker.request(plainPath);
    assertState(plainMiss, "MISS", "GET with a 200-character key");
    const plain = await pollEntry(worker.kv, `cache:app:${plainPath}:route`, (e) => e !== null, "plain 200-character key");
    assertBytesEqual(plain.bytes, plainMiss.bytes, "KV value under the plain key");

    const hashedMiss = await worker.request(hashedPath);
    assertState(hashedMiss, "MISS", "GET with a 201-character key");
    const hashed = await pollEntry(worker.kv, hashedKey, (e) => e !== null, `hashed key ${hashedKey}`);
    assert.ok(isInlineV2(hashed), `inline v1 expected: ${hashed}`);
    // the path tag keeps the full path: revalidatePath still finds the entry
    assert.deepEqual(hashed.metadata.t, [`path:${hashedPath}`, ...layoutTags(hashedPath)]);
    assertBytesEqual(hashed.bytes, hashedMiss.bytes, "KV value under the hashed key");
    const listed = await worker.kv.list({ prefix: `cache:app:/api/long/q` });
    assert.deepEqual(listed.keys, [], "no plain key for the long path");

    const hit = await worker.request(hashedPath);
    assertState(hit, "HIT", "GET on the hashed key after the write");
    assert.equal(hit.text, hashedMiss.text);
  });

  it("a header over KV's 1024-byte metadata limit moves into the value (overflow format)", async () => {
    // The only thing that grows the header of a fixture route is its path tag: ~990 characters.
    const path = "/api/long/" + "o".repeat(990);
    const key = entryKey(path);
    const miss = await worker.request(path);
    assertState(miss, "MISS", "GET on a ~1000-character path");

    const entry = await pollEntry(worker.kv, key, (e) => e !== null, `overflow entry ${key}`);
    const meta = entry.metadata;
    assert.ok(meta && typeof meta === "object", `metadata expected: ${entry}`);
    assert.deepEqual(Object.keys(meta).sort(), ["k", "v", "x"], `overflow metadata fields: ${entry}`);
    assert.equal(meta.v, 2);
    assert.equal(meta.k, "route");
    assert.equal(meta.x, 1);
    assert.ok(Buffer.byteLength(JSON.stringify(meta)) <= MAX_METADATA_BYTES, "overflow metadata fits KV's limit");

    const { header, body, overflow } = decodeEntry(entry);
    assert.ok(overflow);
    assert.ok(Buffer.byteLength(JSON.stringify(header)) > MAX_METADATA_BYTES, "the header really is over the limit");
    assertV2Header(
      header,
      { revalidate: 60, tags: [`path:${path}`, ...layoutTags(path)], contentType: miss.headers.get("content-type") },
      "overflow header",
    );
    assertBytesEqual(body, miss.bytes, "body after the overflow header");
  });
});

describe("STALE regeneration through KV on /api/static-data (revalidate 1)", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker();
  });
  after(async () => {
    await worker?.dispose();
  });

  it("MISS writes KV; after ra the GET is STALE; the regenerated entry lands in KV and the next GET serves it", async () => {
    const key = "cache:app:/api/static-data:route";
    const miss = await worker.request("/api/static-data");
    assertState(miss, "MISS", "first GET");
    const first = miss.json();

    const stored = await pollEntry(worker.kv, key, (e) => e !== null, "the MISS entry in KV");
    assertV2Header(stored.metadata, { revalidate: 1, tags: ["path:/api/static-data", ...layoutTags("/api/static-data")] }, "MISS entry");
    assertBytesEqual(stored.bytes, miss.bytes, "KV value after the MISS");

    // a clock wait, past the revalidate-at the entry itself carries
    await waitForClock(stored.metadata.ra + 100);
    const stale = await worker.request("/api/static-data");
    assertState(stale, "STALE", "GET after ra");
    assertBytesEqual(stale.bytes, stored.bytes, "STALE serves the stored body");

    const regenerated = await pollEntry(
      worker.kv,
      key,
      (e) => e !== null && JSON.parse(e.bytes.toString("utf8")).timestamp !== first.timestamp,
      "the regenerated entry in KV",
    );
    const second = JSON.parse(regenerated.bytes.toString("utf8"));
    assert.ok(second.timestamp > first.timestamp, `timestamp ${second.timestamp} should be after ${first.timestamp}`);
    assert.ok(second.renders > first.renders, `renders ${second.renders} should be after ${first.renders}`);
    assert.ok(regenerated.metadata.lm > stored.metadata.lm, "the regeneration writes a new lm");
    assertV2Header(regenerated.metadata, { revalidate: 1, tags: ["path:/api/static-data", ...layoutTags("/api/static-data")] }, "regenerated entry");

    // A HIT while the regenerated entry is within its second; after that, STALE. Either way, its body.
    const next = await timedRequest(worker, "/api/static-data");
    const allowed = statesByClock(next, regenerated.metadata.ra);
    assert.ok(allowed.includes(next.isr), `GET after the regeneration: ${next.summary()}; the clock allows ${allowed}`);
    assertBytesEqual(next.bytes, regenerated.bytes, "body vs the regenerated KV value");
  });
});

describe("unreadable or foreign entries in KV", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker();
  });
  after(async () => {
    await worker?.dispose();
  });

  const garbage = Buffer.concat([Buffer.from("not an isr4j entry \u0000"), Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x7f])]);
  const truncatedHeader = Buffer.concat([Buffer.from([0, 0, 1, 0]), Buffer.from('{"v":2,"k":"route"')]); // 256 announced

  const variants = [
    { id: "c1", what: "unknown format version {v: 99}", value: garbage, metadata: { v: 99 } },
    { id: "c2", what: "no metadata", value: garbage, metadata: undefined },
    { id: "c3", what: "another kind {v: 2, k: 'page'}", value: garbage, metadata: { v: 2, k: "page" } },
    { id: "c4", what: "overflow metadata with a 2-byte value", value: Buffer.from([0, 7]), metadata: { v: 2, k: "route", x: 1 } },
    { id: "c5", what: "overflow header longer than the value", value: truncatedHeader, metadata: { v: 2, k: "route", x: 1, t: [] } },
    { id: "c6", what: "metadata that is not an object", value: garbage, metadata: "just a string" },
    { id: "c7", what: "v2 metadata missing fields", value: garbage, metadata: { v: 2, k: "route", s: 200 } },
    {
      id: "c8",
      what: "v2 metadata with status 42",
      value: garbage,
      metadata: { v: 2, k: "route", id: "app:/api/posts/c8:route", s: 42, h: [], lm: 1, ra: 2, ea: 4102444800000, t: [] },
    },
  ];

  for (const { id, what, value, metadata } of variants) {
    it(`${what}: a normal MISS, and the entry is replaced by a valid v2 entry`, async () => {
      const path = `/api/posts/${id}`;
      const key = `cache:app:${path}:route`;
      await seed(worker.kv, key, value, metadata);

      const r = await worker.request(path);
      assert.ok(r.status < 500, `an unreadable entry must never fail the request: ${r.summary()}`);
      assertState(r, "MISS", `GET ${path} over ${what}`);
      postsBody(r, id, "MISS over an unreadable entry");

      const replaced = await pollEntry(worker.kv, key, isInlineV2, `valid v2 entry replacing ${what}`);
      assertV2Header(replaced.metadata, { revalidate: 60, tags: [`post-${id}`, "posts", `path:${path}`, ...layoutTags(path)] }, "replacement");
      assertBytesEqual(replaced.bytes, r.bytes, "replacement value");

      const hit = await worker.request(path);
      assertState(hit, "HIT", `GET ${path} after the replacement`);
      assert.equal(hit.text, r.text);
    });
  }

  it("an unreadable entry of a route that turned dynamic is deleted in the background", async () => {
    // /api/dynamic-data reads a request header, so its response is not cacheable and no MISS write replaces it
    const key = "cache:app:/api/dynamic-data:route";
    await seed(worker.kv, key, garbage, { v: 99 });
    const r = await worker.request("/api/dynamic-data", { headers: { "user-agent": "kv-e2e" } });
    assert.equal(r.status, 200, r.summary());
    assert.equal(r.isr, null, `a header-reading route is not cached: ${r.summary()}`);
    assert.equal(r.json().userAgent, "kv-e2e");
    await pollEntry(worker.kv, key, (e) => e === null, `deletion of ${key}`);
  });
});

describe("entries written by another isolate or release (seeded in KV)", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker();
  });
  after(async () => {
    await worker?.dispose();
  });

  it("an overflow-format entry (4-byte length + header JSON + body) is a HIT with exactly its body and headers", async () => {
    const now = Date.now();
    const longValue = "v".repeat(1500) + "-end";
    const header = {
      v: 2,
      k: "route",
      id: "app:/api/posts/ov1:route",
      s: 200,
      h: [
        ["content-type", "application/json"],
        ["x-custom-long", longValue],
      ],
      lm: now,
      ra: now + 60_000,
      ea: now + 1e9,
      t: ["posts", "path:/api/posts/ov1"],
    };
    assert.ok(Buffer.byteLength(JSON.stringify(header)) > MAX_METADATA_BYTES, "the seeded header needs the overflow format");
    const body = Buffer.from(JSON.stringify({ id: "ov1", timestamp: 12345, seeded: "overflow" }));
    await seed(worker.kv, "cache:app:/api/posts/ov1:route", overflowValue(header, body), {
      v: 2,
      k: "route",
      x: 1,
      t: ["path:/api/posts/ov1"],
    });

    const r = await worker.request("/api/posts/ov1");
    assertState(r, "HIT", "GET /api/posts/ov1 over a seeded overflow entry");
    assertBytesEqual(r.bytes, body, "HIT body");
    assert.equal(r.headers.get("x-custom-long"), longValue, "the custom header from the overflow header");
    assert.equal(r.headers.get("content-type"), "application/json");
    // Downstream may serve it stale for as long as isr4j itself would: until the entry's own expire-at.
    assert.equal(r.headers.get("cache-control"), `s-maxage=60, stale-while-revalidate=${1e6 - 60}`);
  });

  it("an inline entry is a HIT with its stored status, headers and body", async () => {
    const now = Date.now();
    const body = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255]);
    await seed(worker.kv, "cache:app:/api/posts/in1:route", body, {
      v: 2,
      k: "route",
      id: "app:/api/posts/in1:route",
      s: 203,
      h: [
        ["content-type", "application/x-seeded"],
        ["x-seeded", "yes"],
      ],
      lm: now,
      ra: now + 60_000,
      ea: now + 1e9,
      t: ["post-in1", "posts", "path:/api/posts/in1"],
    });
    const r = await worker.request("/api/posts/in1");
    assert.equal(r.status, 203, r.summary());
    assert.equal(r.isr, "HIT", r.summary());
    assertBytesEqual(r.bytes, body, "HIT body");
    assert.equal(r.headers.get("content-type"), "application/x-seeded");
    assert.equal(r.headers.get("x-seeded"), "yes");
  });

  it("an entry past its expire-at (ea) is never served: the GET is a MISS rendered in the foreground", async () => {
    const now = Date.now();
    const seededBody = JSON.stringify({ id: "exp1", timestamp: 1, seeded: "expired" });
    const key = "cache:app:/api/posts/exp1:route";
    await seed(worker.kv, key, seededBody, {
      v: 2,
      k: "route",
      id: "app:/api/posts/exp1:route",
      s: 200,
      h: [["content-type", "application/json"]],
      lm: now - 120_000,
      ra: now - 60_000,
      ea: now - 1000,
      t: ["post-exp1", "posts", "path:/api/posts/exp1"],
    });
    const r = await worker.request("/api/posts/exp1");
    assertState(r, "MISS", "GET over an expired entry");
    const body = postsBody(r, "exp1", "MISS over an expired entry");
    assert.notEqual(r.text, seededBody, "the expired body must not be served");
    assert.equal(body.seeded, undefined);
    assert.ok(body.timestamp >= now - CLOCK_SLACK_MS, `freshly rendered timestamp, got ${body.timestamp}`);

    const replaced = await pollEntry(worker.kv, key, (e) => e !== null && e.metadata.ea > Date.now(), "the new entry");
    assertBytesEqual(replaced.bytes, r.bytes, "new KV value");
    const hit = await worker.request("/api/posts/exp1");
    assertState(hit, "HIT", "GET after the new entry landed");
    assert.equal(hit.text, r.text);
  });

  it("an entry past its revalidate-at (ra) but before ea is STALE with its body, then regenerated", async () => {
    const now = Date.now();
    const seededBody = JSON.stringify({ id: "st1", timestamp: 2, seeded: "stale" });
    const key = "cache:app:/api/posts/st1:route";
    await seed(worker.kv, key, seededBody, {
      v: 2,
      k: "route",
      id: "app:/api/posts/st1:route",
      s: 200,
      h: [["content-type", "application/json"]],
      lm: now - 120_000,
      ra: now - 60_000,
      ea: now + 1e9,
      t: ["post-st1", "posts", "path:/api/posts/st1"],
    });
    const stale = await worker.request("/api/posts/st1");
    assertState(stale, "STALE", "GET over an entry past ra");
    assert.equal(stale.text, seededBody, "STALE serves the seeded body");

    const regenerated = await pollEntry(worker.kv, key, (e) => e !== null && !e.bytes.toString().includes("seeded"), "the regenerated entry");
    const hit = await worker.request("/api/posts/st1");
    assertState(hit, "HIT", "GET after the regeneration");
    assertBytesEqual(hit.bytes, regenerated.bytes, "HIT body vs KV");
    postsBody(hit, "st1", "regenerated HIT");
  });
});

describe("tag invalidation from Java (POST /api/posts/{id})", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    // The KV tag store (its records are what these tests read); the coordinator's is test-e2e/coordinator.test.mjs.
    worker = await startWorker({ vars: { ...WITH_SECRET, ISR_TAG_STORE: "kv" } });
  });
  after(async () => {
    await worker?.dispose();
  });

  it("hard: the next GET is a MISS; soft (?profile=max): STALE with the old body, then a HIT with a new render", async () => {
    const path = "/api/posts/t1";
    const { hit: cached } = await cachePath(worker, path);
    const original = postsBody(cached, "t1", "cached");

    const beforeHard = Date.now();
    const hard = await worker.request(path, { method: "POST", headers: AUTH });
    assert.equal(hard.status, 200, hard.summary());
    assert.deepEqual(hard.json(), { revalidated: "post-t1", mode: "hard" });

    const tagRecord = JSON.parse(await worker.kv.get("__tag:post-t1", "text"));
    assert.deepEqual(Object.keys(tagRecord).sort(), ["expired", "stale", "tag"], `tag record ${JSON.stringify(tagRecord)}`);
    assert.equal(tagRecord.tag, "post-t1", "the record names the tag it was written for");
    assert.ok(Number.isSafeInteger(tagRecord.expired) && Number.isSafeInteger(tagRecord.stale), JSON.stringify(tagRecord));
    assert.ok(
      tagRecord.expired >= beforeHard - CLOCK_SLACK_MS && tagRecord.expired <= Date.now() + CLOCK_SLACK_MS,
      `expired ${tagRecord.expired} should be the time of the POST (${beforeHard})`,
    );
    assert.ok(tagRecord.stale < tagRecord.expired, `a hard revalidation does not set stale: ${JSON.stringify(tagRecord)}`);

    const miss = await worker.request(path);
    assertState(miss, "MISS", "GET after a hard revalidateTag");
    const rendered = postsBody(miss, "t1", "MISS after hard");
    assert.notEqual(rendered.timestamp, original.timestamp, "the handler ran again");

    const recached = await pollForHit(worker, path, "HIT after the hard revalidation");
    assert.equal(recached.text, miss.text);
    const entry = await readEntry(worker.kv, `cache:app:${path}:route`);
    assert.ok(entry.metadata.lm > tagRecord.expired, `the new entry (lm ${entry.metadata.lm}) is newer than the invalidation`);

    const beforeSoft = Date.now();
    const soft = await worker.request(`${path}?profile=max`, { method: "POST", headers: AUTH });
    assert.equal(soft.status, 200, soft.summary());
    assert.deepEqual(soft.json(), { revalidated: "post-t1", mode: "soft" });
    const softRecord = JSON.parse(await worker.kv.get("__tag:post-t1", "text"));
    assert.equal(softRecord.expired, tagRecord.expired, `a soft revalidation keeps expired: ${JSON.stringify(softRecord)}`);
    assert.ok(
      softRecord.stale >= beforeSoft - CLOCK_SLACK_MS && softRecord.stale <= Date.now() + CLOCK_SLACK_MS,
      `stale ${softRecord.stale} should be the time of the soft POST (${beforeSoft})`,
    );

    const stale = await worker.request(path);
    assertState(stale, "STALE", "GET after a soft revalidateTag");
    assert.equal(stale.text, miss.text, "STALE serves the old body");

    const regenerated = await pollUntil(
      () => worker.request(path),
      (r) => r.status === 200 && r.isr === "HIT" && r.json().timestamp !== rendered.timestamp,
      { what: `HIT with a new timestamp on ${path}` },
    );
    assert.ok(postsBody(regenerated, "t1", "regenerated").timestamp > rendered.timestamp);
  });

  it("revalidating one post's tag leaves other posts cached", async () => {
    const { hit: other } = await cachePath(worker, "/api/posts/t-other");
    await cachePath(worker, "/api/posts/t3");
    const post = await worker.request("/api/posts/t3", { method: "POST", headers: AUTH });
    assert.equal(post.status, 200, post.summary());
    assertState(await worker.request("/api/posts/t3"), "MISS", "GET on the revalidated post");
    const still = await worker.request("/api/posts/t-other");
    assertState(still, "HIT", "GET on another post");
    assert.equal(still.text, other.text);
  });

  it("a tag record written by another isolate is honoured once this isolate's 5 s tag cache runs out", async () => {
    const path = "/api/posts/t4";
    await cachePath(worker, path); // the HIT read (and cached) post-t4's state: not revalidated
    // what another isolate's hard revalidateTag("post-t4") writes
    await worker.kv.put("__tag:post-t4", JSON.stringify({ expired: Date.now(), stale: -1 }));
    // The cached state was read before the record was written, so it is gone 5 s after this at the latest.
    const cachedStateGoneBy = Date.now() + TAG_CACHE_MS;
    const miss = await pollUntil(
      async () => {
        const r = await timedRequest(worker, path);
        assert.equal(r.status, 200, r.summary());
        assert.ok(r.isr === "HIT" || r.isr === "MISS", `expected HIT (cached tag state) or MISS, got ${r.summary()}`);
        if (r.isr === "HIT") {
          assert.ok(r.sentAt <= cachedStateGoneBy, `a HIT for a request sent ${r.sentAt - cachedStateGoneBy} ms after the tag cache ran out`);
        }
        return r;
      },
      (r) => r.isr === "MISS",
      { what: "MISS after an external tag record", timeoutMs: TAG_CACHE_MS + 15_000, intervalMs: 200 },
    );
    postsBody(miss, "t4", "MISS after the external invalidation");
  });
});

describe("POST /__isr/revalidate (on-demand endpoint)", { timeout: 60_000 }, () => {
  let worker;
  let noSecret;
  before(async () => {
    worker = await startWorker({ vars: { ISR_REVALIDATE_SECRET: SECRET, ISR_TAG_STORE: "kv" } }); // reads KV's records
    noSecret = await startWorker();
  });
  after(async () => {
    await worker?.dispose();
    await noSecret?.dispose();
  });

  it("does not exist (404) when ISR_REVALIDATE_SECRET is not configured", async () => {
    const r = await revalidateRequest(noSecret, { tags: ["posts"] });
    assertEndpointResponse(r, 404, "no secret configured");
    const anyToken = await revalidateRequest(noSecret, { tags: ["posts"] }, { token: "" });
    assert.equal(anyToken.status, 404, anyToken.summary());
  });

  it("401 for a wrong token and for a missing Authorization header", async () => {
    const wrong = await revalidateRequest(worker, { tags: ["posts"] }, { token: "not-the-secret" });
    assert.ok(assertEndpointResponse(wrong, 401, "wrong token").error, wrong.text);
    const prefix = await revalidateRequest(worker, { tags: ["posts"] }, { token: SECRET.slice(0, -1) });
    assertEndpointResponse(prefix, 401, "a prefix of the secret");
    const missing = await revalidateRequest(worker, { tags: ["posts"] }, { token: null });
    assertEndpointResponse(missing, 401, "no Authorization header");
    const basic = await worker.request("/__isr/revalidate", {
      method: "POST",
      headers: { authorization: `Basic ${SECRET}` },
      body: JSON.stringify({ tags: ["posts"] }),
    });
    assertEndpointResponse(basic, 401, "not a Bearer token");
  });

  const badRequests = [
    { what: "a body that is not JSON", body: "revalidate posts please", error: /JSON/ },
    { what: "a JSON array", body: '["posts"]', error: /object/ },
    { what: "a JSON string", body: '"posts"', error: /object/ },
    { what: "tags that is not an array", body: { tags: "posts" }, error: /"tags".*array/ },
    { what: "tags with a number", body: { tags: ["posts", 7] }, error: /"tags".*strings/ },
    { what: "a tag with ':'", body: { tags: ["a:b"] }, error: /'a:b'.*':'/ },
    { what: "an empty tag", body: { tags: [""] }, error: /tag ''/ },
    { what: "paths that is not an array", body: { paths: "/api/posts/1" }, error: /"paths".*array/ },
    { what: "a path not starting with '/'", body: { paths: ["api/posts/1"] }, error: /'\/'.*api\/posts\/1/ },
    { what: "a path with a query string", body: { paths: ["/api/posts/1?x=1"] }, error: /query/ },
    { what: "neither tags nor paths", body: {}, error: /"tags".*"paths"/ },
    { what: "empty tags and paths", body: { tags: [], paths: [] }, error: /"tags".*"paths"/ },
    { what: "an unknown type", body: { paths: ["/api/posts/1"], type: "weird" }, error: /"type"/ },
    { what: "an empty profile", body: { tags: ["posts"], profile: "" }, error: /"profile"/ },
    { what: "a profile that is not a string", body: { tags: ["posts"], profile: 5 }, error: /"profile"/ },
  ];

  for (const { what, body, error } of badRequests) {
    it(`400 naming the problem for ${what}`, async () => {
      const r = await revalidateRequest(worker, body);
      const json = assertEndpointResponse(r, 400, what);
      assert.equal(typeof json.error, "string", `error message in ${r.text}`);
      assert.match(json.error, error, `the error should name the problem: ${r.text}`);
    });
  }

  it("a request with one invalid tag revalidates nothing", async () => {
    const { hit } = await cachePath(worker, "/api/posts/e0");
    const r = await revalidateRequest(worker, { tags: ["post-e0", "bad:tag"] });
    assertEndpointResponse(r, 400, "one invalid tag");
    assert.equal(await worker.kv.get("__tag:post-e0", "text"), null, "no tag record written");
    const still = await worker.request("/api/posts/e0");
    assertState(still, "HIT", "GET after the rejected request");
    assert.equal(still.text, hit.text);
  });

  it("200 hard for tags: the next GET is a MISS", async () => {
    const { hit } = await cachePath(worker, "/api/posts/e1");
    const r = await revalidateRequest(worker, { tags: ["post-e1"] });
    assert.deepEqual(assertEndpointResponse(r, 200, "hard tag revalidation"), {
      revalidated: true,
      tags: ["post-e1"],
      paths: [],
      type: "page",
      mode: "hard",
    });
    const miss = await worker.request("/api/posts/e1");
    assertState(miss, "MISS", "GET after the endpoint's hard revalidation");
    assert.notEqual(miss.text, hit.text, "rendered again");
  });

  it("200 soft with a profile: the next GET is STALE with the old body", async () => {
    const { hit } = await cachePath(worker, "/api/posts/e2");
    const r = await revalidateRequest(worker, { tags: ["post-e2"], profile: "max" });
    assert.deepEqual(assertEndpointResponse(r, 200, "soft tag revalidation"), {
      revalidated: true,
      tags: ["post-e2"],
      paths: [],
      type: "page",
      mode: "soft",
    });
    const stale = await worker.request("/api/posts/e2");
    assertState(stale, "STALE", "GET after the endpoint's soft revalidation");
    assert.equal(stale.text, hit.text);
    await pollUntil(
      () => worker.request("/api/posts/e2"),
      (r2) => r2.status === 200 && r2.isr === "HIT" && r2.text !== hit.text,
      { what: "regenerated HIT on /api/posts/e2" },
    );
  });

  it("200 for paths: the next GET of that path is a MISS, other posts stay cached", async () => {
    await cachePath(worker, "/api/posts/t2");
    const { hit: neighbour } = await cachePath(worker, "/api/posts/t2x");
    const r = await revalidateRequest(worker, { paths: ["/api/posts/t2"] });
    assert.deepEqual(assertEndpointResponse(r, 200, "path revalidation"), {
      revalidated: true,
      tags: [],
      paths: ["/api/posts/t2"],
      type: "page",
      mode: "hard",
    });
    const tagRecord = JSON.parse(await worker.kv.get("__tag:path:/api/posts/t2", "text"));
    assert.equal(typeof tagRecord.expired, "number", `path tag record ${JSON.stringify(tagRecord)}`);
    assertState(await worker.request("/api/posts/t2"), "MISS", "GET on the revalidated path");
    const still = await worker.request("/api/posts/t2x");
    assertState(still, "HIT", "GET on /api/posts/t2x");
    assert.equal(still.text, neighbour.text);
  });

  it("the shared tag 'posts' invalidates every post", async () => {
    await cachePath(worker, "/api/posts/e5");
    await cachePath(worker, "/api/posts/e6");
    const r = await revalidateRequest(worker, { tags: ["posts"] });
    assertEndpointResponse(r, 200, "revalidate tag posts");
    assertState(await worker.request("/api/posts/e5"), "MISS", "GET /api/posts/e5");
    assertState(await worker.request("/api/posts/e6"), "MISS", "GET /api/posts/e6");
  });
});

describe("revalidatePath with type layout is segment-aware", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker({ vars: { ISR_REVALIDATE_SECRET: SECRET } });
  });
  after(async () => {
    await worker?.dispose();
  });

  const blog = "/api/long/blog";
  const child = "/api/long/blog/a";
  const grandchild = "/api/long/blog/a/b";
  const archive = "/api/long/blog-archive";

  async function cacheAll() {
    const bodies = {};
    for (const p of [blog, child, grandchild, archive]) {
      const r = await worker.request(p);
      assert.equal(r.status, 200, r.summary());
      if (r.isr !== "HIT") bodies[p] = (await pollForHit(worker, p)).text;
      else bodies[p] = r.text;
    }
    return bodies;
  }

  async function assertLayoutInvalidated(bodies, how) {
    for (const p of [blog, child, grandchild]) {
      assertState(await worker.request(p), "MISS", `GET ${p} after ${how}`);
    }
    const a = await worker.request(archive);
    assertState(a, "HIT", `GET ${archive} after ${how} (not below ${blog} by segments)`);
    assert.equal(a.text, bodies[archive]);
  }

  it("from Java: /api/revalidate-path?path=/api/long/blog&type=layout invalidates the path and its descendants only", async () => {
    const bodies = await cacheAll();
    const r = await worker.request(`/api/revalidate-path?path=${encodeURIComponent(blog)}&type=layout`, { method: "POST", headers: AUTH });
    assert.equal(r.status, 200, r.summary());
    assert.deepEqual(r.json(), { revalidated: blog, type: "layout" });
    await assertLayoutInvalidated(bodies, "a layout revalidatePath from Java");
  });

  it("through the endpoint: {paths: ['/api/long/blog'], type: 'layout'}", async () => {
    const bodies = await cacheAll();
    const r = await revalidateRequest(worker, { paths: [blog], type: "layout" });
    assert.deepEqual(assertEndpointResponse(r, 200, "layout revalidation"), {
      revalidated: true,
      tags: [],
      paths: [blog],
      type: "layout",
      mode: "hard",
    });
    await assertLayoutInvalidated(bodies, "a layout revalidation through the endpoint");
  });

  it("type page invalidates only the path itself", async () => {
    const bodies = await cacheAll();
    const r = await worker.request(`/api/revalidate-path?path=${encodeURIComponent(blog)}&type=page`, { method: "POST", headers: AUTH });
    assert.equal(r.status, 200, r.summary());
    assertState(await worker.request(blog), "MISS", `GET ${blog} after a page revalidatePath`);
    for (const p of [child, grandchild, archive]) {
      const still = await worker.request(p);
      assertState(still, "HIT", `GET ${p} after a page revalidatePath of ${blog}`);
      assert.equal(still.text, bodies[p]);
    }
  });

  it("layout with a profile is soft: descendants are served STALE, the sibling stays a HIT", async () => {
    const bodies = await cacheAll();
    const r = await worker.request(`/api/revalidate-path?path=${encodeURIComponent(blog)}&type=layout&profile=max`, {
      method: "POST",
      headers: AUTH,
    });
    assert.equal(r.status, 200, r.summary());
    for (const p of [blog, child]) {
      const stale = await worker.request(p);
      assertState(stale, "STALE", `GET ${p} after a soft layout revalidatePath`);
      assert.equal(stale.text, bodies[p]);
    }
    assertState(await worker.request(archive), "HIT", `GET ${archive} after a soft layout revalidatePath`);
  });
});

describe("long paths whose tag key exceeds KV's 512-byte key limit", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker();
  });
  after(async () => {
    await worker?.dispose();
  });

  it("a cached ~600-character path is still served (a cache error never fails a request)", async () => {
    // The entry key is hashed, but the path tag "path:<path>" is kept in full; its record key
    // "__tag:path:<path>" is over KV's 512-byte key limit, so reading that tag fails in KV.
    const path = "/api/long/" + "l".repeat(600);
    const miss = await worker.request(path);
    assertState(miss, "MISS", "first GET on a ~600-character path");
    await pollEntry(worker.kv, entryKey(path), (e) => e !== null, "the entry of the long path");
    const second = await worker.request(path);
    assert.ok(second.status < 500, `the second GET must not fail: ${second.summary()}`);
    assert.equal(second.status, 200, second.summary());
    assert.ok(["HIT", "MISS"].includes(second.isr), second.summary());
    assert.equal(second.json().path, path.slice("/api/long/".length));
  });
});
