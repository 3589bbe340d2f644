// The stampede scenario: many connections on a few hot keys of a slow route, with hard revalidations of their
// tag during the run. How many times is each key rendered after each revalidation (ideal: once), does any
// client get a 5xx, and what does the burst do to latency?
//
// The route is the fixture app's /api/hot/{key}: revalidate 3600, tags "hot" and "hot-{key}", a 150 ms
// render whose JSON names the render ("render": "<isolate>-<sequence>"), so renders are counted from the
// answers, per key, without a counter in the app. Each isolate is a Miniflare worker running
// test-e2e/harness/isolate-harness.mjs (the isr4j shim, with its KV and coordinator bindings wrapped to count
// entry writes), all over one KV namespace and one IsrCoordinator namespace (hosted by isolate-0), as
// test-e2e/coordinator.test.mjs runs them; each isolate listens on its own port, and the connections are
// spread over the isolates round robin.
//
// Timeline: the run is cut into revalidations + 1 phases of seconds / (revalidations + 1). Phase 0 fills the
// cache (the first burst of MISSes); then POST /__isr/revalidate {"tags": ["hot"]} (hard) goes to isolate
// (i - 1) mod isolates, a phase after the one before and once the burst before it is over (at most a phase
// later); the run ends a phase after the last. An answer belongs to the epoch of the last revalidation sent
// before its request was, and a render to that of the last revalidation sent before it finished (renderedAt).
import http from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { Miniflare } from "miniflare";
import { REPO_ROOT } from "./paths.mjs";
import { workerModules } from "../../worker-modules.mjs";
import { withTimeout } from "./time.mjs";

const SECRET = "bench-stampede-secret";
const TAG = "hot";
const ROUTE = "/api/hot/";
const RENDER_MS = 150; // the route's Thread.sleep; for the report only
const REQUEST_TIMEOUT_MS = 30_000;
const READY_TIMEOUT_MS = 60_000;
const DISPOSE_TIMEOUT_MS = 15_000;
/** How long the run may go on past its end while connections wait for their answers after the last
 * revalidation (each must have had one per key, so every key is asked again after it). */
const MAX_OVERRUN_MS = 20_000;

/** A render finished this long before a revalidation was sent has had its entry written before it. */
const OLD_MARGIN_MS = 1000;

export const STAMPEDE_DEFAULTS = { connections: 100, keys: 4, seconds: 12, revalidations: 3, isolates: 1 };
export const STAMPEDE_SMOKE = { connections: 8, keys: 2, seconds: 1.5, revalidations: 1, isolates: 2 };

/** Starts the isolates; returns {mf, isolates: [{name, url, agent}], dispose}. */
async function startIsolates({ isolates: count, connections, vars = {} }) {
  const names = Array.from({ length: count }, (_, i) => `isolate-${i}`);
  const logs = { lines: 0, errorLines: 0, samples: [] };
  const collect = (stream) =>
    stream.on("data", (chunk) => {
      for (const line of String(chunk).split("\n")) {
        if (line.trim() === "") continue;
        logs.lines++;
        if (/error|exception|different request context|uncaught/i.test(line)) {
          logs.errorLines++;
          if (logs.samples.length < 5) logs.samples.push(line.slice(0, 300));
        }
      }
    });
  const mf = new Miniflare({
    cf: false,
    host: "127.0.0.1",
    port: 0,
    handleRuntimeStdio(stdout, stderr) {
      collect(stdout);
      collect(stderr);
    },
    workers: names.map((name) => ({
      name,
      modules: workerModules("test-e2e/harness/isolate-harness.mjs"),
      modulesRoot: REPO_ROOT,
      compatibilityDate: "2025-06-01",
      kvNamespaces: { CACHE_KV: "stampede-cache" },
      r2Buckets: { CACHE_R2: "stampede-r2" },
      durableObjects: { ISR_COORDINATOR: { className: "IsrCoordinator", useSQLite: true, scriptName: names[0] } },
      bindings: { ISR_MODE: "production", ISR_REVALIDATE_SECRET: SECRET, ...vars },
      unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
    })),
  });
  try {
    await withTimeout(mf.ready, READY_TIMEOUT_MS, "starting the stampede isolates in Miniflare");
    const isolates = [];
    for (const [i, name] of names.entries()) {
      const url = await mf.unsafeGetDirectURL(name);
      // One socket per connection that uses this isolate, kept alive: `connections` concurrent clients.
      const sockets = Math.ceil((connections - i) / count);
      isolates.push({ name, url, agent: new http.Agent({ keepAlive: true, maxSockets: Math.max(1, sockets) }) });
    }
    return {
      mf,
      isolates,
      logs,
      async dispose() {
        for (const i of isolates) i.agent.destroy();
        await withTimeout(mf.dispose(), DISPOSE_TIMEOUT_MS, "disposing the stampede isolates");
      },
    };
  } catch (e) {
    await withTimeout(mf.dispose(), DISPOSE_TIMEOUT_MS, "disposing Miniflare").catch(() => {});
    throw e;
  }
}

