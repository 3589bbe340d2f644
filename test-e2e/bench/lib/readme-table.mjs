// The performance table of docs/performance.md, generated from one results file (publish.mjs writes it between
// markers).
import { SCENARIOS } from "./scenarios.mjs";

const f = (x, digits = 0) => (x === null || x === undefined || !Number.isFinite(x) ? "-" : x.toFixed(digits));
const us = (ms) => (ms === null || ms === undefined ? "-" : (ms * 1000).toFixed(0));

export function readmeTable(r, file) {
  const out = [];
  out.push(`From \`${file}\` (run ${r.generatedAt}, commit ${r.meta.commit}, ${r.meta.cpus} CPUs, load average before the run ${r.meta.loadavg.map((x) => x.toFixed(2)).join(" ")}, node ${r.meta.node}, wrk ${r.meta.wrk}; ${r.settings.rounds} rounds of ${r.settings.seconds} s, medians):`);
  out.push("");
  out.push("| scenario | worker | e2e req/s | e2e p50 ms | own CPU us/req (min..max over rounds) | page faults/req |");
  out.push("|---|---|---:|---:|---:|---:|");
  for (const s of SCENARIOS) {
    for (const row of r.rows.filter((x) => x.scenario === s.id && x.worker !== "null")) {
      const m = row.memory ?? {};
      const range = m.ownCpuMsRange ? ` (${us(m.ownCpuMsRange[0])}..${us(m.ownCpuMsRange[1])})` : "";
      out.push(`| ${row.worker === s.workers[0] ? s.title : ""} | ${row.worker} | ${f(row.e2e?.rps)} | ${f(row.e2e?.p50Ms, 1)} | ${us(m.ownCpuMsPerRequest)}${range} | ${f(m.minorFaultsPerRequest, 1)} |`);
    }
  }
  out.push("");
  const cold = r.coldStart?.summary ?? {};
  const parts = [];
  if (r.instantiation) parts.push(`isr4j instantiation ${f(r.instantiation.evaluateMs.median, 1)} ms (median of ${r.instantiation.runs})`);
  for (const [name, s] of Object.entries(cold)) parts.push(`${name} first request in a fresh isolate ${f(s.firstMs, 1)} ms`);
  if (r.bundle) parts.push(`bundle ${(r.bundle.gzipBytes / 1000).toFixed(1)} KB gzipped`);
  if (parts.length) out.push(`${parts.join("; ")}.`, "");
  out.push("| target | measured | result |");
  out.push("|---|---|---|");
  for (const t of r.targets) out.push(`| ${t.text} | ${t.shown} | ${t.pass === null ? "n/a" : t.pass ? "met" : "missed"} |`);
  return out.join("\n");
}
