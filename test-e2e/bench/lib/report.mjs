// Turns the samples into the results: per worker and scenario (medians over rounds), ratios, targets;
// written as results/latest.json and results/latest.md.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RESULTS_DIR } from "./paths.mjs";
import { SCENARIOS } from "./scenarios.mjs";
import { max, median, min, ratio } from "./stats.mjs";

/**
 * The null worker's CPU per request under the same load: same scenario (same paths, same wrk script), round
 * and variant. What every worker's own CPU is measured against.
 */
function nullCpu(samples, scenario, round, variant) {
  const s = samples.find((x) => x.worker === "null" && x.scenario === scenario && x.round === round && x.variant === variant);
  return s ? s.cpuMsPerRequest : null;
}

/** Median KV calls per request per method over the samples (in-memory variant), zeros left out. */
function kvOps(samples) {
  const withOps = samples.filter((s) => s.kvOpsPerRequest);
  if (withOps.length === 0) return null;
  const out = {};
  for (const method of Object.keys(withOps[0].kvOpsPerRequest)) {
    const m = median(withOps.map((s) => s.kvOpsPerRequest[method]));
    if (m !== null && m >= 0.005) out[method] = m;
  }
  return out;
}

const showOps = (ops) => (ops ? Object.entries(ops).map(([k, v]) => `${v.toFixed(2)} ${k}`).join(" + ") || "none" : "-");

function summarise(samples, scenario, worker, variant) {
  const mine = samples.filter((s) => s.scenario === scenario && s.worker === worker && s.variant === variant);
  if (mine.length === 0) return null;
  const own = mine.map((s) => {
    const n = nullCpu(samples, scenario, s.round, variant);
    return n === null || s.cpuMsPerRequest === null ? null : s.cpuMsPerRequest - n;
  });
  return {
    rounds: mine.length,
    rps: median(mine.map((s) => s.rps)),
    p50Ms: median(mine.map((s) => s.latencyMs.p50)),
    p99Ms: median(mine.map((s) => s.latencyMs.p99)),
    cpuMsPerRequest: median(mine.map((s) => s.cpuMsPerRequest)),
    userMsPerRequest: median(mine.map((s) => s.userMsPerRequest)),
    systemMsPerRequest: median(mine.map((s) => s.systemMsPerRequest)),
    minorFaultsPerRequest: median(mine.map((s) => s.minorFaultsPerRequest)),
    ownCpuMsPerRequest: median(own),
    ownCpuMsRange: [min(own), max(own)],
    requests: mine.reduce((a, s) => a + s.requests, 0),
    kvOpsPerRequest: kvOps(mine),
    bodyBytesCopiedPerRequest: median(mine.map((s) => s.bodyBytesCopiedPerRequest ?? null).filter((x) => x !== null)),
    problems: [...new Set(mine.flatMap((s) => s.problems))],
  };
}

