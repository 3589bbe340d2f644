// isr4j's instantiation time: top-level evaluation of the shim (Wasm instantiation included, compile
// excluded), each run in a fresh node process (lib/instantiation-harness.mjs).
import { spawnSync } from "node:child_process";
import { fromBench } from "./paths.mjs";
import { median, min } from "./stats.mjs";

export function measureInstantiation({ runs = 7 } = {}) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ["--no-warnings", fromBench("lib/instantiation-harness.mjs")], {
      encoding: "utf8",
      timeout: 60_000,
    });
    // The harness ends itself with SIGKILL once its line is written (see there).
    if (r.status !== 0 && r.signal !== "SIGKILL") throw new Error(`instantiation harness failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
    const line = r.stdout.trim().split("\n").pop();
    const sample = JSON.parse(line);
    if (sample.status !== 200) throw new Error(`instantiation harness: /api/hello answered ${sample.status}`);
    samples.push(sample);
  }
  const pick = (f) => samples.map(f);
  return {
    runs,
    node: process.version,
    evaluateMs: { median: median(pick((s) => s.evaluateMs)), min: min(pick((s) => s.evaluateMs)) },
    compileMs: { median: median(pick((s) => s.compileMs)), min: min(pick((s) => s.compileMs)) },
    firstRequestMs: { median: median(pick((s) => s.firstRequestMs)), min: min(pick((s) => s.firstRequestMs)) },
    samples,
  };
}
