#!/usr/bin/env node
// isr4j benchmark: isr4j against a floor (the unavoidable work of a KV cache hit) and a peer (vinext's
// KV cache handler), each worker in its own Miniflare. See README.md.
//
//   node test-e2e/bench/run.mjs            full benchmark (npm run bench), writes results/latest.{md,json}
//   node test-e2e/bench/run.mjs --smoke    correctness only, no wrk, no timing (npm run bench:smoke)
//
//   node test-e2e/bench/run.mjs --compare published/<file>.json   full run, then each figure against that
//        baseline (flags those >20% worse, exit status 1); add --current results/latest.json to compare two
//        results files without running
//
//   node test-e2e/bench/run.mjs --scenario stampede   only the stampede (npm run bench -- --scenario stampede):
//        --connections N (default 100), --keys N (hot keys, default 4), --revalidations N (hard, of their tag,
//        default 3), --isolates N (Miniflare workers sharing KV and the coordinator, default 1), --seconds N
//        (default 12), --var NAME=VALUE (a worker variable, e.g. ISR_REGIONAL_CACHE=off; repeatable); prints renders per key per revalidation, 5xx, latency and answers by x-isr-cache, and
//        writes results/stampede-latest.{md,json}. With --smoke: only the stampede's smoke check.
// Options: --seconds N (per run, default 3), --rounds N (default 3), --warmup N (default 1),
//   --build (always rebuild isr4j with Maven first; by default it is rebuilt when older than the Java
//   sources), --no-build (never), --budget N (minutes the whole run should take, default 8;
//   rounds that would not fit are skipped; at 9.5 minutes the run gives up).
// The same through BENCH_SECONDS, BENCH_ROUNDS, BENCH_WARMUP, BENCH_BUDGET_MINUTES.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runLoad } from "./lib/bench.mjs";
import { measureBundle } from "./lib/bundle-size.mjs";
import { measureColdStart } from "./lib/cold-start.mjs";
import { measureInstantiation } from "./lib/instantiation.mjs";
import { REPO_ROOT, RESULTS_DIR, fromRoot } from "./lib/paths.mjs";
import { buildResults, writeResults } from "./lib/report.mjs";
import { compare } from "./lib/compare.mjs";
import { ensureIsr4jBuild, prepare } from "./lib/setup.mjs";
import { FIXTURE_BUILD } from "../worker-modules.mjs";
import { checkStampede, smoke } from "./lib/smoke.mjs";
import { STAMPEDE_DEFAULTS, runStampede, stampedeMarkdown } from "./lib/stampede.mjs";
import { WRK, wrkAvailable } from "./lib/wrk.mjs";

const HARD_LIMIT_MINUTES = 9.5; // `npm run bench` must end within 10 minutes, whatever happens

const { values: opts } = parseArgs({
  options: {
    smoke: { type: "boolean", default: false },
    build: { type: "boolean", default: false },
    "no-build": { type: "boolean", default: false },
    seconds: { type: "string" },
    scenario: { type: "string" },
    connections: { type: "string" },
    keys: { type: "string" },
    revalidations: { type: "string" },
    isolates: { type: "string" },
    var: { type: "string", multiple: true },
    rounds: { type: "string", default: process.env.BENCH_ROUNDS ?? "3" },
    warmup: { type: "string", default: process.env.BENCH_WARMUP ?? "1" },
    budget: { type: "string", default: process.env.BENCH_BUDGET_MINUTES ?? "8" },
    compare: { type: "string" },
    current: { type: "string" },
  },
});

const log = (line) => console.log(line);
const startedAt = Date.now();
const elapsed = () => `${((Date.now() - startedAt) / 1000).toFixed(0)} s`;

function positive(name, text, { integer = false } = {}) {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new Error(`--${name} must be a positive ${integer ? "integer" : "number"}, got ${text}`);
  return n;
}

function git(args) {
  try {
    return execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8" }).trim();
  } catch {
    return "";
  }
}

function buildMode(otherwise) {
  if (opts.build && opts["no-build"]) throw new Error("--build and --no-build contradict each other");
  return opts.build ? "always" : opts["no-build"] ? "never" : otherwise;
}

/** Identifies the isr4j build the workers run: the first 12 hex digits of the SHA-256 of the fixture app's Wasm module. */
function isr4jBuildId() {
  try {
    return createHash("sha256").update(readFileSync(fromRoot(`${FIXTURE_BUILD}/isr4j.wasm`))).digest("hex").slice(0, 12);
  } catch {
    return "missing";
  }
}

async function runSmoke() {
  const checks = await smoke({ log, buildIsr4j: buildMode("missing") });
  log(`bench smoke: ${checks.length} checks passed in ${elapsed()}`);
}

