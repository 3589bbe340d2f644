// The longer JS primitives the Java module calls (through one-line @JSBody scripts naming `isr4jJs`, which the
// shim sets to this module). Each @JSBody script crosses from Java to JS one character per call when the
// isolate starts (TeaVM's string polyfill; workerd compiles without the js-string builtins), so a long script
// costs start-up time; here the code is only parsed with the bundle. They decide nothing: what to read, write
// or answer is Java's. Every function is documented at its Java declaration.

/**
 * `p`'s outcome if it settles within `ms`; else what `late()` returns (or throws) then. The timer is cleared as
 * soon as `p` settles, so a fast `p` leaves nothing pending.
 */
function withDeadline(p, ms, late) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      try {
        resolve(late());
      } catch (e) {
        reject(e);
      }
    }, ms);
    p.then((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });
}

const timedOut = () => ({ isr4jTimedOut: true });

/** A read racing its deadline: past `ms` it fulfils with the timed-out marker. */
export function kvDeadline(p, ms) {
  return withDeadline(p, ms, timedOut);
}

/**
 * One D1 statement: prepared, bound to the JSON array `params` in order, run with `all()`. Fulfils with the outcome as
 * JSON text, {"results":[rows],"changes":n,"lastRowId":n}, or with "!" and why it failed: D1's message (e.g.
 * "D1_ERROR: no such table: x: SQLITE_ERROR"), or that no answer came within `ms`. Never rejects.
 */
export function d1Run(db, sql, params, ms) {
  return d1Call(() => db.prepare(sql).bind(...JSON.parse(params)).all().then(d1Outcome), ms);
}

/**
 * Statements `[[sql, params], ...]` (JSON) as one D1 batch, a transaction: their outcomes one a line (JSON.stringify
 * writes no line breaks of its own), or "!" and why the batch failed. Never rejects.
 */
export function d1Batch(db, statements, ms) {
  return d1Call(() => db.batch(JSON.parse(statements).map(([sql, params]) => db.prepare(sql).bind(...params)))
    .then((all) => all.map(d1Outcome).join("\n")), ms);
}

function d1Call(call, ms) {
  const answer = new Promise((resolve) => resolve(call())).catch((e) => "!" + String((e && e.message) || e));
  return withDeadline(answer, ms, () => "!D1 gave no answer within " + ms + " ms (ISR_D1_TIMEOUT_MS)");
}

function d1Outcome(r) {
  const meta = (r && r.meta) || {};
  return JSON.stringify({ results: (r && r.results) || [], changes: meta.changes || 0, lastRowId: meta.last_row_id || 0 },
    blobBytes);
}

/** A BLOB (an ArrayBuffer or a view of one) as the numbers of its bytes, as D1 gives it to JSON. */
function blobBytes(key, v) {
  if (v instanceof ArrayBuffer) return Array.from(new Uint8Array(v));
  if (ArrayBuffer.isView(v)) return Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  return v;
}

/** Background work held by waitUntil at most `ms`; past it, a log line says what gave up. */
export function backgroundDeadline(work, ms, what) {
  return withDeadline(Promise.resolve(work).catch(() => {}), ms, () => {
    console.error("[isr4j] " + what + " gave up after " + ms + " ms (ISR_BACKGROUND_TIMEOUT_MS), before waitUntil ends");
  });
}

/** A thenable of {ok, value, error} for `p`; a trap in the awaiting thread's callbacks goes to `trapped`. */
export function settle(p, trapped) {
  const settled = Promise.resolve(p).then(
    (v) => ({ ok: true, value: v, error: null }),
    (e) => ({ ok: false, value: null, error: e && e.message ? String(e.message) : String(e) }),
  );
  const guard = (f) => (v) => { try { return f(v); } catch (e) { trapped(e); } };
  return { then: (ok, fail) => settled.then(guard(ok), guard(fail)) };
}

/**
 * The Headers of recent answers from the cache, by their framed text: a hot entry's answers repeat the same fields
 * (its Age changes once a second), so those are parsed and appended once. A Response copies the Headers it is
 * given (its own changes never reach this one), so one object serves any number of answers. Emptied when full.
 * Other answers (`keep` false: a MISS, whose fields never repeat) are not kept: they would only cost the keeping.
 */
const recentHeaders = new Map();
const RECENT_HEADERS = 128;

/** The Response from a status, framed header fields (one byte per Latin-1 character) and a body holder. */
export function respond(status, packed, body, keep) {
  return responseOf(status, headersOf(packed, keep), body);
}

function responseOf(status, headers, body) {
  return new Response(body === null ? null : body.value, { status, headers });
}

