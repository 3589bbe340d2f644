#!/usr/bin/env node
// Diagnostic, not part of `npm run bench`: where a worker spends its CPU in one scenario. Starts the
// worker (in-memory KV variant by default) with the V8 inspector on, profiles the isolate while wrk
// loads it, and prints the functions with the most self time.
//
//   node test-e2e/bench/profile.mjs [worker=isr4j] [scenario=hit-large] [seconds=4] [variant=memory]
import { inspectUserWorker } from "./lib/inspector.mjs";
import { writeFileSync, mkdirSync } from "node:fs";
import { copyIsr4jEntry, warmUntilHit } from "./lib/client.mjs";
import { RESULTS_DIR } from "./lib/paths.mjs";
import { scenario as findScenario, STALE_PREFIX, UNIQUE_PATHS_LUA } from "./lib/scenarios.mjs";
import { buildPeer } from "./lib/setup.mjs";
import { startWorker } from "./lib/workers.mjs";
import { runWrk } from "./lib/wrk.mjs";

const [name = "isr4j", scenarioId = "hit-large", secondsText = "4", variant = "memory"] = process.argv.slice(2);
const s = findScenario(scenarioId);
if (!s) throw new Error(`unknown scenario ${scenarioId}`);
const seconds = Number(secondsText);
const inspectorPort = 9300 + Math.floor(Math.random() * 500);

await buildPeer();
const w = await startWorker(name, variant, { trackPid: false, miniflare: { inspectorPort } });
let source = null;
try {
  if (s.kind === "hit") {
    if (name === "floor") {
      source = await startWorker("isr4j", variant, { trackPid: false });
      await warmUntilHit(source, s.path);
      await copyIsr4jEntry(source, w, s.path);
    } else if (name !== "null") {
      await warmUntilHit(w, s.path);
    }
  }
  const inspector = await inspectUserWorker(inspectorPort);
  const { send } = inspector;
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 100 });
  const wrkOptions = { url: new URL(s.path ?? "/", w.url).href, seconds };
  if (s.kind === "miss") Object.assign(wrkOptions, { script: UNIQUE_PATHS_LUA, scriptArgs: [s.base, "prof", 0, 2] });
  if (s.kind === "stale") throw new Error("profile.mjs does not pre-warm STALE paths; profile miss or a hit");
  await runWrk({ ...wrkOptions, seconds: 1 }); // warm-up
  await send("Profiler.start");
  const load = await runWrk(wrkOptions);
  const { result } = await send("Profiler.stop");
  inspector.close();
  const profile = result.profile;
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = `${RESULTS_DIR}profile-${name}-${variant}-${scenarioId}.cpuprofile`;
  writeFileSync(file, JSON.stringify(profile));

  const dt = new Map(); // node id -> sampled microseconds
  for (let i = 0; i < profile.samples.length; i++) dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const self = new Map();
  let total = 0;
  for (const node of profile.nodes) {
    const us = dt.get(node.id) ?? 0;
    total += us;
    const f = node.callFrame;
    const where = f.url ? `${f.url.split("/").slice(-1)[0]}:${f.lineNumber + 1}` : "";
    const key = `${f.functionName || "(anonymous)"} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + us);
  }
  const idle = self.get("(idle)") ?? 0;
  console.log(`${name}/${variant} ${scenarioId}: ${load.requests} requests, ${load.rps.toFixed(0)} req/s; ` +
    `sampled ${(total / 1000).toFixed(0)} ms, non-idle ${((total - idle) / load.requests).toFixed(0)} us per request ` +
    `(JS, Wasm, GC and V8 (program) time on the isolate's thread; the request's network and KV I/O are not in it)`);
  for (const [key, us] of [...self.entries()].filter(([k]) => k !== "(idle)").sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`${(us / load.requests).toFixed(1).padStart(8)} us/req  ${((100 * us) / (total - idle)).toFixed(1).padStart(5)}%  ${key}`);
  }
  console.log(`profile: ${file} (open in Chrome DevTools)`);
} finally {
  await w.dispose();
  if (source) await source.dispose();
}
