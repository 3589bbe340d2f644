// Cold start, isr4j against the floor (and the null worker as the runtime's own floor): a fresh
// Miniflare (a new workerd process and isolate: module compile and top-level evaluation), then its first
// request, a small HIT on an entry put into its (fresh, in-memory) KV before that request.
// Repeated `reps` times, the worker order rotating.
import { readEntry, isr4jEntryKey, request, writeEntry } from "./client.mjs";
import { median, min } from "./stats.mjs";
import { startWorker } from "./workers.mjs";

const PATH = "/api/products/1";
const WORKERS = ["null", "floor", "isr4j"];

export async function measureColdStart({ reps = 3, log = () => {} } = {}) {
  // The entry to serve: written once by an isr4j instance of its own.
  const source = await startWorker("isr4j", "kv", { trackPid: false, persist: false });
  let entry;
  try {
    await request(source, PATH);
    for (let i = 0; i < 200 && (entry = await readEntry(source, isr4jEntryKey(PATH))) === null; i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    if (!entry) throw new Error("cold start: isr4j did not store its entry");
  } finally {
    await source.dispose();
  }

  const samples = [];
  for (let rep = 0; rep < reps; rep++) {
    for (let k = 0; k < WORKERS.length; k++) {
      const name = WORKERS[(k + rep) % WORKERS.length];
      let t = performance.now();
      const w = await startWorker(name, "kv", { trackPid: false, persist: false });
      const readyMs = performance.now() - t;
      try {
        if (name !== "null") await writeEntry(w, isr4jEntryKey(PATH), entry);
        t = performance.now();
        const first = await request(w, PATH);
        const firstMs = performance.now() - t;
        t = performance.now();
        const second = await request(w, PATH);
        const secondMs = performance.now() - t;
        if (first.status !== 200 || second.status !== 200) throw new Error(`cold start: ${name} answered ${first.status}, ${second.status}`);
        if (name === "isr4j" && first.headers.get("x-isr-cache") !== "HIT") {
          throw new Error(`cold start: isr4j's first request was ${first.headers.get("x-isr-cache")}, not a HIT`);
        }
        samples.push({ worker: name, readyMs, firstMs, secondMs });
        log(`  cold start ${name.padEnd(5)} ready ${readyMs.toFixed(0)} ms, first request ${firstMs.toFixed(1)} ms, second ${secondMs.toFixed(1)} ms`);
      } finally {
        await w.dispose();
      }
    }
  }
  const summary = {};
  for (const name of WORKERS) {
    const mine = samples.filter((s) => s.worker === name);
    summary[name] = {
      readyMs: median(mine.map((s) => s.readyMs)),
      firstMs: median(mine.map((s) => s.firstMs)),
      secondMs: median(mine.map((s) => s.secondMs)),
      totalMs: median(mine.map((s) => s.readyMs + s.firstMs)),
      minTotalMs: min(mine.map((s) => s.readyMs + s.firstMs)),
    };
  }
  return { reps, path: PATH, summary, samples };
}