export function buildResults({ load, coldStart, instantiation, bundle, settings, meta }) {
  const rows = [];
  for (const s of SCENARIOS) {
    for (const worker of s.workers) {
      rows.push({
        scenario: s.id,
        title: s.title,
        worker,
        e2e: summarise(load.samples, s.id, worker, "kv"),
        memory: summarise(load.samples, s.id, worker, "memory"),
      });
    }
  }
  const row = (scenario, worker) => rows.find((r) => r.scenario === scenario && r.worker === worker);
  // which: "e2e" (local KV) or "memory" (in-memory KV stand-in)
  const get = (scenario, worker, which, field) => row(scenario, worker)?.[which]?.[field] ?? null;

  const ratios = [];
  for (const s of SCENARIOS) {
    for (const mine of ["isr4j", "isr4j-kv", "isr4j-l1"]) {
      if (!s.workers.includes(mine)) continue;
      for (const other of ["floor", "peer"]) {
        if (!s.workers.includes(other)) continue;
        ratios.push({
          scenario: s.id,
          worker: mine,
          versus: other,
          ownCpu: ratio(get(s.id, mine, "memory", "ownCpuMsPerRequest"), get(s.id, other, "memory", "ownCpuMsPerRequest")),
          e2eRps: ratio(get(s.id, mine, "e2e", "rps"), get(s.id, other, "e2e", "rps")),
          e2eP50: ratio(get(s.id, mine, "e2e", "p50Ms"), get(s.id, other, "e2e", "p50Ms")),
          memoryRps: ratio(get(s.id, mine, "memory", "rps"), get(s.id, other, "memory", "rps")),
        });
      }
    }
  }

  const own = (scenario, worker) => get(scenario, worker, "memory", "ownCpuMsPerRequest");
  const us = (ms) => (ms === null ? "n/a" : `${(ms * 1000).toFixed(0)} us`);
  const target = (id, text, value, limit, show) => ({
    id,
    text,
    value,
    limit,
    shown: value === null || limit === null ? "not measured" : `${show(value)} vs limit ${show(limit)}`,
    pass: value === null || limit === null ? null : value <= limit,
  });
  const targets = [
    // Issue 27's targets. isr4j-kv: the same KV read per HIT as the floor and the peer (the regional tier's CPU in
    // Miniflare includes its Cache API simulator, which production does not bill to the worker); isr4j-l1: a hot
    // HIT replayed from the isolate memory tier, no read at all.
    target("hit-small-l1-floor", "HIT small, own CPU: isr4j-l1 <= floor", own("hit-small", "isr4j-l1"),
      own("hit-small", "floor"), us),
    target("hit-small-floor", "HIT small, own CPU: isr4j-kv <= floor + 25 us", own("hit-small", "isr4j-kv"),
      own("hit-small", "floor") === null ? null : own("hit-small", "floor") + 0.025, us),
    target("hit-small-peer", "HIT small, own CPU: isr4j-kv <= peer", own("hit-small", "isr4j-kv"),
      own("hit-small", "peer"), us),
    target("hit-large-floor", "HIT 1 MiB, own CPU: isr4j-kv <= 1.1 x floor", own("hit-large", "isr4j-kv"),
      own("hit-large", "floor") === null ? null : 1.1 * own("hit-large", "floor"), us),
    target("miss-peer", "MISS, own CPU: isr4j-kv <= 1.5 x peer", own("miss", "isr4j-kv"),
      own("miss", "peer") === null ? null : 1.5 * own("miss", "peer"), us),
    target("stale-peer", "STALE, own CPU: isr4j-kv <= 1.5 x peer", own("stale", "isr4j-kv"),
      own("stale", "peer") === null ? null : 1.5 * own("stale", "peer"), us),
    target("hit-small-e2e-p50", "HIT small, p50 with Miniflare's local KV: isr4j <= floor",
      get("hit-small", "isr4j", "e2e", "p50Ms"), get("hit-small", "floor", "e2e", "p50Ms"), (ms) => `${ms.toFixed(2)} ms`),
    target("bundle", "bundle <= 150 KB gzipped (150,000 bytes)", bundle?.gzipBytes ?? null, 150_000, (b) => `${(b / 1000).toFixed(1)} KB`),
    target("instantiation", "isr4j instantiation median <= the floor's first request", instantiation?.evaluateMs.median ?? null,
      coldStart?.summary?.floor?.firstMs ?? null, (ms) => `${ms.toFixed(1)} ms`),
    target("first-request", "first request of a fresh isolate: isr4j <= 1.5 x floor",
      coldStart?.summary?.isr4j?.firstMs ?? null,
      coldStart?.summary?.floor?.firstMs == null ? null : 1.5 * coldStart.summary.floor.firstMs, (ms) => `${ms.toFixed(1)} ms`),
  ];

  return { generatedAt: new Date().toISOString(), meta, settings, rows, ratios, targets, coldStart, instantiation, bundle,
    staleCounts: load.staleCounts, notes: load.notes, checks: load.checks, samples: load.samples };
}

const f = (x, digits = 0) => (x === null || x === undefined ? "-" : x.toFixed(digits));
const fus = (ms) => (ms === null || ms === undefined ? "-" : (ms * 1000).toFixed(0));
const fx = (x) => (x === null || x === undefined || !Number.isFinite(x) ? "-" : `${x.toFixed(2)}x`);

