// Compares two benchmark results figure by figure: each figure's ratio to the baseline, flagged when it is
// more than THRESHOLD worse (a hot-path change is checked with this before it lands) and also worse by more
// than the figure's noise floor: a small figure (0.5 page faults per request, a 9 us floor) moves by more than
// 20% between two runs of the same build, and such a flag would hide the real ones.
export const THRESHOLD = 0.2;

/** Absolute changes too small to flag, per kind of figure (in the figure's unit). */
export const NOISE = { "own CPU us/req": 5, "minor page faults/req": 2, "e2e p50 ms": 0.5 };

/** The figures worth comparing, by name: value and whether lower or higher is better. */
export function figures(results) {
  const out = new Map();
  const put = (name, value, better) => {
    const kind = Object.keys(NOISE).find((k) => name.endsWith(k));
    if (value !== null && value !== undefined && Number.isFinite(value)) out.set(name, { value, better, noise: kind ? NOISE[kind] : 0 });
  };
  for (const row of results.rows ?? []) {
    if (row.worker === "null") continue;
    const id = `${row.scenario} ${row.worker}`;
    put(`${id}: own CPU us/req`, row.memory?.ownCpuMsPerRequest == null ? null : row.memory.ownCpuMsPerRequest * 1000, "lower");
    put(`${id}: minor page faults/req`, row.memory?.minorFaultsPerRequest, "lower");
    put(`${id}: e2e req/s`, row.e2e?.rps, "higher");
    put(`${id}: e2e p50 ms`, row.e2e?.p50Ms, "lower");
  }
  put("instantiation ms (median)", results.instantiation?.evaluateMs?.median, "lower");
  for (const [name, s] of Object.entries(results.coldStart?.summary ?? {})) {
    put(`cold start ${name}: first request ms`, s.firstMs, "lower");
  }
  put("bundle KB gzipped", results.bundle?.gzipBytes == null ? null : results.bundle.gzipBytes / 1000, "lower");
  return out;
}

/**
 * @returns {{lines: string[], worse: string[]}} a Markdown table of every figure both results have, and the
 *   names of those more than THRESHOLD worse than the baseline
 */
export function compare(current, baseline) {
  const now = figures(current);
  const before = figures(baseline);
  const lines = [
    `Compared with ${baseline.meta?.commit ?? "?"} (${baseline.generatedAt ?? "?"}); flagged: more than ${THRESHOLD * 100}% worse, and by more than ${Object.entries(NOISE).map(([k, v]) => `${v} (${k})`).join(", ")}.`,
    "",
    "| figure | baseline | now | now / baseline | |",
    "|---|---:|---:|---:|---|",
  ];
  const worse = [];
  for (const [name, { value, better, noise }] of now) {
    const base = before.get(name);
    if (!base) continue;
    const ratio = base.value === 0 ? (value === 0 ? 1 : Infinity) : value / base.value;
    const beyondNoise = Math.abs(value - base.value) > noise;
    const isWorse = beyondNoise && (better === "lower" ? ratio > 1 + THRESHOLD : ratio < 1 - THRESHOLD);
    if (isWorse) worse.push(name);
    const show = (x) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2));
    lines.push(`| ${name} | ${show(base.value)} | ${show(value)} | ${ratio.toFixed(2)}x | ${isWorse ? "WORSE" : ""} |`);
  }
  return { lines, worse };
}
