// The workers under test and how to start each in its own Miniflare (its own workerd process, so its
// CPU time can be read from /proc, and its own key space).
//
// Two variants of every worker:
//   "kv"     - the real local KV namespace (Miniflare's simulator, persisted under a temp directory);
//   "memory" - the same worker behind workers/with-memory-kv.mjs: CACHE_KV is an in-memory stand-in.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { REPO_ROOT, fromRoot } from "./paths.mjs";
import { workerModules } from "../../worker-modules.mjs";
import { workerdChildren } from "./proc-cpu.mjs";
import { withTimeout } from "./time.mjs";

const READY_TIMEOUT_MS = 60_000;
const DISPOSE_TIMEOUT_MS = 15_000;
const REQUEST_TIMEOUT_MS = 30_000;

const BENCH = "test-e2e/bench";
const esm = (path) => ({ type: "ESModule", path: fromRoot(path) });
const MEMORY_MODULES = [esm(`${BENCH}/workers/with-memory-kv.mjs`), esm(`${BENCH}/workers/memory-kv.mjs`)];

/** isr4j's fixture app as deployed (the shim + TeaVM Wasm, with an R2 bucket), its vars on top of production mode. */
function isr4jWorker(description, vars) {
  return {
    description,
    // the shim first, then the Java module and its companions; read when a worker starts (after any build)
    get modules() {
      return workerModules();
    },
    bindings: { ISR_MODE: "production", ...vars },
    r2Buckets: ["CACHE_R2"],
    cacheHeader: "x-isr-cache",
  };
}

export const WORKERS = {
  isr4j: isr4jWorker("isr4j's fixture app, as deployed (worker-java/fixtures/worker: the shim + TeaVM Wasm), regional tier and memory tier on", {}),
  "isr4j-kv": isr4jWorker("the same, regional tier and memory tier off (ISR_REGIONAL_CACHE=off, ISR_MEMORY_TIER=off): every HIT reads KV",
    { ISR_REGIONAL_CACHE: "off", ISR_MEMORY_TIER: "off" }),
  "isr4j-l1": isr4jWorker("the same, memory tier on, regional tier off: a hot HIT is replayed by the shim, reading nothing",
    { ISR_REGIONAL_CACHE: "off", ISR_MEMORY_TIER: "on" }),
  floor: {
    description: "minimal JS: one getWithMetadata(key, \"arrayBuffer\") and a Response (HIT only)",
    modules: [esm(`${BENCH}/workers/floor.mjs`)],
    cacheHeader: null,
  },
  peer: {
    description: "vinext KVCacheHandler (@vinext/cloudflare 0.2.1) with stale-while-revalidate",
    modules: [esm(`${BENCH}/build/peer.mjs`)],
    compatibilityFlags: ["nodejs_compat"],
    cacheHeader: "x-bench-cache",
  },
  null: {
    description: "constant response, no KV (baseline)",
    modules: [esm(`${BENCH}/workers/null.mjs`)],
    cacheHeader: null,
  },
};

export const WORKER_NAMES = Object.keys(WORKERS);
export const VARIANTS = ["memory", "kv"];

function modulesFor(name, variant) {
  const worker = WORKERS[name];
  if (variant === "kv") return worker.modules;
  return [esm(`${BENCH}/workers/memory/${name}.mjs`), ...MEMORY_MODULES, ...worker.modules];
}

/**
 * Starts one worker in a fresh Miniflare listening on 127.0.0.1 (random port).
 * Start instances one at a time when you need their pids (trackPid): the workerd process is found as
 * the new workerd child of this node process.
 *
 * @returns {Promise<{name: string, variant: string, mf: Miniflare, url: URL, pid: number | null,
 *   kv: any, fetch: (path: string, init?: RequestInit) => Promise<Response>, dispose: () => Promise<void>}>}
 */
export async function startWorker(name, variant, { trackPid = true, persist = true, miniflare = {} } = {}) {
  const worker = WORKERS[name];
  if (worker === undefined) throw new Error(`unknown worker ${name}`);
  if (!VARIANTS.includes(variant)) throw new Error(`unknown variant ${variant}`);
  const before = trackPid ? workerdChildren() : null;
  const stateDir = variant === "kv" && persist ? mkdtempSync(join(tmpdir(), `isr4j-bench-${name}-`)) : null;
  const mf = new Miniflare({
    modules: modulesFor(name, variant),
    modulesRoot: REPO_ROOT,
    compatibilityDate: "2025-06-01",
    compatibilityFlags: worker.compatibilityFlags ?? [],
    cf: false, // no network: never let miniflare download the cf placeholder
    host: "127.0.0.1",
    port: 0,
    bindings: worker.bindings ?? {},
    ...(worker.r2Buckets ? { r2Buckets: worker.r2Buckets } : {}),
    ...(variant === "kv" ? { kvNamespaces: ["CACHE_KV"], kvPersist: stateDir ?? false } : {}),
    ...miniflare,
  });
  let url;
  try {
    url = await withTimeout(mf.ready, READY_TIMEOUT_MS, `starting ${name}/${variant} in Miniflare`);
  } catch (e) {
    await withTimeout(mf.dispose(), DISPOSE_TIMEOUT_MS, "disposing Miniflare").catch(() => {});
    throw e;
  }
  let pid = null;
  if (trackPid) {
    const fresh = [...workerdChildren()].filter((p) => !before.has(p));
    if (fresh.length !== 1) {
      await withTimeout(mf.dispose(), DISPOSE_TIMEOUT_MS, "disposing Miniflare").catch(() => {});
      throw new Error(`could not tell ${name}/${variant}'s workerd process apart (new workerd children: ${fresh.join(", ") || "none"})`);
    }
    pid = fresh[0];
  }
  const kv = variant === "kv" ? await mf.getKVNamespace("CACHE_KV") : null;
  let disposed = false;
  return {
    name,
    variant,
    mf,
    url,
    pid,
    kv,
    // Every request from node is bounded in time.
    fetch: (path, init) => fetch(new URL(path, url), { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), ...init }),
    async dispose() {
      if (disposed) return;
      disposed = true;
      try {
        await withTimeout(mf.dispose(), DISPOSE_TIMEOUT_MS, `disposing ${name}/${variant}`);
      } catch (e) {
        if (pid !== null) {
          try {
            process.kill(pid, "SIGKILL"); // our own workerd child, by its pid
          } catch {}
        }
        throw e;
      }
      if (stateDir !== null) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