function headersOf(packed, keep) {
  let t = "";
  const u = new Uint8Array(packed.buffer, packed.byteOffset, packed.length);
  for (let i = 0; i < u.length; i += 8192) t += String.fromCharCode.apply(null, u.subarray(i, i + 8192));
  let headers = keep ? recentHeaders.get(t) : undefined;
  if (headers === undefined) {
    headers = framedHeaders(t);
    if (keep) {
      if (recentHeaders.size >= RECENT_HEADERS) recentHeaders.clear();
      recentHeaders.set(t, headers);
    }
  }
  return headers;
}

// The isolate memory tier: answers from the cache that Java issued with a ticket (dev.isr4j.isr.Ticket), replayed
// for a request of exactly the same shape (method, URL, If-None-Match, If-Modified-Since, compared as strings)
// until the ticket's time, without calling into Java or reading a store. Java decides which answers have one and
// until when; this only compares strings and the clock, and fills Age and the Cache-Status ttl as the ticket says.
// Bounded in count and bytes (bodies, keys and fields; the oldest go first); a body over REPLAYABLE_BODY is never
// kept. Emptied whenever Java revalidates something (dropReplayable), and new with every isolate (so with every
// deployment).
const replayable = new Map();
let replayableBytes = 0;
export const REPLAYABLE = 1024;
export const REPLAYABLE_BYTES = 8 << 20;
export const REPLAYABLE_BODY = 64 << 10;
const MAX_DELTA_SECONDS = 2147483647;

/** The request's shape as a ticket's key: a field's absence differs from any value it can have. */
function shapeOf(request) {
  const h = request.headers;
  const etag = h.get("if-none-match");
  const since = h.get("if-modified-since");
  return request.method + " " + request.url + (etag === null ? "\n" : "\n=" + etag) + (since === null ? "\n" : "\n=" + since);
}

/** The answer a ticket holds for this request now, or null (none fits, or its time has come: then it goes). */
export function replay(request) {
  if (replayable.size === 0) return null;
  const key = shapeOf(request);
  const t = replayable.get(key);
  if (t === undefined) return null;
  const now = Date.now();
  if (!(now < t.until)) {
    forget(key, t);
    return null;
  }
  const age = Math.max(0, Math.trunc((now - t.ageFrom) / 1000));
  if (age !== t.age) {
    const headers = new Headers(t.headers); // a Response copies its Headers: one object serves a second's answers
    if (t.headers.has("age")) headers.set("age", String(Math.min(age, MAX_DELTA_SECONDS)));
    if (t.headers.has("cache-status")) {
      headers.set("cache-status", t.prefix + Math.min(Math.max(0, t.ttlFrom - age), MAX_DELTA_SECONDS));
    }
    t.age = age;
    t.current = headers;
  }
  return new Response(t.body, { status: t.status, headers: t.current });
}

/** As respond(), and keeps the answer to replay under the ticket Java issued with it (until, ageFrom, ttlFrom). */
export function respondReplayable(request, status, packed, body, until, ageFrom, ttlFrom, prefix) {
  const headers = headersOf(packed, true);
  let bytes = null;
  if (body !== null) {
    const v = body.value;
    const n = v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? v.byteLength : Infinity;
    // Copied before the Response takes the buffer; a stream or a large body is not kept.
    if (n <= REPLAYABLE_BODY) bytes = ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, n).slice() : new Uint8Array(v.slice(0));
  }
  if (request !== null && (body === null || bytes !== null)) {
    const key = shapeOf(request);
    const old = replayable.get(key);
    if (old !== undefined) forget(key, old);
    // What it holds counts against the bound: the body, the key (a URL can be long) and the fields.
    const size = (bytes === null ? 0 : bytes.byteLength) + 2 * key.length + packed.length;
    replayable.set(key, { status, headers, body: bytes, size, until, ageFrom, ttlFrom, prefix, age: -1, current: headers });
    replayableBytes += size;
    for (const [k, t] of replayable) {
      if (replayable.size <= REPLAYABLE && replayableBytes <= REPLAYABLE_BYTES) break;
      forget(k, t);
    }
  }
  return responseOf(status, headers, body);
}

function forget(key, t) {
  replayable.delete(key);
  replayableBytes -= t.size;
}

/** Drops every kept answer: Java revalidated something. */
export function dropReplayable() {
  replayable.clear();
  replayableBytes = 0;
}

/** How many answers are kept, and the bytes counted for them (for tests and the benchmark). */
export function replayableSize() {
  return { count: replayable.size, bytes: replayableBytes };
}

