// Test harness for test-e2e/tiers.test.mjs: the main module of its own Miniflare worker. It runs the real
// isr4j shim with env.CACHE_KV wrapped, so a test can see every KV operation a request makes (and make KV
// puts fail), and it reports how many body bytes crossed between Java and JS (JsBody's counter).
//
//   GET /__harness/ops[?reset=1]  -> {"ops": [[method, key], ...], "copied": <bytes>}; reset clears both after
//   GET /__harness/fail-kv-puts?on=1|0
// Every other request goes to the worker. The Java runtime keeps the env object it first sees, so the wrapped
// env is built once and reused.
import worker from "../../worker-java/fixtures/worker/isr4j-worker.mjs";
export { IsrCoordinator } from "../../worker-java/fixtures/worker/isr4j-worker.mjs"; // the ISR_COORDINATOR object

let ops = [];
let failPuts = false;
let wrappedEnv = null;

function countingKv(kv) {
  const counted = (method) => (...args) => {
    ops.push([method, typeof args[0] === "string" ? args[0] : JSON.stringify(args[0])]);
    if (method === "put" && failPuts) return Promise.reject(new Error(`KV PUT failed: injected failure for ${args[0]}`));
    return kv[method](...args);
  };
  return {
    get: counted("get"),
    getWithMetadata: counted("getWithMetadata"),
    put: counted("put"),
    delete: counted("delete"),
    list: counted("list"),
  };
}

function wrap(env) {
  if (wrappedEnv === null) wrappedEnv = { ...env, CACHE_KV: countingKv(env.CACHE_KV) };
  return wrappedEnv;
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === "/__harness/ops") {
      const report = { ops, copied: globalThis.isr4jBodyBytesCopied ?? 0 };
      if (url.searchParams.get("reset") === "1") {
        ops = [];
        globalThis.isr4jBodyBytesCopied = 0;
      }
      return Response.json(report);
    }
    if (url.pathname === "/__harness/fail-kv-puts") {
      failPuts = url.searchParams.get("on") === "1";
      return Response.json({ failPuts });
    }
    return worker.fetch(request, wrap(env), ctx);
  },
};
