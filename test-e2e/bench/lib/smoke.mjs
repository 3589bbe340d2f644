// Smoke mode: every worker, in both variants, answers every scenario it applies to correctly. A few
// requests with fetch, no wrk, no timing: the right JSON shape, the byte-identical 1 MiB body, and
// MISS -> HIT and STALE -> (regenerated) HIT paths that answer 200. Then a tiny stampede (checkStampede).
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { bodyBytesCopied, cacheState, copyIsr4jEntry, pollUntil, request, warmUntilHit } from "./client.mjs";
import { prepare } from "./setup.mjs";
import { VARIANTS, startWorker } from "./workers.mjs";
import { STAMPEDE_SMOKE, runStampede, stampedeMarkdown } from "./stampede.mjs";

const LARGE_SIZE = 1 << 20;

export function expectedLarge() {
  const b = Buffer.alloc(LARGE_SIZE);
  for (let i = 0; i < b.length; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

/** The product JSON both isr4j and the peer serve. */
export function assertProduct(r, id, what) {
  assert.equal(r.status, 200, `${what}: status`);
  assert.match(r.headers.get("content-type") ?? "", /^application\/json\b/, `${what}: content-type`);
  const p = JSON.parse(r.text());
  assert.deepEqual(Object.keys(p), ["id", "sku", "name", "price", "stock", "tags", "updatedAt"], `${what}: keys`);
  assert.equal(p.id, id, `${what}: id`);
  assert.equal(typeof p.sku, "string", `${what}: sku`);
  assert.equal(typeof p.name, "string", `${what}: name`);
  assert.deepEqual(Object.keys(p.price), ["amount", "currency"], `${what}: price`);
  assert.equal(typeof p.price.amount, "number", `${what}: price.amount`);
  assert.equal(typeof p.stock, "number", `${what}: stock`);
  assert.ok(Array.isArray(p.tags) && p.tags.every((t) => typeof t === "string"), `${what}: tags`);
  assert.equal(typeof p.updatedAt, "number", `${what}: updatedAt`);
  assert.ok(r.bytes.length >= 150 && r.bytes.length <= 260, `${what}: ${r.bytes.length} bytes, expected about 200`);
  return p;
}

function assertLarge(r, what) {
  assert.equal(r.status, 200, `${what}: status`);
  assert.equal(r.headers.get("content-type"), "application/octet-stream", `${what}: content-type`);
  assert.equal(r.bytes.length, LARGE_SIZE, `${what}: length`);
  assert.ok(r.bytes.equals(expectedLarge()), `${what}: body differs from byte i = (i*31+7)&0xff`);
}

function assertState(w, r, state, what) {
  assert.equal(cacheState(w, r), state, `${what}: expected ${state}, got ${cacheState(w, r)} (status ${r.status})`);
}

/** MISS -> HIT (small and 1 MiB), then STALE -> regenerated HIT, on a worker that caches (isr4j, peer). */
async function checkCachingWorker(w, run) {
  const label = `${w.name}/${w.variant}`;
  const checks = [];
  const id = `smoke-${run}`;

  const miss = await request(w, `/api/products/${id}`);
  assertState(w, miss, "MISS", `${label} MISS`);
  const missed = assertProduct(miss, id, `${label} MISS`);
  const hit = await warmUntilHit(w, `/api/products/${id}`);
  assert.deepEqual(assertProduct(hit, id, `${label} HIT`), missed, `${label}: the HIT serves the stored JSON`);
  checks.push(`${label}: MISS then HIT on /api/products/${id}`);

  const largeMiss = await request(w, "/api/large");
  assertState(w, largeMiss, "MISS", `${label} large MISS`);
  assertLarge(largeMiss, `${label} large MISS`);
  assertLarge(await warmUntilHit(w, "/api/large"), `${label} large HIT`);
  checks.push(`${label}: 1 MiB body byte-identical on MISS and HIT`);

  const pricePath = `/api/prices/${id}`;
  assertProduct(await request(w, pricePath), id, `${label} prices MISS`);
  await warmUntilHit(w, pricePath);
  await sleep(1100); // revalidate 1 s
  const stale = await request(w, pricePath);
  assertState(w, stale, "STALE", `${label} STALE`);
  const staleProduct = assertProduct(stale, id, `${label} STALE`);
  const regenerated = await pollUntil(w, pricePath, (r) => {
    assert.equal(r.status, 200, `${label}: status after STALE`);
    return cacheState(w, r) === "HIT";
  }, { what: "the regenerated entry" });
  assert.ok(assertProduct(regenerated, id, `${label} regenerated`).updatedAt > staleProduct.updatedAt, `${label}: regenerated entry is newer`);
  checks.push(`${label}: STALE served, then the regenerated entry as a HIT`);
  return { checks, smallHit: hit };
}

/** /api/huge's body: 30 MiB, byte i = ((i >>> 10) * 131 + i * 7 + 3) & 0xff. */
function expectedHuge() {
  const b = Buffer.alloc(30 << 20);
  for (let i = 0; i < b.length; i++) b[i] = ((i >>> 10) * 131 + i * 7 + 3) & 0xff;
  return b;
}

/** isr4j's storage tiers: a 30 MiB body from R2, and HIT bodies that never enter Java (memory variant counts). */
async function checkTiers(w) {
  const label = `${w.name}/${w.variant}`;
  const huge = expectedHuge();
  const miss = await request(w, "/api/huge");
  assertState(w, miss, "MISS", `${label} huge MISS`);
  assert.ok(miss.bytes.equals(huge), `${label}: huge MISS body`);
  const hit = await warmUntilHit(w, "/api/huge", { timeoutMs: 30_000 });
  assert.ok(hit.bytes.equals(huge), `${label}: huge HIT body`);
  const checks = [`${label}: 30 MiB body MISS then HIT from R2, byte-identical`];
  const before = await bodyBytesCopied(w);
  if (before !== null) {
    for (const path of ["/api/large", "/api/huge"]) assertState(w, await request(w, path), "HIT", `${label} ${path}`);
    assert.equal(await bodyBytesCopied(w), before, `${label}: a HIT copied body bytes between Java and JS`);
    checks.push(`${label}: 1 MiB and 30 MiB HITs copy no body bytes into Java`);
  }
  return checks;
}

/** The floor serves isr4j's entries byte for byte. */
async function checkFloor(floor, isr4j, smallPath) {
  const label = `floor/${floor.variant}`;
  const checks = [];
  for (const path of [smallPath, "/api/large"]) {
    await copyIsr4jEntry(isr4j, floor, path);
    const [mine, theirs] = [await request(floor, path), await request(isr4j, path)];
    assert.equal(mine.status, 200, `${label} ${path}: status`);
    assert.equal(mine.headers.get("content-type"), theirs.headers.get("content-type"), `${label} ${path}: content-type`);
    assert.ok(mine.bytes.equals(theirs.bytes), `${label} ${path}: body differs from isr4j's`);
    if (path === "/api/large") assertLarge(mine, `${label} large`);
    checks.push(`${label}: serves isr4j's entry for ${path} byte for byte`);
  }
  return checks;
}

/**
 * The stampede scenario, tiny (2 isolates, 8 connections, 2 keys, 1 revalidation, 1.5 s): it runs and its
 * report holds together. Structural only, no timing and no render counts: every answer is a 200 with an
 * x-isr-cache state, the endpoint took the hard revalidation, every key was rendered for the cold fill, and
 * every figure is there. (Not that a key renders again after the revalidation: a fill render still running when
 * the revalidation lands writes a valid entry, and on a loaded machine that happens.)
 */
export async function checkStampede({ log = () => {} } = {}) {
  const r = await runStampede({ ...STAMPEDE_SMOKE, log });
  const what = `stampede ${JSON.stringify(r.byStatus)} ${JSON.stringify(r.byState)} ${r.clientErrorSamples.join("; ")}`;
  assert.ok(r.answers > 0, "stampede: no answers");
  assert.equal(r.byStatus[200], r.answers, `${what}: every answer a 200`);
  assert.equal(r.serverErrors, 0, `${what}: 5xx`);
  assert.equal(r.byState.none ?? 0, 0, `${what}: an answer without x-isr-cache`);
  assert.equal(Object.values(r.byState).reduce((a, b) => a + b, 0), r.answers, `${what}: answers by state add up`);
  assert.equal(r.revalidations.length, 1, "stampede: one revalidation");
  assert.equal(r.revalidations[0].status, 200, `stampede: the revalidation endpoint answered ${JSON.stringify(r.revalidations)}`);
  assert.equal(JSON.parse(r.revalidations[0].body).mode, "hard", `stampede: ${r.revalidations[0].body}`);
  assert.equal(r.epochs.length, 2, "stampede: a fill and one revalidation");
  for (const e of r.epochs) assert.equal(e.rendersPerKey.length, STAMPEDE_SMOKE.keys, `stampede ${e.what}: a count per key`);
  assert.ok(r.epochs[0].minPerKey >= 1, `stampede: a key never rendered on the fill (${JSON.stringify(r.epochs[0].rendersPerKey)})`);
  for (const x of [r.rendersPerKeyPerRevalidation, r.rendersPerKeyFill, r.latencyMs.p50, r.latencyMs.p99]) {
    assert.ok(Number.isFinite(x), `stampede: a figure is missing (${x})`);
  }
  assert.ok(Number.isInteger(r.entryPuts) && r.entryPuts >= 1, `stampede: entry writes ${r.entryPuts}`);
  assert.ok(Number.isInteger(r.oldAfterAck.revalidatingIsolate) && Number.isInteger(r.oldAfterAck.otherIsolates), "stampede: old content counts");
  assert.match(stampedeMarkdown(r), /renders per key per revalidation/);
  return [`stampede: ${r.answers} answers from 2 isolates, all 200 with x-isr-cache; every key rendered on the fill; the hard revalidation taken`];
}

/**
 * Runs the smoke checks; throws an AssertionError on the first wrong answer. Like the other end-to-end
 * tests it uses isr4j's current build (the fixture app's, worker-java/fixtures/worker), building it only when it
 * is missing.
 * @returns {Promise<string[]>} the checks that passed
 */
export async function smoke({ log = () => {}, buildIsr4j = "missing" } = {}) {
  await prepare({ log, buildIsr4j });
  const checks = await workerChecks({ log });
  // After the other workers are gone: the stampede starts its own isolates.
  const stampede = await checkStampede();
  for (const c of stampede) log(`  ok  ${c}`);
  return [...checks, ...stampede];
}

/** Every benchmark worker, in both variants, answers its scenarios correctly. */
async function workerChecks({ log }) {
  const run = Date.now().toString(36);
  const started = [];
  try {
    const specs = VARIANTS.flatMap((variant) => ["isr4j", "isr4j-kv", "isr4j-l1", "peer", "floor", "null"].map((name) => ({ name, variant })));
    // allSettled: when one fails to start, the others are still known and disposed in finally.
    const outcomes = await Promise.allSettled(
      specs.map(async ({ name, variant }) => {
        const w = await startWorker(name, variant, { trackPid: false, persist: false });
        started.push(w);
        return w;
      }),
    );
    const failed = outcomes.find((o) => o.status === "rejected");
    if (failed) throw failed.reason;
    const workers = outcomes.map((o) => o.value);
    const get = (name, variant) => workers.find((w) => w.name === name && w.variant === variant);
    const perVariant = await Promise.all(
      VARIANTS.map(async (variant) => {
        const [isr4j, isr4jKv, isr4jL1, peer] = await Promise.all([checkCachingWorker(get("isr4j", variant), run),
          checkCachingWorker(get("isr4j-kv", variant), run), checkCachingWorker(get("isr4j-l1", variant), run),
          checkCachingWorker(get("peer", variant), run)]);
        const floor = await checkFloor(get("floor", variant), get("isr4j", variant), `/api/products/smoke-${run}`);
        const tiers = await checkTiers(get("isr4j", variant));
        const nul = await request(get("null", variant), "/api/products/1");
        assert.equal(nul.status, 200, `null/${variant}: status`);
        return [...isr4j.checks, ...isr4jKv.checks, ...isr4jL1.checks, ...peer.checks, ...floor, ...tiers, `null/${variant}: answers 200`];
      }),
    );
    const checks = perVariant.flat();
    for (const c of checks) log(`  ok  ${c}`);
    return checks;
  } finally {
    await Promise.all(started.map((w) => w.dispose().catch(() => {})));
  }
}