/** Headers from HeaderFraming's layout: <length>:<name><length>:<value>..., lengths in characters. */
function framedHeaders(t) {
  const headers = new Headers();
  for (let i = 0; i < t.length;) {
    let c = t.indexOf(":", i);
    let n = +t.slice(i, c);
    const name = t.substr(c + 1, n);
    i = c + 1 + n;
    c = t.indexOf(":", i);
    n = +t.slice(i, c);
    headers.append(name, t.substr(c + 1, n));
    i = c + 1 + n;
  }
  return headers;
}

/** The slot of a KV read's metadata text in `t` when it holds that text, else -1 - slot (text in t.pending). */
export function metadataSlot(r, t) {
  const j = JSON.stringify(r.metadata);
  let h = j.length;
  for (let i = 0; i < j.length; i += 7) h = (h * 31 + j.charCodeAt(i)) | 0;
  const slot = h & (t.length - 1);
  if (t[slot] === j) return slot;
  t.pending = j;
  return -1 - slot;
}

/** The regional tier's copy of an entry as a KV read result, or null when absent, garbled or late. */
export function regionalRead(cache, key, ms) {
  const found = cache.match(key).then((r) => {
    if (!r) return null;
    let metadata;
    try {
      metadata = JSON.parse(decodeURIComponent(r.headers.get("x-isr4j-entry") || ""));
    } catch {
      if (r.body) r.body.cancel();
      return null;
    }
    return r.arrayBuffer().then((b) => ({ value: b, metadata, tier: "regional" }));
  }).catch(() => null);
  return withDeadline(found, ms, () => null);
}

/** The coordinator calls [[name, body], ...] (JSON), each to its Durable Object; their answers as JSON. */
export function coordinatorSend(ns, calls, ms) {
  const all = Promise.all(JSON.parse(calls).map(([name, body]) =>
    ns.get(ns.idFromName(name)).fetch("https://isr4j-coordinator/", { method: "POST", body }).then((r) => {
      if (!r.ok) throw new Error("the coordinator answered HTTP " + r.status);
      return r.text();
    })));
  return withDeadline(all, ms, () => {
    throw new Error("no answer within " + ms + " ms (ISR_COORDINATOR_TIMEOUT_MS)");
  }).then((a) => JSON.stringify(a));
}

/** The coordinator's tables, made once per Durable Object. */
export function createTables(sql) {
  sql.exec("CREATE TABLE IF NOT EXISTS isr4j_leases (lease_key TEXT PRIMARY KEY, holder TEXT,"
    + " until_ms INTEGER NOT NULL, done_lm INTEGER NOT NULL, touched_ms INTEGER NOT NULL)");
  sql.exec("CREATE INDEX IF NOT EXISTS isr4j_leases_touched ON isr4j_leases (touched_ms)");
  sql.exec("CREATE TABLE IF NOT EXISTS isr4j_tags (tag TEXT PRIMARY KEY, expired_ms INTEGER NOT NULL,"
    + " stale_ms INTEGER NOT NULL)");
}

export function putLeaseRow(sql, key, holder, until, done, touched) {
  sql.exec("INSERT INTO isr4j_leases (lease_key, holder, until_ms, done_lm, touched_ms) VALUES (?, ?, ?, ?, ?)"
    + " ON CONFLICT (lease_key) DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms,"
    + " done_lm = excluded.done_lm, touched_ms = excluded.touched_ms", key, holder, until, done, touched);
}

export function putTagRow(sql, tag, expired, stale) {
  sql.exec("INSERT INTO isr4j_tags (tag, expired_ms, stale_ms) VALUES (?, ?, ?)"
    + " ON CONFLICT (tag) DO UPDATE SET expired_ms = excluded.expired_ms, stale_ms = excluded.stale_ms",
  tag, expired, stale);
}

