// Main module of one isolate in the many-isolate tests (test-e2e/coordinator.test.mjs): the isr4j shim, with its
// CACHE_KV and ISR_COORDINATOR bindings wrapped so the test can count what this isolate did.
//   GET /__harness/counts          -> { entryPuts, tagPuts, claims: {granted, busy, done, failed}, finishes, pending,
//                                       calls: {<op>: n}, background }
//                                     (calls: coordinator calls sent, by op, whatever became of them; background:
//                                     promises this isolate gave ctx.waitUntil that have not settled yet)
//   GET /__harness/reset           -> zeroes the counts (background, which tracks live promises, is kept)
//   GET /__harness/hold?ops=claim  -> from now on, coordinator calls of these ops (comma-separated) never answer:
//                                     only isr4j's own deadline (ISR_COORDINATOR_TIMEOUT_MS) ends the wait
//   GET /__harness/coordinator?mode=fail          -> from now on, every coordinator call fails at once
//   GET /__harness/coordinator?mode=slow&ms=N     -> from now on, every coordinator call answers only after N ms
//   GET /__harness/coordinator?mode=ok            -> calls go through again (hold, above, still applies)
//   GET /__harness/slow-puts?ms=N  -> entry writes land N ms late (a timer of the writing request): a regeneration
//                                     then holds its lease that long, and other isolates' claims arrive meanwhile
// Each isolate (Miniflare worker) has its own module state, so counts are per isolate; the test sums them.
import worker from "../../worker-shim/isr4j-worker.mjs";
export { IsrCoordinator } from "../../worker-shim/isr4j-worker.mjs";

let counts;
let held = new Set();
let putDelayMs = 0;
let coordinatorMode = { mode: "ok", ms: 0 };
let background = 0;
const reset = () => {
  counts = {
    entryPuts: 0, tagPuts: 0, claims: { granted: 0, busy: 0, done: 0, failed: 0 }, finishes: 0, pending: 0, calls: {},
  };
};
reset();

function countingKv(kv) {
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === "put") {
        return (key, ...rest) => {
          if (typeof key === "string" && key.startsWith("__tag:")) counts.tagPuts++;
          if (!(typeof key === "string" && key.startsWith("cache:"))) return target.put(key, ...rest);
          counts.entryPuts++;
          const delay = putDelayMs;
          return delay === 0 ? target.put(key, ...rest)
            : new Promise((resolve) => setTimeout(resolve, delay)).then(() => target.put(key, ...rest));
        };
      }
      const value = target[prop];
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function call(stub, url, init) {
  const op = JSON.parse(init.body).op;
  counts.calls[op] = (counts.calls[op] ?? 0) + 1;
  if (held.has(op)) return new Promise(() => {});
  const { mode, ms } = coordinatorMode;
  if (mode === "fail") return Promise.reject(new Error("harness: the coordinator is down"));
  counts.pending++;
  const sent = mode === "slow" ? new Promise((resolve) => setTimeout(resolve, ms)).then(() => stub.fetch(url, init))
    : stub.fetch(url, init);
  return sent
    .then(async (response) => {
      const answer = await response.clone().json();
      if (op === "claim") counts.claims[answer.r in counts.claims ? answer.r : "failed"]++;
      if (op === "finish") counts.finishes++;
      return response;
    })
    .finally(() => counts.pending--);
}

function countingCoordinator(ns) {
  return {
    idFromName: (name) => ns.idFromName(name),
    get: (id) => {
      const stub = ns.get(id);
      return { fetch: (url, init) => call(stub, url, init) };
    },
  };
}

/** ctx, counting the promises handed to waitUntil until they settle. */
function countingContext(ctx) {
  return {
    waitUntil(promise) {
      background++;
      const settled = () => background--;
      Promise.resolve(promise).then(settled, settled);
      ctx.waitUntil(promise);
    },
    passThroughOnException: () => ctx.passThroughOnException(),
  };
}

export default {
  fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === "/__harness/counts") return Response.json({ ...counts, background });
    if (url.pathname === "/__harness/coordinator") {
      coordinatorMode = { mode: url.searchParams.get("mode") ?? "ok", ms: Number(url.searchParams.get("ms") ?? 0) };
      return Response.json(coordinatorMode);
    }
    if (url.pathname === "/__harness/reset") {
      reset();
      return Response.json(counts);
    }
    if (url.pathname === "/__harness/slow-puts") {
      putDelayMs = Number(url.searchParams.get("ms") ?? 0);
      return Response.json(putDelayMs);
    }
    if (url.pathname === "/__harness/hold") {
      held = new Set((url.searchParams.get("ops") ?? "").split(",").filter(Boolean));
      return Response.json([...held]);
    }
    return worker.fetch(
      request,
      { ...env, CACHE_KV: countingKv(env.CACHE_KV), ISR_COORDINATOR: countingCoordinator(env.ISR_COORDINATOR) },
      countingContext(ctx),
    );
  },
};