/** One HTTP request on an isolate's agent: {status, headers, body}; never rejects (an error is status 0). */
function send(isolate, path, { method = "GET", headers = {}, body } = {}) {
  return new Promise((resolve) => {
    const req = http.request(new URL(path, isolate.url), { method, headers, agent: isolate.agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", (e) => resolve({ status: 0, error: String(e?.message ?? e) }));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on("error", (e) => resolve({ status: 0, error: String(e?.message ?? e) }));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const revalidate = (isolate) =>
  send(isolate, "/__isr/revalidate", {
    method: "POST",
    headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
    body: JSON.stringify({ tags: [TAG] }),
  });

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Runs the scenario once.
 * @param {{connections: number, keys: number, seconds: number, revalidations: number, isolates: number,
 *   vars?: object, keepAnswers?: boolean, log?: (line: string) => void}} settings (keepAnswers: every answer
 *   in the result's answerLog, for a closer look)
 * @returns {Promise<object>} the result (see summarise)
 */
export async function runStampede(settings) {
  const { connections, keys, seconds, revalidations, isolates: isolateCount, log = () => {} } = settings;
  if (connections < isolateCount) throw new Error(`stampede: ${connections} connections cannot cover ${isolateCount} isolates`);
  const run = Date.now().toString(36);
  const keyNames = Array.from({ length: keys }, (_, k) => `${run}-${k}`);
  const cluster = await startIsolates(settings);
  try {
    const { isolates } = cluster;
    // The isolates are up; each one's instantiation happened at start. Counts from here on.
    await Promise.all(isolates.map((i) => send(i, "/__harness/reset")));
    const answers = [];
    const revals = [];
    const phaseMs = (seconds * 1000) / (revalidations + 1);
    const t0 = performance.now();
    let endAt = revalidations === 0 ? t0 + phaseMs : Infinity; // one phase after the last revalidation
    let epoch = 0; // revalidations sent so far
    let acked = 0; // revalidations the endpoint has answered
    const lastEpochAnswers = new Array(connections).fill(0);
    const hitsInARow = new Array(connections).fill(0);

    const connection = async (c) => {
      const isolate = isolates[c % isolates.length];
      for (let n = 0; ; n++) {
        const now = performance.now();
        const done = now >= endAt && acked === revalidations && lastEpochAnswers[c] >= keys;
        if (done || now >= endAt + MAX_OVERRUN_MS || now >= t0 + seconds * 1000 * 3 + MAX_OVERRUN_MS) return;
        const key = keyNames[(c + n) % keys];
        const sentEpoch = epoch;
        const afterLastAck = acked === revalidations;
        const start = performance.now();
        const r = await send(isolate, ROUTE + key);
        const end = performance.now();
        let render = null;
        let renderedAt = null;
        if (r.status === 200) {
          try {
            ({ render = null, renderedAt = null } = JSON.parse(r.body));
          } catch {}
        }
        if (afterLastAck) lastEpochAnswers[c]++;
        hitsInARow[c] = r.headers?.["x-isr-cache"] === "HIT" ? hitsInARow[c] + 1 : 0;
        answers.push({
          key,
          isolate: c % isolates.length,
          epoch: sentEpoch,
          sentMs: start - t0,
          endMs: end - t0,
          ms: end - start,
          status: r.status,
          state: r.headers?.["x-isr-cache"] ?? "none",
          render,
          renderedAt,
          error: r.error ?? null,
        });
      }
    };

    // Revalidation i is due a phase after the one before, and waits (at most another phase) until the burst
    // before it is over: every connection's last `keys` answers HITs, so no render is still running that would
    // write an entry valid after the revalidation and spare it its own burst.
    const quiet = () => hitsInARow.every((h) => h >= keys);
    const revalidator = async () => {
      let last = t0;
      for (let i = 1; i <= revalidations; i++) {
        const due = last + phaseMs;
        if (due > performance.now()) await sleep(due - performance.now());
        while (!quiet() && performance.now() < due + phaseMs) await sleep(10);
        const isolate = isolates[(i - 1) % isolates.length];
        last = performance.now();
        const sentMs = last - t0;
        const sentAt = Date.now(); // the wall clock, as the route's renderedAt
        const waitedMs = Math.max(0, last - due);
        const afterBurst = quiet();
        epoch = i; // requests sent from now on belong to this revalidation
        const r = await revalidate(isolate);
        acked = i;
        revals.push({ epoch: i, isolate: isolate.name, isolateIndex: (i - 1) % isolates.length, sentMs, sentAt, waitedMs, afterBurst,
          ackMs: performance.now() - t0, status: r.status, body: r.body ?? r.error });
        log(`  revalidation ${i} through ${isolate.name} at ${(sentMs / 1000).toFixed(1)} s` +
          `${afterBurst ? "" : " (the burst before it had not ended)"}: ${r.status}`);
      }
      endAt = last + phaseMs;
    };

    log(`stampede: ${isolates.length} isolate(s), ${connections} connections, ${keys} hot keys, ${revalidations} hard ` +
      `revalidation(s) of "${TAG}", ${seconds} s`);
    await Promise.all([revalidator(), ...Array.from({ length: connections }, (_, c) => connection(c))]);
    const wallMs = performance.now() - t0;
    // Background writes registered with waitUntil may still be landing; let them, then read the counts.
    await sleep(500);
    const counts = await Promise.all(isolates.map(async (i) => {
      const r = await send(i, "/__harness/counts");
      return r.status === 200 ? JSON.parse(r.body) : null;
    }));
    const result = summarise({ settings: { connections, keys, seconds, revalidations, isolates: isolates.length, renderMs: RENDER_MS,
      vars: settings.vars ?? {} },
      keyNames, answers, revals, counts, logs: cluster.logs, wallMs });
    return settings.keepAnswers ? { ...result, answerLog: answers } : result;
  } finally {
    await cluster.dispose().catch(() => {});
  }
}

/** The figures: answers by state and status, latency, renders per key per epoch, entry writes. */
export function summarise({ settings, keyNames, answers, revals, counts, logs, wallMs }) {
  const byState = {};
  const byStatus = {};
  for (const a of answers) {
    byState[a.state] = (byState[a.state] ?? 0) + 1;
    byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
  }
  const serverErrors = answers.filter((a) => a.status >= 500).length;
  const clientErrors = answers.filter((a) => a.status === 0).length;
  const otherNon200 = answers.filter((a) => a.status !== 200 && a.status !== 0 && a.status < 500).length;
  const sorted = answers.map((a) => a.ms).sort((x, y) => x - y);
  const latency = (list) => ({
    p50: percentile(list, 50),
    p90: percentile(list, 90),
    p99: percentile(list, 99),
    max: list.length ? list[list.length - 1] : null,
  });
  const latencyByState = {};
  for (const state of Object.keys(byState)) {
    latencyByState[state] = latency(answers.filter((a) => a.state === state).map((a) => a.ms).sort((x, y) => x - y));
  }

  // A render's epoch: that of the last revalidation sent before it finished (its renderedAt, the worker's wall
  // clock, against the revalidation's send time on the same clock). A render finishing after a revalidation
  // writes an entry dated after it, valid for it, even when it started before (a request sent earlier and
  // queued in the isolate): such renders are that revalidation's cost.
  const epochOf = (renderedAt) => {
    let e = 0;
    while (e < revals.length && revals[e].sentAt <= renderedAt) e++;
    return e;
  };
  const renders = new Map();
  for (const a of answers) {
    if (a.render === null || typeof a.renderedAt !== "number") continue;
    const id = `${a.key}|${a.render}`;
    if (!renders.has(id)) renders.set(id, { key: a.key, renderedAt: a.renderedAt, epoch: epochOf(a.renderedAt) });
  }
  const epochs = [];
  for (let e = 0; e <= settings.revalidations; e++) {
    const perKey = keyNames.map((key) => [...renders.values()].filter((r) => r.key === key && r.epoch === e).length);
    const inEpoch = answers.filter((a) => a.epoch === e);
    const states = {};
    for (const a of inEpoch) states[a.state] = (states[a.state] ?? 0) + 1;
    epochs.push({
      epoch: e,
      what: e === 0 ? "fill (cold cache)" : `revalidation ${e}`,
      startedMs: e === 0 ? 0 : revals[e - 1]?.sentMs ?? null,
      revalidationStatus: e === 0 ? null : revals[e - 1]?.status ?? null,
      answers: inEpoch.length,
      states,
      rendersPerKey: perKey,
      renders: perKey.reduce((x, y) => x + y, 0),
      minPerKey: Math.min(...perKey),
      meanPerKey: perKey.reduce((x, y) => x + y, 0) / perKey.length,
      maxPerKey: Math.max(...perKey),
    });
  }
  // Old content after a hard revalidation: an answer to a request sent after the endpoint acknowledged
  // revalidation e that carries a render finished OLD_MARGIN_MS or more before e was sent (an entry is dated
  // when it is written, in the background after its render, so a render finished just before may write after
  // the revalidation, and that entry is valid). The isolate that performed the revalidation must not serve old
  // content after answering it; the others may, within the tag cache time (ISR_COORDINATOR_TAG_CACHE_MS,
  // default 5 s).
  const oldAfterAck = { revalidatingIsolate: 0, otherIsolates: 0, longestAfterAckMs: null };
  for (const a of answers) {
    const rv = a.epoch > 0 ? revals[a.epoch - 1] : null;
    if (a.render === null || typeof a.renderedAt !== "number" || !rv || rv.status !== 200 || a.sentMs <= rv.ackMs) continue;
    if (a.renderedAt >= rv.sentAt - OLD_MARGIN_MS) continue;
    if (rv.isolateIndex === a.isolate) oldAfterAck.revalidatingIsolate++;
    else oldAfterAck.otherIsolates++;
    oldAfterAck.longestAfterAckMs = Math.max(oldAfterAck.longestAfterAckMs ?? 0, a.sentMs - rv.ackMs);
  }
  // Answers per 250 ms of send time, by state: where each burst of MISSes starts and ends.
  const timeline = [];
  for (const a of answers) {
    const b = Math.floor(a.sentMs / 250);
    while (timeline.length <= b) timeline.push({ fromMs: timeline.length * 250, states: {} });
    timeline[b].states[a.state] = (timeline[b].states[a.state] ?? 0) + 1;
  }
  const afterRevalidation = epochs.filter((e) => e.epoch > 0);
  const mean = (xs) => (xs.length ? xs.reduce((x, y) => x + y, 0) / xs.length : null);
  const entryPuts = counts.every((c) => c !== null) ? counts.reduce((n, c) => n + c.entryPuts, 0) : null;
  return {
    scenario: "stampede",
    settings,
    wallSeconds: wallMs / 1000,
    answers: answers.length,
    answersPerSecond: answers.length / (wallMs / 1000),
    byState,
    byStatus,
    serverErrors,
    otherNon200,
    clientErrors,
    clientErrorSamples: [...new Set(answers.filter((a) => a.error).map((a) => a.error))].slice(0, 3),
    latencyMs: latency(sorted),
    latencyByState,
    revalidations: revals,
    epochs,
    renders: renders.size,
    rendersPerKeyPerRevalidation: mean(afterRevalidation.map((e) => e.meanPerKey)),
    maxRendersPerKeyPerRevalidation: afterRevalidation.length ? Math.max(...afterRevalidation.map((e) => e.maxPerKey)) : null,
    rendersPerKeyFill: epochs[0].meanPerKey,
    entryPuts,
    coordinatorClaims: counts.every((c) => c !== null) ? counts.reduce((n, c) => n + c.claims.granted + c.claims.busy + c.claims.done + c.claims.failed, 0) : null,
    oldAfterAck,
    timeline,
    workerLog: { lines: logs.lines, errorLines: logs.errorLines, samples: logs.samples },
  };
}

const ms = (x) => (x === null || x === undefined ? "-" : x.toFixed(1));
const n2 = (x) => (x === null || x === undefined ? "-" : x.toFixed(2));

/** The result as Markdown (printed by run.mjs; the format a published report's stampede section takes). */
export function stampedeMarkdown(r) {
  const s = r.settings;
  const lines = [];
  lines.push(`## Stampede: ${s.connections} connections, ${s.keys} hot keys, ${s.revalidations} hard revalidation(s)`);
  lines.push("");
  lines.push(`${s.isolates} isolate(s) (Miniflare workers over one KV namespace and one coordinator), ${s.connections} ` +
    `concurrent keep-alive connections spread over them, each cycling over ${s.keys} keys of \`/api/hot/<key>\` ` +
    `(a ${s.renderMs} ms render, revalidate 3600, tag \`hot\`) for ${s.seconds} s; \`POST /__isr/revalidate ` +
    `{"tags":["hot"]}\` (hard) ${s.revalidations} time(s), ${(s.seconds / (s.revalidations + 1)).toFixed(1)} s apart or ` +
    `more (each once the burst before it is over). A render is counted once per distinct ` +
    `\`render\` id in the answers, in the epoch of the last revalidation sent before it finished (requests and their answers: by send ` +
    `time). Ideal: 1 render per key per ` +
    `revalidation per isolate.`);
  if (Object.keys(s.vars ?? {}).length > 0) lines.push(`Worker variables: ${Object.entries(s.vars).map(([k, v]) => `${k}=${v}`).join(", ")}.`);
  lines.push("");
  lines.push(`answers: ${r.answers} in ${r.wallSeconds.toFixed(1)} s (${r.answersPerSecond.toFixed(0)}/s); ` +
    `5xx: ${r.serverErrors}; other non-200: ${r.otherNon200}; connection errors/timeouts: ${r.clientErrors}` +
    (r.clientErrorSamples.length ? ` (${r.clientErrorSamples.join("; ")})` : ""));
  lines.push(`latency ms: p50 ${ms(r.latencyMs.p50)}, p90 ${ms(r.latencyMs.p90)}, p99 ${ms(r.latencyMs.p99)}, max ${ms(r.latencyMs.max)}`);
  lines.push(`renders per key per revalidation: ${n2(r.rendersPerKeyPerRevalidation)} (max ${r.maxRendersPerKeyPerRevalidation ?? "-"}); ` +
    `cold fill: ${n2(r.rendersPerKeyFill)} per key; renders in all: ${r.renders}; entry writes (KV puts of cache entries): ${r.entryPuts ?? "-"}`);
  const o = r.oldAfterAck;
  lines.push(`old content after an acknowledged revalidation (answers sent after the endpoint's 200 carrying a ` +
    `render finished 1 s or more before the revalidation was sent): ${o.revalidatingIsolate} from the isolate that revalidated (should be 0), ${o.otherIsolates} ` +
    `from other isolates (allowed within the tag cache time); latest sent ${ms(o.longestAfterAckMs)} ms after the 200`);
  lines.push(`worker log: ${r.workerLog.lines} lines, ${r.workerLog.errorLines} mentioning an error` +
    (r.workerLog.samples.length ? ` (first: ${r.workerLog.samples[0]})` : ""));
  lines.push("");
  lines.push("| x-isr-cache | answers | p50 ms | p99 ms | max ms |");
  lines.push("|---|---:|---:|---:|---:|");
  for (const [state, count] of Object.entries(r.byState).sort((a, b) => b[1] - a[1])) {
    const l = r.latencyByState[state];
    lines.push(`| ${state} | ${count} | ${ms(l.p50)} | ${ms(l.p99)} | ${ms(l.max)} |`);
  }
  lines.push("");
  lines.push("| epoch | from s | requests sent | renders per key (min / mean / max) | renders | their answers by x-isr-cache |");
  lines.push("|---|---:|---:|---|---:|---|");
  for (const e of r.epochs) {
    const states = Object.entries(e.states).map(([k, v]) => `${k} ${v}`).join(", ");
    const rv = e.epoch === 0 ? null : r.revalidations[e.epoch - 1];
    const what = e.epoch === 0 ? e.what : `${e.what}${e.revalidationStatus === 200 ? "" : ` (endpoint answered ${e.revalidationStatus})`}` +
      `${rv?.afterBurst === false ? " (sent before the burst before it ended)" : ""}`;
    lines.push(`| ${what} | ${e.startedMs === null ? "-" : (e.startedMs / 1000).toFixed(1)} | ${e.answers} | ` +
      `${e.minPerKey} / ${n2(e.meanPerKey)} / ${e.maxPerKey} | ${e.renders} | ${states} |`);
  }
  return lines.join("\n");
}
