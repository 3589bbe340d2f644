// Main module for tests that must decide when a KV call completes: the isr4j shim behind a CACHE_KV whose reads
// or writes of chosen keys are held until the test says so.
//
//   GET /__gate?reads=S&writes=T  from now on hold every read (get, getWithMetadata) of a key containing S and
//                                 every put of a key containing T; either may be left out. Resets `matched`.
//   GET /__gate                   hold nothing new; calls already held stay held (they never settle).
//   GET /__gate/release           hold nothing new and let every held call go on to the real binding.
//   GET /__gate/state             {reads, writes, held, matched}: the calls waiting now, and every call that
//                                 matched since the last /__gate?..., as [method, key] pairs.
//
// A held call waits in the request context that made it (it polls a ticket rather than awaiting a promise that
// another request resolves), so the real KV call runs where workerd expects it. A call nobody releases never
// settles: then only isr4j's own deadline can answer for it, which is what the deadline tests rely on.
import worker from "../../worker-java/fixtures/worker/isr4j-worker.mjs";
export { IsrCoordinator } from "../../worker-java/fixtures/worker/isr4j-worker.mjs"; // the ISR_COORDINATOR object

const POLL_MS = 5;

const gate = { reads: null, writes: null };
/** Tickets of held calls: [method, key, released]. */
let held = [];
let matched = [];

function holding(pattern, key) {
  return pattern !== null && typeof key === "string" && key.includes(pattern);
}

async function whenReleased(ticket) {
  while (!ticket.released) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
}

function hold(method, key, call) {
  matched.push([method, key]);
  const ticket = { method, key, released: false };
  held.push(ticket);
  return whenReleased(ticket).then(call);
}

function gated(kv) {
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === "get" || prop === "getWithMetadata") {
        return (key, ...rest) => {
          const call = () => target[prop](key, ...rest);
          return holding(gate.reads, key) ? hold(prop, key, call) : call();
        };
      }
      if (prop === "put") {
        return (key, ...rest) => {
          const call = () => target.put(key, ...rest);
          return holding(gate.writes, key) ? hold("put", key, call) : call();
        };
      }
      const value = target[prop];
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function state() {
  return { ...gate, held: held.map((t) => [t.method, t.key]), matched };
}

export default {
  fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === "/__gate") {
      gate.reads = url.searchParams.get("reads");
      gate.writes = url.searchParams.get("writes");
      matched = [];
      return Response.json(state());
    }
    if (url.pathname === "/__gate/release") {
      gate.reads = gate.writes = null;
      for (const ticket of held) ticket.released = true;
      held = [];
      return Response.json(state());
    }
    if (url.pathname === "/__gate/state") return Response.json(state());
    return worker.fetch(request, { ...env, CACHE_KV: gated(env.CACHE_KV) }, ctx);
  },
};