/** Double.toString's text for a JS number (Java's format: 1.0E7, 1.0E-4, -0.0, NaN, Infinity). */
export function doubleText(v) {
  if (v === 0) return 1 / v < 0 ? "-0.0" : "0.0";
  if (v !== v) return "NaN";
  if (!isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
  const e = v.toExponential();
  const m = e.indexOf("e");
  const x = +e.slice(m + 1);
  const s = v < 0 ? "-" : "";
  let d = e.slice(s.length, m).replace(".", "");
  if (x >= 7 || x < -3) return s + d[0] + "." + (d.slice(1) || "0") + "E" + x;
  if (x < 0) return s + "0." + "0".repeat(-x - 1) + d;
  d = d.padEnd(x + 1, "0");
  return s + d.slice(0, x + 1) + "." + (d.slice(x + 1) || "0");
}

/** True for a KV read that found no value, failed, or outlasted its deadline. */
export function nothingFound(r) {
  return r === null || r === undefined || r.isr4jTimedOut === true || r.value === null || r.value === undefined;
}

/** KV put options from the entry's metadata text (or null) and a TTL in seconds (0: none). */
export function kvPutOptions(metadata, ttl) {
  const o = {};
  if (metadata !== null) o.metadata = JSON.parse(metadata);
  if (ttl > 0) o.expirationTtl = ttl;
  return o;
}

/** Each read's outcome, {ok, value} or {ok: false, reason}, once all have settled. */
export function allSettled(reads) {
  return Promise.all(reads.map((p) => p.then(
    (v) => ({ ok: true, value: v }),
    (e) => ({ ok: false, reason: String((e && e.message) || e) }),
  )));
}

/** A KV list page as JSON: [name, metadata text or null] per key, whether it is the last, its cursor. */
export function describeList(r) {
  return JSON.stringify({
    keys: r.keys.map((k) => [k.name, k.metadata === undefined || k.metadata === null ? null : JSON.stringify(k.metadata)]),
    complete: !!r.list_complete,
    cursor: r.cursor || null,
  });
}

/** Puts an entry's regional copy: its body, its metadata in a header, kept `ttl` seconds. */
export function regionalStore(cache, key, holder, metadata, ttl) {
  return cache.put(key, new Response(holder === null ? null : holder.value, {
    headers: { "cache-control": "max-age=" + ttl, "x-isr4j-entry": encodeURIComponent(metadata) },
  }));
}

export function r2Put(bucket, key, holder, metadata) {
  return bucket.put(key, holder === null ? new ArrayBuffer(0) : holder.value, { customMetadata: JSON.parse(metadata) });
}

/** A JSON value's kind: 0 null, 1 boolean, 2 number, 3 string, 4 array, 5 object. */
export function jsonKind(v) {
  if (v === null || v === undefined) return 0;
  if (typeof v === "boolean") return 1;
  if (typeof v === "number") return 2;
  if (typeof v === "string") return 3;
  return Array.isArray(v) ? 4 : 5;
}

/** Header fields framed as Java reads them: name length ':' name value length ':' value, per field. */
export function frameHeaders(headers) {
  let out = "";
  headers.forEach((value, name) => { out += name.length + ":" + name + value.length + ":" + value; });
  return out;
}

/** The bytes of a body holder as an Int8Array view (no copy). */
export function bodyView(h) {
  const v = h.value;
  return ArrayBuffer.isView(v) ? new Int8Array(v.buffer, v.byteOffset, v.byteLength) : new Int8Array(v);
}

/** A holder of bytes [from, to) of a body holder's bytes (a view, no copy). */
export function bodySlice(h, from, to) {
  const v = h.value;
  const b = ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset + from, to - from) : new Uint8Array(v, from, to - from);
  return { value: b };
}

/**
 * One call on the Worker's edge cache (`ctx.cache`): `method` is "purge" or "invalidate"; `tags` the Cache-Tag
 * values, one per line, or null for everything. A call that throws becomes a rejected promise.
 */
export function workersCacheCall(cache, method, tags) {
  try {
    return Promise.resolve(cache[method](tags === null ? { purgeEverything: true } : { tags: tags.split("\n") }));
  } catch (e) {
    return Promise.reject(e);
  }
}

export function fetchInit(method, headers, body) {
  return { method, headers, body: body === null ? null : body.value };
}

export function leaseRow(sql, key) {
  const rows = sql.exec("SELECT holder, until_ms, done_lm, touched_ms FROM isr4j_leases WHERE lease_key = ?", key).toArray();
  return rows.length === 0 ? null : JSON.stringify(rows[0]);
}

export function tagRow(sql, tag) {
  const rows = sql.exec("SELECT expired_ms, stale_ms FROM isr4j_tags WHERE tag = ?", tag).toArray();
  return rows.length === 0 ? null : JSON.stringify(rows[0]);
}

// A Java stack from a JS one, for a module built with method names (a development build), whose Wasm frames read
// "at pkg.Class::method (wasm://...)": one {className, method} per frame, innermost first, without the frames of
// the exception's own construction (fillInStackTrace, constructors, TeaVM's runtime) at the top.
export function javaFrames(stack) {
  const frames = [];
  for (const line of String(stack ?? "").split("\n")) {
    const m = /^\s*at (\S+)::(\S+) \(wasm:/.exec(line);
    if (m === null) continue;
    const [, className, method] = m;
    if (frames.length === 0 && (method === "fillInStackTrace" || method.startsWith("<init>") || className.startsWith("org.teavm."))) continue;
    frames.push({ className, method: method.replace(/@caller$/, ""), file: null, line: -1 });
  }
  return frames;
}
