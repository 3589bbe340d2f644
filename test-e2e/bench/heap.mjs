#!/usr/bin/env node
// The isolate's own heap under many distinct paths (issue 27, item 5): the fixture app as deployed (memory tier on,
// regional tier off; Miniflare's KV, which runs outside this isolate), sent `paths` distinct uncached paths (each a
// MISS: a render and a KV write), and each path again twice a little later (a HIT through Java that issues a
// ticket, then a replay from the memory tier), so every per-isolate structure (tag states, tickets, collapsing,
// the runtime's own) sees them all. Every `every` paths the isolate's heap is read through the V8 inspector
// (Runtime.getHeapUsage: the JS heap, where the Wasm GC objects live; workerd's inspector does not answer
// HeapProfiler.collectGarbage, so a reading includes garbage not yet collected: the maximum is an upper bound).
//
//   node test-e2e/bench/heap.mjs [paths=100000] [every=5000] [concurrency=32]
// Writes test-e2e/bench/results/heap-latest.json; prints one line per sample and a summary.
import { mkdirSync, writeFileSync } from "node:fs";
import { fromBench } from "./lib/paths.mjs";
import { inspectUserWorker } from "./lib/inspector.mjs";
import { startWorker } from "./lib/workers.mjs";

const [pathsText = "100000", everyText = "5000", concurrencyText = "32"] = process.argv.slice(2);
const PATHS = Number(pathsText);
const EVERY = Number(everyText);
const CONCURRENCY = Number(concurrencyText);
const INSPECTOR_PORT = 9331;
const LAG = 64; // a path is asked for again this many paths after its MISS

const worker = await startWorker("isr4j", "kv", { trackPid: false, persist: false,
  miniflare: { inspectorPort: INSPECTOR_PORT } });
const samples = [];
try {
  const cdp = await inspectUserWorker(INSPECTOR_PORT);
  const sample = async (done) => {
    const { result } = await cdp.send("Runtime.getHeapUsage");
    const s = { paths: done, usedMB: result.usedSize / 2 ** 20, totalMB: result.totalSize / 2 ** 20 };
    samples.push(s);
    console.log(`${String(done).padStart(7)} paths: heap used ${s.usedMB.toFixed(1)} MB (of ${s.totalMB.toFixed(1)} MB)`);
  };
  await sample(0);
  let next = 0;
  let failures = 0;
  const one = async (i) => {
    const r = await worker.fetch(`/api/products/heap-${i}`);
    await r.arrayBuffer();
    if (r.status !== 200) failures++;
    if (i >= LAG) {
      for (let k = 0; k < 2; k++) {
        const again = await worker.fetch(`/api/products/heap-${i - LAG}`);
        await again.arrayBuffer();
        if (again.status !== 200) failures++;
      }
    }
  };
  for (let done = 0; done < PATHS; done += EVERY) {
    const end = Math.min(PATHS, done + EVERY);
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < end; i = next++) await one(i);
    }));
    next = end;
    await sample(end);
  }
  cdp.close();
  const warm = samples.filter((s) => s.paths >= PATHS / 4);
  const summary = {
    paths: PATHS, failures, maxUsedMB: Math.max(...samples.map((s) => s.usedMB)),
    lastUsedMB: samples.at(-1).usedMB, afterWarmUp: { minMB: Math.min(...warm.map((s) => s.usedMB)), maxMB: Math.max(...warm.map((s) => s.usedMB)) },
  };
  console.log(JSON.stringify(summary));
  mkdirSync(fromBench("results"), { recursive: true });
  writeFileSync(fromBench("results/heap-latest.json"), JSON.stringify({ generatedAt: new Date().toISOString(), summary, samples }, null, 2) + "\n");
} finally {
  await worker.dispose();
}
