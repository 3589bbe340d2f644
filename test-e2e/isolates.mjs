// Several isolates of the fixture app's worker in one Miniflare, for the many-isolate tests: separate workers (separate
// isolates, each with its own module state) over one KV namespace ("shared-cache") and, unless turned off, one
// IsrCoordinator Durable Object namespace (hosted by isolate-0, bound by the others through scriptName). Each
// isolate's main module is harness/isolate-harness.mjs, which counts what the isolate did (GET /__harness/counts)
// and lets a test hold or break its KV and coordinator calls. One location: what one isolate writes to KV, every
// other reads at once (the regional Cache API copy is off).
import { Miniflare } from "miniflare";
import { ORIGIN, REVALIDATE_SECRET, readResponse } from "./mf.mjs";
import { REPO_ROOT, workerModules } from "./worker-modules.mjs";

/**
 * @param {object} [options]
 * @param {number} [options.count] how many isolates (default 4)
 * @param {boolean} [options.coordinator] bind ISR_COORDINATOR (default true)
 * @param {Record<string, string>} [options.vars] more bindings, merged last
 * @param {Record<string, string>[]} [options.isolateVars] more bindings of isolate i, merged after vars
 * @param {{handleRuntimeStdio: Function}} [options.logs] where the workers' output goes (worker-logs.mjs)
 * @returns {Promise<{mf: Miniflare, isolates: {name, fetch, request}[], kv: any}>}
 */
export async function startIsolates({ count = 4, coordinator = true, vars = {}, isolateVars = [], logs } = {}) {
  const names = Array.from({ length: count }, (_, i) => `isolate-${i}`);
  const mf = new Miniflare({
    cf: false,
    ...(logs ? { handleRuntimeStdio: logs.handleRuntimeStdio } : {}),
    workers: names.map((name, i) => ({
      name,
      modules: workerModules("test-e2e/harness/isolate-harness.mjs"),
      modulesRoot: REPO_ROOT,
      compatibilityDate: "2025-06-01",
      kvNamespaces: { CACHE_KV: "shared-cache" },
      durableObjects: coordinator
        ? { ISR_COORDINATOR: { className: "IsrCoordinator", useSQLite: true, scriptName: names[0] } } : {},
      bindings: {
        ISR_MODE: "production",
        ISR_REVALIDATE_SECRET: REVALIDATE_SECRET,
        ISR_REGIONAL_CACHE: "off", // KV alone: what one isolate wrote, every other reads at once
        ...vars,
        ...(isolateVars[i] ?? {}),
      },
    })),
  });
  await mf.ready;
  const isolates = [];
  for (const name of names) {
    const w = await mf.getWorker(name);
    const fetch = (path, init) => w.fetch(new URL(path, ORIGIN).href, init);
    isolates.push({ name, fetch, request: async (path, init) => readResponse(await fetch(path, init)) });
  }
  const kv = await mf.getKVNamespace("CACHE_KV", names[0]);
  return { mf, isolates, kv };
}

/** What one isolate's harness counted (see harness/isolate-harness.mjs). */
export const counts = async (isolate) => (await isolate.request("/__harness/counts")).json();
