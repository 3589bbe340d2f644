// Everything the benchmark needs before it starts a worker: the bench's own npm dependencies (vinext's
// cache handler and esbuild, pinned in test-e2e/bench/package.json), the peer bundle, the isr4j build.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { BENCH_DIR, REPO_ROOT, fromBench, fromRoot } from "./paths.mjs";
import { FIXTURE_BUILD } from "../../worker-modules.mjs";

const PEER_ENTRY = fromBench("workers/peer.mjs");
export const PEER_BUNDLE = fromBench("build/peer.mjs");

function installedVersion(name) {
  const file = fromBench(`node_modules/${name}/package.json`);
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")).version : null;
}

/** The pinned devDependencies whose installed version differs from package.json (or that are missing). */
export function missingBenchDeps() {
  const pinned = JSON.parse(readFileSync(fromBench("package.json"), "utf8")).devDependencies;
  return Object.entries(pinned).filter(([name, version]) => installedVersion(name) !== version).map(([name]) => name);
}

function run(command, args, options) {
  const result = spawnSync(command, args, { stdio: "inherit", timeout: 5 * 60_000, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${result.status ?? result.signal}`);
}

/** `npm --prefix test-e2e/bench ci --legacy-peer-deps`, when a pinned dependency is not installed. */
export function ensureBenchDeps(log = console.log) {
  const missing = missingBenchDeps();
  if (missing.length === 0) return false;
  log(`bench: installing the benchmark's dependencies (missing: ${missing.join(", ")})`);
  // Under `npm run`, npm_execpath is npm's own CLI: run it with this node, as npm itself would.
  const npmCli = process.env.npm_execpath;
  const [command, prefix] = npmCli && /npm-cli\.js$/.test(npmCli) ? [process.execPath, [npmCli]] : ["npm", []];
  run(command, [...prefix, "--prefix", BENCH_DIR, "ci", "--legacy-peer-deps", "--no-audit", "--no-fund"], { cwd: REPO_ROOT });
  const still = missingBenchDeps();
  if (still.length > 0) throw new Error(`bench: still missing after npm ci: ${still.join(", ")}`);
  return true;
}

/** Bundles workers/peer.mjs (with vinext's handler) into build/peer.mjs. */
export async function buildPeer() {
  const esbuild = await import(fromBench("node_modules/esbuild/lib/main.js"));
  await esbuild.build({
    entryPoints: [PEER_ENTRY],
    outfile: PEER_BUNDLE,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "import", "default"],
    external: ["node:*", "cloudflare:*"],
    logLevel: "warning",
    legalComments: "none",
  });
  return PEER_BUNDLE;
}

// What the workers run: the fixture app's build (worker-java/fixtures/worker/build).
const WASM = fromRoot(`${FIXTURE_BUILD}/isr4j.wasm`);
const RUNTIME = fromRoot(`${FIXTURE_BUILD}/teavm-runtime.mjs`);
// What the bundle size measures: the example's (the root wrangler.jsonc, worker-shim/build). The same Maven build
// writes both.
const EXAMPLE_WASM = fromRoot("worker-shim/build/isr4j.wasm");
const OUTPUTS = [WASM, RUNTIME, EXAMPLE_WASM];

/** Newest modification time (ms) of the files under dir whose path passes keep; bounded walk. */
function newestMtime(dir, keep, budget = { files: 20_000 }) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (budget.files-- <= 0) break;
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "target" && e.name !== "node_modules" && !e.name.startsWith(".")) newest = Math.max(newest, newestMtime(path, keep, budget));
    } else if (keep(path)) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/**
 * True when isr4j's build output (the fixture app's and the example's) is missing or older than its Java sources,
 * a pom.xml or the shim's source (worker-shim/*.mjs, which the build copies into the fixture worker).
 */
export function isr4jBuildStale() {
  if (OUTPUTS.some((f) => !existsSync(f))) return true;
  const sources = newestMtime(fromRoot("worker-java"), (p) => /\/src\/main\//.test(p) || p.endsWith("pom.xml"));
  const shim = newestMtime(fromRoot("worker-shim"), (p) => /\/worker-shim\/[^/]+\.mjs$/.test(p) && !p.endsWith(".test.mjs"));
  const built = Math.min(statSync(WASM).mtimeMs, statSync(EXAMPLE_WASM).mtimeMs);
  return Math.max(sources, shim, statSync(fromRoot("pom.xml")).mtimeMs) > built;
}

/**
 * Builds isr4j (`mvn -q -B package -Dmaven.test.skip=true`).
 * @param {{when?: "always" | "stale" | "missing" | "never"}} options "stale": when the Wasm module is
 *   missing or older than the Java sources; "missing": only when it is missing
 */
export function ensureIsr4jBuild({ when = "stale", log = console.log } = {}) {
  const missing = OUTPUTS.some((f) => !existsSync(f));
  const needed = when === "always" || missing || (when === "stale" && isr4jBuildStale());
  if (!needed) return false;
  if (when === "never") throw new Error(`bench: ${OUTPUTS.filter((f) => !existsSync(f)).join(", ")} missing; build isr4j first (npm run build)`);
  log("bench: building isr4j (mvn -q -B package -Dmaven.test.skip=true)");
  run("mvn", ["-q", "-B", "package", "-Dmaven.test.skip=true"], { cwd: REPO_ROOT, timeout: 9 * 60_000 });
  for (const f of OUTPUTS) if (!existsSync(f)) throw new Error(`bench: ${f} is missing after the build`);
  return true;
}

/** All of the above, in order. */
export async function prepare({ log = console.log, buildIsr4j = "stale" } = {}) {
  ensureBenchDeps(log);
  await buildPeer();
  ensureIsr4jBuild({ when: buildIsr4j, log });
}
