// The load measurements: every worker in both variants (real local KV, in-memory KV stand-in), each
// in its own Miniflare, driven by wrk over loopback at fixed concurrency; workerd CPU time from /proc.
//
// Order: start all instances; make the HIT entries (isr4j and peer render and store, the floor gets
// copies of isr4j's entries); warm-up runs; pre-warm the STALE paths; then `rounds` rounds, each
// running every scenario on every worker once (round-robin, the worker order rotating per round).
import { setTimeout as sleep } from "node:timers/promises";
import { request, bodyBytesCopied, copyIsr4jEntry, dropKeys, kvCounts, warmUntilHit } from "./client.mjs";
import { cpuUsage, settleCpu } from "./proc-cpu.mjs";
import { SCENARIOS, STALE_PREFIX, STALE_SPARES, UNIQUE_PATHS_LUA } from "./scenarios.mjs";
import { VARIANTS, startWorker } from "./workers.mjs";
import { runWrk } from "./wrk.mjs";

const THREADS = 2;
const CONNECTIONS = 16;
/** A STALE path is stale again this long after its last regeneration (revalidate 1 s, plus margin). */
const STALE_AFTER_MS = 1200;

const key = (variant, name) => `${variant}/${name}`;
const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length]);

/** Starts every worker the scenarios need, in both variants, one at a time (to find each workerd pid). */
export async function startAll(log) {
  const names = [...new Set(SCENARIOS.flatMap((s) => s.workers))];
  const instances = new Map();
  try {
    for (const variant of VARIANTS) {
      for (const name of names) {
        const w = await startWorker(name, variant);
        instances.set(key(variant, name), w);
        log(`  started ${name.padEnd(8)} (${variant.padEnd(6)}) ${w.url.href} workerd pid ${w.pid}`);
      }
    }
  } catch (e) {
    await disposeAll(instances);
    throw e;
  }
  return instances;
}

export async function disposeAll(instances) {
  for (const w of instances.values()) await w.dispose().catch(() => {});
}

/** HIT entries for every HIT scenario on every worker that runs it; the floor gets byte-identical copies of isr4j's. */
async function prepareHits(instances) {
  const checks = [];
  for (const variant of VARIANTS) {
    const isr4j = instances.get(key(variant, "isr4j"));
    for (const s of SCENARIOS.filter((x) => x.kind === "hit")) {
      const reference = await warmUntilHit(isr4j, s.path, { timeoutMs: 30_000 });
      for (const name of s.workers.filter((n) => n !== "isr4j" && n !== "null")) {
        const w = instances.get(key(variant, name));
        if (name === "floor") await copyIsr4jEntry(isr4j, w, s.path);
        const answer = name === "floor" ? await request(w, s.path) : await warmUntilHit(w, s.path, { timeoutMs: 30_000 });
        if (answer.status !== 200) throw new Error(`${variant}: ${name}'s ${s.path} answered ${answer.status}`);
        // the products carry a timestamp of their own rendering; bodies that are pure functions must match
        if ((name === "floor" || s.id !== "hit-small") && !answer.bytes.equals(reference.bytes)) {
          throw new Error(`${variant}: ${name}'s ${s.path} body differs from isr4j's`);
        }
      }
      checks.push(`${variant} ${s.path}: ${s.workers.filter((n) => n !== "null").join(", ")} serve it from cache`);
    }
  }
  return checks;
}

/** Requests base<prefix>-<i> for i < count from node, `concurrency` at a time; bounded by timeoutMs. */
async function prewarmPaths(worker, base, prefix, count, { concurrency = CONNECTIONS, timeoutMs = 30_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let next = 0;
  let bad = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count && Date.now() < deadline) {
        const i = next++;
        const res = await worker.fetch(`${base}${prefix}-${i}`);
        await res.arrayBuffer();
        if (res.status !== 200) bad++;
      }
    }),
  );
  return { requested: next, bad, seconds: (performance.now() - started) / 1000 };
}

/** One wrk run on one worker with its workerd CPU time. */
async function measure(worker, s, { seconds, tag, staleCount }) {
  const options = { url: new URL(s.path ?? "/", worker.url).href, seconds, threads: THREADS, connections: CONNECTIONS };
  if (s.kind === "miss") {
    Object.assign(options, { script: UNIQUE_PATHS_LUA, scriptArgs: [s.base, tag, 0, THREADS] });
  } else if (s.kind === "stale") {
    Object.assign(options, { script: UNIQUE_PATHS_LUA, scriptArgs: [s.base, STALE_PREFIX, staleCount, THREADS, STALE_SPARES] });
  }
  const kvBefore = await kvCounts(worker);
  const copiedBefore = await bodyBytesCopied(worker);
  const cpuBefore = cpuUsage(worker.pid);
  const result = await runWrk(options);
  const cpuAfter = await settleCpu(worker.pid); // includes the background (waitUntil) work of the run
  const kvAfter = await kvCounts(worker);
  const copiedAfter = await bodyBytesCopied(worker);
  const perRequest = (x) => (result.requests > 0 ? x / result.requests : null);
  const sample = {
    worker: worker.name,
    variant: worker.variant,
    scenario: s.id,
    requests: result.requests,
    seconds: result.seconds,
    rps: result.rps,
    latencyMs: result.latencyMs,
    non2xx: result.non2xx,
    socketErrors: result.socketErrors,
    cache: result.cache,
    cpuMsPerRequest: perRequest(cpuAfter.totalMs - cpuBefore.totalMs),
    userMsPerRequest: perRequest(cpuAfter.userMs - cpuBefore.userMs),
    systemMsPerRequest: perRequest(cpuAfter.systemMs - cpuBefore.systemMs),
    minorFaultsPerRequest: perRequest(cpuAfter.minorFaults - cpuBefore.minorFaults),
    kvOpsPerRequest: kvBefore === null || result.requests === 0 ? null
      : Object.fromEntries(Object.keys(kvAfter).map((k) => [k, (kvAfter[k] - kvBefore[k]) / result.requests])),
    bodyBytesCopiedPerRequest: copiedBefore === null || copiedAfter === null ? null : perRequest(copiedAfter - copiedBefore),
    problems: [],
  };
  if (result.non2xx > 0) sample.problems.push(`${result.non2xx} non-2xx responses`);
  const errors = Object.values(result.socketErrors).reduce((a, b) => a + b, 0);
  if (errors > 0) sample.problems.push(`socket errors ${JSON.stringify(result.socketErrors)}`);
  if (s.expect && result.cache && worker.name !== "null") { // the null worker answers every path the same way
    const other = result.requests - (result.cache[s.expect] ?? 0);
    // A few responses in flight at the end may be counted by the Lua script but not by wrk's total.
    if (other > Math.max(5, result.requests * 0.01)) {
      sample.problems.push(`only ${result.cache[s.expect]} of ${result.requests} responses were ${s.expect}: ${JSON.stringify(result.cache)}`);
    }
  }
  if (s.kind === "stale" && staleCount > 0 && result.requests >= staleCount - CONNECTIONS) {
    sample.problems.push(`used up all ${staleCount} pre-warmed paths: requests/s is understated`);
  }
  return sample;
}