async function runFull() {
  const settings = {
    seconds: positive("seconds", opts.seconds ?? process.env.BENCH_SECONDS ?? "3"),
    rounds: positive("rounds", opts.rounds, { integer: true }),
    warmupSeconds: positive("warmup", opts.warmup),
    budgetMinutes: positive("budget", opts.budget),
    threads: 2,
    connections: 16,
  };
  if (!wrkAvailable()) throw new Error(`wrk (${WRK}) is not installed: apt-get install wrk (or run --smoke, which needs no wrk)`);
  const meta = {
    commit: git(["rev-parse", "--short", "HEAD"]) || "unknown",
    dirty: git(["status", "--porcelain"]).length > 0,
    cpus: cpus().length,
    loadavg: loadavg(),
    node: process.version,
    wrk: (() => {
      try {
        return execFileSync(WRK, ["--version"], { encoding: "utf8" }).split("\n")[0].split(" ")[1] ?? "?";
      } catch (e) {
        return (e.stdout ?? "").toString().split("\n")[0].split(" ")[1] ?? "?";
      }
    })(),
  };

  await prepare({ log, buildIsr4j: buildMode("stale") });
  meta.isr4jBuild = isr4jBuildId();
  log(`bench: prepared in ${elapsed()} (isr4j build ${meta.isr4jBuild})`);

  log("bundle size of the example (wrangler deploy --dry-run)");
  const bundle = measureBundle();
  log(`  ${(bundle.gzipBytes / 1000).toFixed(1)} KB gzipped`);
  log("instantiation");
  const instantiation = measureInstantiation({ runs: 7 });
  log(`  median ${instantiation.evaluateMs.median.toFixed(1)} ms`);

  // The load rounds must leave time for the cold start (about 30 s) within the budget, counted from the start.
  const deadline = startedAt + settings.budgetMinutes * 60_000 - 45_000;
  const load = await runLoad({ ...settings, deadline, log });
  log(`bench: load measurements done at ${elapsed()}`);

  log("cold start");
  const coldStart = await measureColdStart({ reps: 3, log });

  const buildAfter = isr4jBuildId();
  if (buildAfter !== meta.isr4jBuild) {
    load.notes.push(`isr4j's build changed during the run (${meta.isr4jBuild} -> ${buildAfter}): someone rebuilt it; the results mix builds`);
  }

  const results = buildResults({ load, coldStart, instantiation, bundle, settings, meta });
  const { markdown, md, json } = writeResults(results);
  log("");
  log(markdown);
  log(`results: ${md}, ${json} (total ${elapsed()})`);
  if (opts.compare) compareWith(results, opts.compare);
}

async function runStampedeOnly() {
  if (opts.smoke) {
    ensureIsr4jBuild({ when: buildMode("missing"), log });
    const checks = await checkStampede({ log });
    for (const c of checks) log(`  ok  ${c}`);
    log(`bench smoke (stampede): ${checks.length} checks passed in ${elapsed()}`);
    return;
  }
  const d = STAMPEDE_DEFAULTS;
  const settings = {
    connections: positive("connections", opts.connections ?? String(d.connections), { integer: true }),
    keys: positive("keys", opts.keys ?? String(d.keys), { integer: true }),
    revalidations: Number(opts.revalidations ?? d.revalidations),
    isolates: positive("isolates", opts.isolates ?? String(d.isolates), { integer: true }),
    seconds: positive("seconds", opts.seconds ?? String(d.seconds)),
  };
  if (!Number.isInteger(settings.revalidations) || settings.revalidations < 0) throw new Error(`--revalidations must be a whole number, got ${opts.revalidations}`);
  settings.vars = {};
  for (const v of opts.var ?? []) {
    const eq = v.indexOf("=");
    if (eq <= 0) throw new Error(`--var takes NAME=VALUE, got ${v}`);
    settings.vars[v.slice(0, eq)] = v.slice(eq + 1);
  }
  ensureIsr4jBuild({ when: buildMode("stale"), log });
  const meta = {
    commit: git(["rev-parse", "--short", "HEAD"]) || "unknown",
    dirty: git(["status", "--porcelain"]).length > 0,
    isr4jBuild: isr4jBuildId(),
    cpus: cpus().length,
    loadavg: loadavg(),
    node: process.version,
    date: new Date().toISOString(),
  };
  const result = await runStampede({ ...settings, log });
  const markdown = `${stampedeMarkdown(result)}\n\n${meta.date} - commit ${meta.commit}${meta.dirty ? " (dirty)" : ""} - isr4j build ` +
    `${meta.isr4jBuild} - ${meta.cpus} CPUs, load average before the run ${meta.loadavg.map((x) => x.toFixed(2)).join(" ")} - node ${meta.node}\n`;
  mkdirSync(RESULTS_DIR, { recursive: true });
  const md = join(RESULTS_DIR, "stampede-latest.md");
  const json = join(RESULTS_DIR, "stampede-latest.json");
  writeFileSync(md, markdown);
  writeFileSync(json, `${JSON.stringify({ meta, ...result }, null, 2)}\n`);
  log("");
  log(markdown);
  log(`results: ${md}, ${json} (total ${elapsed()})`);
}

/** Prints each figure's ratio to a baseline results file; exit status 1 when one is >20% worse. */
function compareWith(current, baselineFile) {
  const baseline = JSON.parse(readFileSync(baselineFile, "utf8"));
  const { lines, worse } = compare(current, baseline);
  log("");
  for (const line of lines) log(line);
  if (worse.length > 0) {
    log(`\n${worse.length} figure(s) more than 20% worse than ${baselineFile}: ${worse.join("; ")}`);
    process.exitCode = 1;
  }
}

const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${HARD_LIMIT_MINUTES} minutes; giving up`);
  process.exit(3);
}, HARD_LIMIT_MINUTES * 60_000);
watchdog.unref();

try {
  if (opts.scenario !== undefined && opts.scenario !== "stampede") throw new Error(`--scenario: only "stampede" runs on its own, got ${opts.scenario}`);
  if (opts.scenario === "stampede") await runStampedeOnly();
  else if (opts.smoke) await runSmoke();
  else if (opts.current) {
    if (!opts.compare) throw new Error("--current <results.json> needs --compare <baseline.json>");
    compareWith(JSON.parse(readFileSync(opts.current, "utf8")), opts.compare);
  } else await runFull();
} catch (e) {
  console.error(`bench${opts.smoke ? " smoke" : ""} failed: ${e?.stack ?? e}`);
  process.exitCode = 1;
}
