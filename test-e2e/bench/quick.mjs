#!/usr/bin/env node
// Diagnostic for iterating on the hot path (not the published benchmark): own CPU per request of a few
// workers (in-memory KV variant) in a few scenarios, less the null worker's, over short interleaved rounds.
//
//   node test-e2e/bench/quick.mjs [scenarios=hit-small] [workers=isr4j-kv,floor] [rounds=3] [seconds=3]
import { copyIsr4jEntry, warmUntilHit } from "./lib/client.mjs";
import { cpuUsage, settleCpu } from "./lib/proc-cpu.mjs";
import { scenario as findScenario, UNIQUE_PATHS_LUA } from "./lib/scenarios.mjs";
import { buildPeer } from "./lib/setup.mjs";
import { startWorker } from "./lib/workers.mjs";
import { runWrk } from "./lib/wrk.mjs";

const [scenarioText = "hit-small", workerText = "isr4j-kv,floor", roundsText = "3", secondsText = "3"] = process.argv.slice(2);
const scenarios = scenarioText.split(",").map((id) => findScenario(id) ?? (() => { throw new Error(`unknown scenario ${id}`); })());
const names = [...new Set([...workerText.split(","), "null"])];
await buildPeer();
const workers = new Map();
for (const name of names) workers.set(name, await startWorker(name, "memory"));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  for (const s of scenarios) {
    if (s.kind === "hit") {
      const source = workers.get("isr4j-kv") ?? workers.get("isr4j");
      if (source) await warmUntilHit(source, s.path);
      for (const [name, w] of workers) {
        if (name === "floor" && source) await copyIsr4jEntry(source, w, s.path);
        else if (name !== "null" && w !== source) await warmUntilHit(w, s.path);
      }
    }
  }
  const own = new Map();
  let tag = 0;
  for (let round = 0; round < Number(roundsText); round++) {
    for (const s of scenarios) {
      const cpu = new Map();
      for (const [name, w] of workers) {
        const options = { url: new URL(s.path ?? "/", w.url).href, seconds: Number(secondsText), threads: 2, connections: 16 };
        if (s.kind === "miss") Object.assign(options, { script: UNIQUE_PATHS_LUA, scriptArgs: [s.base, `q${tag++}`, 0, 2] });
        const before = cpuUsage(w.pid);
        const r = await runWrk(options);
        const after = await settleCpu(w.pid);
        cpu.set(name, { us: ((after.totalMs - before.totalMs) * 1000) / r.requests, faults: (after.minorFaults - before.minorFaults) / r.requests, rps: r.rps });
      }
      for (const [name, c] of cpu) {
        if (name === "null") continue;
        const k = `${s.id} ${name}`;
        if (!own.has(k)) own.set(k, { us: [], faults: [], rps: [] });
        own.get(k).us.push(c.us - cpu.get("null").us);
        own.get(k).faults.push(c.faults - cpu.get("null").faults);
        own.get(k).rps.push(c.rps);
      }
    }
  }
  for (const [k, v] of own) {
    console.log(`${k.padEnd(24)} own CPU ${median(v.us).toFixed(0).padStart(5)} us  (${v.us.map((x) => x.toFixed(0)).join(", ")})  faults ${median(v.faults).toFixed(1)}  ${median(v.rps).toFixed(0)} req/s`);
  }
} finally {
  for (const w of workers.values()) await w.dispose().catch(() => {});
}