/**
 * Runs the load measurements.
 * @param {{seconds: number, warmupSeconds: number, rounds: number, deadline: number, log: Function}} options
 * @returns {Promise<{samples: object[], checks: string[], notes: string[], staleCounts: object}>}
 */
export async function runLoad({ seconds, warmupSeconds, rounds, deadline, log }) {
  const instances = await startAll(log);
  const samples = [];
  const notes = [];
  const staleCounts = {};
  const lastStale = new Map();
  try {
    log("preparing HIT entries");
    const checks = await prepareHits(instances);

    log(`warm-up (${warmupSeconds} s per worker and scenario)`);
    const warmMissRps = new Map();
    for (const s of SCENARIOS.filter((x) => x.kind !== "stale")) {
      for (const variant of VARIANTS) {
        for (const name of s.workers) {
          const w = instances.get(key(variant, name));
          const r = await measure(w, s, { seconds: warmupSeconds, tag: "warm" });
          if (s.kind === "miss" && name !== "null") {
            warmMissRps.set(key(variant, name), r.rps);
            await dropKeys(w, "/api/products/warm-");
          }
        }
      }
    }

    const stale = SCENARIOS.find((x) => x.kind === "stale");
    for (const variant of VARIANTS) {
      for (const name of stale.workers.filter((n) => n !== "null")) {
        const w = instances.get(key(variant, name));
        // Enough stale paths that a run of `seconds` does not run out: 2.5x what the warm-up MISS rate
        // needs (a run that does is reported).
        const count = Math.min(60_000, Math.max(1000, Math.ceil((warmMissRps.get(key(variant, name)) ?? 1000) * seconds * 2.5)));
        const p = await prewarmPaths(w, stale.base, STALE_PREFIX, count + STALE_SPARES);
        await settleCpu(w.pid);
        lastStale.set(key(variant, name), Date.now());
        staleCounts[key(variant, name)] = Math.max(0, p.requested - STALE_SPARES);
        if (p.bad > 0) throw new Error(`${name}/${variant}: ${p.bad} pre-warm requests failed`);
        log(`  pre-warmed ${p.requested} STALE paths on ${name}/${variant} in ${p.seconds.toFixed(1)} s`);
      }
    }

    let roundMs = 0;
    for (let round = 1; round <= rounds; round++) {
      // Start a round only if one as long as the last still fits in the time budget.
      if (round > 1 && Date.now() + roundMs > deadline) {
        notes.push(`stopped after ${round - 1} of ${rounds} rounds: another would not fit in the time budget`);
        log(`time budget: skipping rounds ${round}..${rounds}`);
        break;
      }
      const roundStarted = Date.now();
      log(`round ${round}/${rounds}`);
      for (const s of SCENARIOS) {
        for (const variant of VARIANTS) {
          for (const name of rotate(s.workers, round - 1)) {
            const w = instances.get(key(variant, name));
            const tag = `r${round}`;
            if (s.kind === "stale" && name !== "null") {
              const wait = lastStale.get(key(variant, name)) + STALE_AFTER_MS - Date.now();
              if (wait > 0) await sleep(wait);
            }
            const sample = await measure(w, s, { seconds, tag, staleCount: staleCounts[key(variant, name)] ?? 0 });
            sample.round = round;
            samples.push(sample);
            if (s.kind === "stale") lastStale.set(key(variant, name), Date.now());
            if (s.kind === "miss" && name !== "null") await dropKeys(w, `/api/products/${tag}-`);
            log(
              `  ${s.id.padEnd(9)} ${variant.padEnd(6)} ${name.padEnd(8)} ${sample.rps.toFixed(0).padStart(6)} req/s  ` +
                `p50 ${sample.latencyMs.p50.toFixed(2)} ms  p99 ${sample.latencyMs.p99.toFixed(2)} ms  ` +
                `CPU ${(sample.cpuMsPerRequest * 1000).toFixed(0)} us/req` +
                (sample.problems.length > 0 ? `  [${sample.problems.join("; ")}]` : ""),
            );
          }
        }
      }
      roundMs = Date.now() - roundStarted;
    }
    return { samples, checks, notes, staleCounts };
  } finally {
    await disposeAll(instances);
  }
}