export function toMarkdown(r) {
  const out = [];
  out.push("# isr4j benchmark", "");
  out.push(`${r.generatedAt} - commit ${r.meta.commit}${r.meta.dirty ? " (with uncommitted changes)" : ""} - isr4j build ${r.meta.isr4jBuild} - ${r.meta.cpus} CPUs, load average before the run ${r.meta.loadavg.map((x) => x.toFixed(2)).join(" ")} - node ${r.meta.node}, wrk ${r.meta.wrk}`);
  out.push("");
  out.push(`Load: wrk -t${r.settings.threads} -c${r.settings.connections}, ${r.settings.rounds} interleaved rounds of ${r.settings.seconds} s per worker and scenario (after a ${r.settings.warmupSeconds} s warm-up each); medians over the rounds.`);
  out.push("End to end = Miniflare's local KV (persisted in a temp dir). Own CPU = workerd CPU time per request (user + system, /proc) with an in-memory KV stand-in, less the null worker's in the same scenario and round.");
  out.push("");
  out.push("Body bytes copied/req: bytes isr4j copied between Java (Wasm) and JS per request (in-memory variant, JsBody's counter); 0 on a HIT means the stored body went to the Response without entering Java.");
  out.push("");
  out.push("| scenario | worker | e2e req/s | e2e p50 ms | e2e p99 ms | e2e workerd CPU/req us | in-memory req/s | own CPU/req us (min..max) | KV calls/req | body bytes copied/req |");
  out.push("|---|---|---:|---:|---:|---:|---:|---:|---|---:|");
  for (const row of r.rows) {
    const e = row.e2e ?? {};
    const m = row.memory ?? {};
    const range = m.ownCpuMsRange ? `${fus(m.ownCpuMsRange[0])}..${fus(m.ownCpuMsRange[1])}` : "";
    out.push(`| ${row.scenario} | ${row.worker} | ${f(e.rps)} | ${f(e.p50Ms, 2)} | ${f(e.p99Ms, 2)} | ${fus(e.cpuMsPerRequest)} | ${f(m.rps)} | ${row.worker === "null" ? `(baseline ${fus(m.cpuMsPerRequest)} total)` : `${fus(m.ownCpuMsPerRequest)} (${range})`} | ${showOps(m.kvOpsPerRequest)} | ${m.bodyBytesCopiedPerRequest == null ? "-" : f(m.bodyBytesCopiedPerRequest)} |`);
  }
  out.push("");
  out.push("CPU split with the in-memory KV (workerd process totals, null worker not subtracted):", "");
  out.push("| scenario | worker | user us/req | system us/req | minor page faults/req |");
  out.push("|---|---|---:|---:|---:|");
  for (const row of r.rows) {
    const m = row.memory ?? {};
    out.push(`| ${row.scenario} | ${row.worker} | ${fus(m.userMsPerRequest)} | ${fus(m.systemMsPerRequest)} | ${f(m.minorFaultsPerRequest, 1)} |`);
  }
  out.push("");
  out.push("## Ratios (isr4j / other)", "");
  out.push("| scenario | isr4j worker | vs | own CPU | e2e req/s | e2e p50 | in-memory req/s |");
  out.push("|---|---|---|---:|---:|---:|---:|");
  for (const x of r.ratios) out.push(`| ${x.scenario} | ${x.worker ?? "isr4j"} | ${x.versus} | ${fx(x.ownCpu)} | ${fx(x.e2eRps)} | ${fx(x.e2eP50)} | ${fx(x.memoryRps)} |`);
  out.push("");
  out.push("## Targets", "");
  out.push("| target | measured | result |");
  out.push("|---|---|---|");
  for (const t of r.targets) out.push(`| ${t.text} | ${t.shown} | ${t.pass === null ? "n/a" : t.pass ? "PASS" : "MISS"} |`);
  out.push("");
  if (r.coldStart) {
    out.push("## Cold start (fresh Miniflare, then the first request: a small HIT)", "");
    out.push(`Medians of ${r.coldStart.reps} starts each.`, "");
    out.push("| worker | start to ready ms | first request ms | ready + first ms | second request ms |");
    out.push("|---|---:|---:|---:|---:|");
    for (const [name, s] of Object.entries(r.coldStart.summary)) {
      out.push(`| ${name} | ${f(s.readyMs, 0)} | ${f(s.firstMs, 1)} | ${f(s.totalMs, 0)} | ${f(s.secondMs, 1)} |`);
    }
    out.push("");
  }
  if (r.instantiation) {
    const i = r.instantiation;
    out.push("## isr4j instantiation", "");
    out.push(`Top-level evaluation of the shim (the fixture app's worker-java/fixtures/worker/isr4j-worker.mjs; TeaVM runtime setup + Wasm instantiation; the Wasm module is compiled beforehand, as workerd's CompiledWasm is), timed in node ${i.node} (same V8 family; workerd freezes timers during module evaluation), ${i.runs} fresh processes: median ${f(i.evaluateMs.median, 1)} ms, min ${f(i.evaluateMs.min, 1)} ms. For reference: compiling the module ${f(i.compileMs.median, 1)} ms, the first request (/api/hello) ${f(i.firstRequestMs.median, 1)} ms.`);
    out.push("");
  }
  if (r.bundle) {
    const b = r.bundle;
    out.push("## Bundle (the example's, `wrangler deploy --dry-run` of the root wrangler.jsonc)", "");
    out.push(`${b.method}: ${(b.gzipBytes / 1000).toFixed(1)} KB gzipped of ${(b.bytes / 1000).toFixed(1)} KB (wrangler's own figure: ${b.wranglerTotalKiB} KiB / gzip ${b.wranglerGzipKiB} KiB).`);
    for (const file of b.files) out.push(`- ${file.file}: ${file.bytes} bytes, ${file.gzipBytes} gzipped`);
    for (const w of b.warnings) out.push(`- wrangler warning: ${w}`);
    out.push("");
  }
  const problems = r.rows.flatMap((row) => [...(row.e2e?.problems ?? []).map((p) => `${row.scenario} ${row.worker} e2e: ${p}`), ...(row.memory?.problems ?? []).map((p) => `${row.scenario} ${row.worker} in-memory: ${p}`)]);
  if (problems.length > 0 || r.notes.length > 0) {
    out.push("## Problems and notes", "");
    for (const p of [...problems, ...r.notes]) out.push(`- ${p}`);
    out.push("");
  }
  return out.join("\n");
}

export function writeResults(results) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const json = join(RESULTS_DIR, "latest.json");
  const md = join(RESULTS_DIR, "latest.md");
  writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  const markdown = toMarkdown(results);
  writeFileSync(md, `${markdown}\n`);
  return { json, md, markdown };
}
