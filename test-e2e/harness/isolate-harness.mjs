// Main module of one isolate in the many-isolate tests (test-e2e/coordinator.test.mjs): the isr4j shim, with its
// CACHE_KV and ISR_COORDINATOR bindings wrapped so the test can count what this isolate did, and its ctx wrapped
// so the test can tell when this isolate's background work has settled.
//   GET /__harness/counts          -> { entryPuts, entryReads, tagPuts, claims: {granted, busy, done, failed}, finishes, pending,
//                                       calls: {<op>: n}, background, held: {puts, reads} }
//                                     calls: coordinator calls sent, by op, whatever became of them
//                                     background: ctx.waitUntil promises not settled yet (never reset); once every
//                                     request has been answered and it is 0, this isolate will write nothing more
//   GET /__harness/reset           -> zeroes the counts
//   GET /__harness/hold?ops=claim  -> from now on, coordinator calls of these ops (comma-separated) never answer:
//                                     only isr4j's own deadline (ISR_COORDINATOR_TIMEOUT_MS) ends the wait
//   GET /__harness/coordinator?mode=fail          -> from now on, every coordinator call fails at once
//   GET /__harness/coordinator?mode=slow&ms=N     -> from now on, every coordinator call answers only after N ms
//   GET /__harness/coordinator?mode=ok            -> calls go through again (hold, above, still applies)
//   GET /__harness/gate?puts=1&reads=1
//                                  -> from now on hold entry writes (puts=1: the put is made when released) and the
//                                     answers of entry reads (reads=1: the read is made at once, what it read is
//                                     handed over when released: a read from before a write that lands meanwhile);
//                                     either may be left out; calls already held stay held
//   GET /__harness/gate/release    -> hold nothing more and let every held call go on
// Each isolate (Miniflare worker) has its own module state, so counts are per isolate; the test sums them.
//
// A held call waits in the request context that made it (it polls a ticket rather than awaiting a promise that
// another request resolves), so it goes on where workerd expects it (see gated-kv-harness.mjs).
import worker from "../../worker-java/fixtures/worker/isr4j-worker.mjs";
export { IsrCoordinator } from "../../worker-java/fixtures/worker/isr4j-worker.mjs";

const POLL_MS = 5;

let counts;
let held = new Set();
let background = 0;
let coordinatorMode = { mode: "ok", ms: 0 };
const gate = { puts: false, reads: false };
/** Tickets of held entry calls: {method, released}. */
let tickets = [];
const reset = () => {
  counts = {
    entryPuts: 0, entryReads: 0, tagPuts: 0, claims: { granted: 0, busy: 0, done: 0, failed: 0 }, finishes: 0, pending: 0, calls: {},
  };
};
reset();

async function whenReleased(method) {
  const ticket = { method, released: false };
  tickets.push(ticket);
  while (!ticket.released) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
}

const isEntry = (key) => typeof key === "string" && key.startsWith("cache:");

function countingKv(kv) {
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === "put") {
        return (key, ...rest) => {
          if (typeof key === "string" && key.startsWith("__tag:")) counts.tagPuts++;
          if (!isEntry(key)) return target.put(key, ...rest);
          counts.entryPuts++;
          return gate.puts ? whenReleased("put").then(() => target.put(key, ...rest)) : target.put(key, ...rest);
        };
      }
      if (prop === "get" || prop === "getWithMetadata") {
        return (key, ...rest) => {
          if (isEntry(key)) counts.entryReads++;
          const read = target[prop](key, ...rest);
          return isEntry(key) && gate.reads ? read.then((found) => whenReleased(prop).then(() => found)) : read;
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

function countingCtx(ctx) {
  return new Proxy(ctx, {
    get(target, prop) {
      if (prop === "waitUntil") {
        return (promise) => {
          background++;
          target.waitUntil(Promise.resolve(promise).finally(() => background--));
        };
      }
      const value = target[prop];
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

const heldCounts = () => ({
  puts: tickets.filter((t) => t.method === "put").length,
  reads: tickets.filter((t) => t.method !== "put").length,
});

export default {
  fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === "/__harness/counts") return Response.json({ ...counts, background, held: heldCounts() });
    if (url.pathname === "/__harness/coordinator") {
      coordinatorMode = { mode: url.searchParams.get("mode") ?? "ok", ms: Number(url.searchParams.get("ms") ?? 0) };
      return Response.json(coordinatorMode);
    }
    if (url.pathname === "/__harness/reset") {
      reset();
      return Response.json(counts);
    }
    if (url.pathname === "/__harness/gate") {
      gate.puts = url.searchParams.get("puts") === "1";
      gate.reads = url.searchParams.get("reads") === "1";
      return Response.json({ ...gate, held: heldCounts() });
    }
    if (url.pathname === "/__harness/gate/release") {
      gate.puts = gate.reads = false;
      for (const ticket of tickets) ticket.released = true;
      tickets = [];
      return Response.json({ ...gate, held: heldCounts() });
    }
    if (url.pathname === "/__harness/hold") {
      held = new Set((url.searchParams.get("ops") ?? "").split(",").filter(Boolean));
      return Response.json([...held]);
    }
    return worker.fetch(
      request,
      { ...env, CACHE_KV: countingKv(env.CACHE_KV), ...(env.ISR_COORDINATOR ? { ISR_COORDINATOR: countingCoordinator(env.ISR_COORDINATOR) } : {}) },
      countingCtx(ctx),
    );
  },
};
