// Main module for deadline tests: the isr4j shim behind a CACHE_KV whose reads or writes of chosen keys are
// held. GET /__gate?reads=S&writes=T holds, from then on, every read (get, getWithMetadata) of a key holding
// S and every put of a key holding T; GET /__gate with neither lets everything through again. A held call
// never settles, so only isr4j's own deadline can answer for it: no test waits on the wall clock for a read.
import worker from "../../worker-shim/isr4j-worker.mjs";
export { IsrCoordinator } from "../../worker-shim/isr4j-worker.mjs"; // the ISR_COORDINATOR object

const held = { reads: null, writes: null };

function gated(kv) {
  const holds = (pattern, key) => pattern !== null && typeof key === "string" && key.includes(pattern);
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === "get" || prop === "getWithMetadata") {
        return (key, ...rest) => (holds(held.reads, key) ? new Promise(() => {}) : target[prop](key, ...rest));
      }
      if (prop === "put") {
        return (key, ...rest) => (holds(held.writes, key) ? new Promise(() => {}) : target.put(key, ...rest));
      }
      const value = target[prop];
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

export default {
  fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === "/__gate") {
      held.reads = url.searchParams.get("reads");
      held.writes = url.searchParams.get("writes");
      return Response.json(held);
    }
    return worker.fetch(request, { ...env, CACHE_KV: gated(env.CACHE_KV) }, ctx);
  },
};
