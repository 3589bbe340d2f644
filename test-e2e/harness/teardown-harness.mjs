// Test harness for test-e2e/teardown.test.mjs: the main module of its own Miniflare worker. It calls the
// isr4j shim's fetch directly with a fake env and ctx, so it can
//   - hold every KV put behind a gate (a latch), and
//   - record every promise handed to ctx.waitUntil,
// and then check that awaiting the recorded promises (and nothing else) is enough for the writes to be in
// KV: what workerd does before it tears an isolate's request context down.
//
// Rules this file follows:
//   - The Java runtime keeps the first env it sees for the isolate's life, so FAKE_ENV and gatedKv are
//     module-level objects; the gate, the mode and the real binding are switched per scenario.
//   - workerd ties promises to the request that created them, so one scenario runs entirely inside one
//     harness request: create the latch, call worker.fetch, inspect, release, await.
//
// Routes (all GET, each answers a JSON report): /scenario/miss-write, /scenario/stale-regeneration,
// /scenario/resolved-put, /scenario/failing-kv.
import worker from "../../worker-java/fixtures/worker/isr4j-worker.mjs";
export { IsrCoordinator } from "../../worker-java/fixtures/worker/isr4j-worker.mjs"; // the ISR_COORDINATOR object

const ORIGIN = "http://localhost";
/** How long a promise must stay unsettled (with the gate closed) to count as pending. */
const PENDING_PROBE_MS = 100;
/** Deadline for awaiting recorded promises, so a Java bug yields a report instead of a hung request. */
const AWAIT_DEADLINE_MS = 5000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function latch() {
  let open;
  const promise = new Promise((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

// ---- the gated KV binding ----------------------------------------------------------------------------

/** The REAL_KV binding of the harness request being served. */
let real = null;
/** null: puts go through; otherwise puts wait for gate.promise. */
let gate = null;
/**
 * "honest": put returns the promise of the (gated) real write.
 * "resolved": put returns an already-resolved promise and performs the real write only once the gate
 *   opens - the shape of the vinext PR 425 bug, at the binding level.
 * "reject": every call returns a promise rejected with an Error (KV down, rate-limited, key too long).
 */
let mode = "honest";
/** The real writes started in "resolved" mode, so the scenario can let them finish. */
let detachedWrites = [];
/** Keys put since the scenario started (or since the gate closed), in order. */
let putLog = [];
/** The promises the binding's put handed back, in the same order. */
let putPromises = [];

/** In "reject" mode every call fails the way a real KV binding fails: a promise rejected with an Error. */
function injectedFailure(method, key) {
  return Promise.reject(new Error(`KV ${method} failed: injected failure for ${key}`));
}

const gatedKv = {
  get: (...args) => (mode === "reject" ? injectedFailure("GET", args[0]) : real.get(...args)),
  getWithMetadata: (...args) => (mode === "reject" ? injectedFailure("GET", args[0]) : real.getWithMetadata(...args)),
  list: (...args) => (mode === "reject" ? injectedFailure("LIST", args[0]?.prefix) : real.list(...args)),
  delete: (...args) => (mode === "reject" ? injectedFailure("DELETE", args[0]) : real.delete(...args)),
  put(key, value, options) {
    if (mode === "reject") {
      putLog.push(key);
      return injectedFailure("PUT", key);
    }
    const kv = real;
    const waitFor = gate;
    putLog.push(key);
    const write = (async () => {
      if (waitFor) await waitFor.promise;
      return kv.put(key, value, options);
    })();
    const returned = mode === "honest" ? write : Promise.resolve();
    if (mode !== "honest") detachedWrites.push(write);
    putPromises.push(returned);
    return returned;
  },
};

const FAKE_ENV = { ISR_MODE: "production", CACHE_KV: gatedKv };

function fakeCtx() {
  const recorded = [];
  return {
    recorded,
    ctx: {
      waitUntil(promise) {
        recorded.push(promise);
      },
      passThroughOnException() {},
    },
  };
}

function startScenario(env) {
  real = env.REAL_KV;
  gate = null;
  mode = "honest";
  detachedWrites = [];
  putLog = [];
  putPromises = [];
}

/** Closes the gate; the put log then shows only what was put behind it. */
function closeGate() {
  gate = latch();
  putLog = [];
  putPromises = [];
}

/** Polls cond every 5 ms until it holds (true) or the deadline passes (false). */
async function until(cond, deadlineMs) {
  const end = Date.now() + deadlineMs;
  while (!cond()) {
    if (Date.now() >= end) return false;
    await sleep(5);
  }
  return true;
}

/**
 * What waitUntil holds while the gate is closed: once the background task has reached the binding's put
 * (polled, with a deadline), the state of each recorded promise after a probe of PENDING_PROBE_MS (timers
 * created in this request), how many were recorded, and whether each promise the binding's put returned
 * is itself among them.
 */
async function inspectWhileGated(recorded, report) {
  report.recordedAtResponse = recorded.length;
  report.putReached = await until(() => putLog.length > 0, AWAIT_DEADLINE_MS);
  report.recordedWhileGated = recorded.length;
  report.statesWhileGated = await Promise.all(recorded.map((p) => settleState(p, PENDING_PROBE_MS)));
  report.putsWhileGated = [...putLog];
  report.putPromisesRegistered = putPromises.map((p) => recorded.includes(p));
  report.putPromiseStates = await Promise.all(putPromises.map((p) => settleState(p, 0)));
}

/** "pending" when the promise has not settled within ms; the timer is created in this request. */
async function settleState(promise, ms) {
  return Promise.race([
    Promise.resolve(promise).then(
      () => "fulfilled",
      () => "rejected",
    ),
    sleep(ms).then(() => "pending"),
  ]);
}

/** Awaits exactly the given promises, with a deadline; "settled", "rejected: ..." or "timeout". */
async function awaitAll(promises) {
  return Promise.race([
    Promise.all(promises).then(
      () => "settled",
      (e) => `rejected: ${e}`,
    ),
    sleep(AWAIT_DEADLINE_MS).then(() => "timeout"),
  ]);
}

async function readEntry(key) {
  const { value, metadata } = await real.getWithMetadata(key, "arrayBuffer");
  if (value === null) return null;
  return { metadata, byteLength: value.byteLength, text: new TextDecoder().decode(value) };
}

async function callWorker(path) {
  const { recorded, ctx } = fakeCtx();
  const res = await worker.fetch(new Request(ORIGIN + path), FAKE_ENV, ctx);
  const text = await res.text();
  return { recorded, response: { status: res.status, isr: res.headers.get("x-isr-cache"), text } };
}

// ---- scenarios ---------------------------------------------------------------------------------------

/** (a) The MISS write: pending in waitUntil while KV holds the put; awaiting waitUntil alone completes it. */
async function missWrite() {
  const key = "cache:app:/api/posts/td1:route";
  const report = { key, kvBefore: await readEntry(key) };
  closeGate();
  const { recorded, response } = await callWorker("/api/posts/td1");
  report.response = response;
  await inspectWhileGated(recorded, report);
  report.kvWhileGated = await readEntry(key);

  gate.open();
  gate = null;
  const snapshot = [...recorded];
  report.awaitRecorded = await awaitAll(snapshot);
  report.kvAfterAwait = await readEntry(key);
  report.recordedAfterAwait = recorded.length;
  return report;
}

/** (b) A STALE hit's regeneration: same, for the background regeneration and its write. */
async function staleRegeneration() {
  const key = "cache:app:/api/static-data:route";
  const report = { key };

  const first = await callWorker("/api/static-data");
  report.first = first.response;
  report.firstAwait = await awaitAll(first.recorded);
  report.kvAfterFirst = await readEntry(key);

  // revalidate is 1 s: let the entry go stale by the clock (timers advance workerd's clock)
  const ra = report.kvAfterFirst?.metadata?.ra ?? Date.now() + 1000;
  await sleep(Math.max(0, ra - Date.now()) + 200);
  report.clockAfterWait = Date.now();

  closeGate();
  const second = await callWorker("/api/static-data");
  report.second = second.response;
  await inspectWhileGated(second.recorded, report);
  report.kvWhileGated = await readEntry(key);

  gate.open();
  gate = null;
  report.awaitRecorded = await awaitAll([...second.recorded]);
  report.kvAfterAwait = await readEntry(key);
  report.recordedAfterAwait = second.recorded.length;
  return report;
}

/**
 * (c) The negative control: a binding whose put resolves at once while the real write waits for the gate.
 * Awaiting every waitUntil promise then finishes with the write still not in KV - what a Java KV handler
 * handing back an already-resolved Completion would look like from outside.
 */
async function resolvedPut() {
  const key = "cache:app:/api/posts/td3:route";
  const report = { key, kvBefore: await readEntry(key) };
  mode = "resolved";
  closeGate();
  const { recorded, response } = await callWorker("/api/posts/td3");
  report.response = response;
  report.recordedCount = recorded.length;
  report.awaitRecordedWithGateClosed = await awaitAll([...recorded]);
  report.putsBeforeRelease = [...putLog];
  report.kvAfterAwait = await readEntry(key);

  // let the detached write finish inside this request, so nothing outlives it
  gate.open();
  gate = null;
  report.detachedWrites = detachedWrites.length;
  report.awaitDetached = await awaitAll([...detachedWrites]);
  report.kvAfterRelease = await readEntry(key);
  mode = "honest";
  return report;
}

/**
 * (d) KV fails: every binding call rejects with an Error, as a real binding does. A broken cache must never
 * fail a request: the handler answers (a MISS), and the background write fails and settles, logged.
 */
async function failingKv() {
  const report = {};
  mode = "reject";
  const { recorded, ctx } = fakeCtx();
  const responded = worker.fetch(new Request(ORIGIN + "/api/posts/fk1"), FAKE_ENV, ctx).then(async (res) => ({
    status: res.status,
    isr: res.headers.get("x-isr-cache"),
    text: await res.text(),
  }));
  // a KV-less render takes milliseconds: 2 s is ample, and keeps a hang from costing the suite much
  report.response = await Promise.race([responded, sleep(2000).then(() => "timeout")]);
  report.putsAttempted = [...putLog];
  report.recordedCount = recorded.length;
  report.recordedStates = await Promise.race([
    Promise.allSettled([...recorded]).then((all) => all.map((x) => x.status)),
    sleep(2000).then(() => "timeout"),
  ]);
  mode = "honest";
  return report;
}

const SCENARIOS = {
  "/scenario/failing-kv": failingKv,
  "/scenario/miss-write": missWrite,
  "/scenario/stale-regeneration": staleRegeneration,
  "/scenario/resolved-put": resolvedPut,
};

export default {
  async fetch(request, env) {
    const scenario = SCENARIOS[new URL(request.url).pathname];
    if (!scenario) return new Response("unknown scenario", { status: 404 });
    startScenario(env);
    try {
      const report = await scenario();
      return Response.json(report);
    } catch (e) {
      return Response.json({ error: String(e), stack: e?.stack }, { status: 500 });
    } finally {
      gate?.open(); // never leave a put waiting on a latch of a finished request
      gate = null;
      mode = "honest";
    }
  },
};
