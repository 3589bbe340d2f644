// Main module for the D1 deadline test (d1.test.mjs): the isr4j shim behind a DB binding that never answers
// (every statement and batch is a promise that never settles), so only isr4j's own deadline, ISR_D1_TIMEOUT_MS, can
// answer for it; and a NOPE binding that is there but is not a D1 database (the KV namespace).
import worker from "../../worker-shim/isr4j-worker.mjs";
export { IsrCoordinator } from "../../worker-shim/isr4j-worker.mjs"; // the ISR_COORDINATOR object

const never = () => new Promise(() => {});

const stuckD1 = {
  prepare() {
    const statement = { bind: () => statement, all: never, run: never, first: never, raw: never };
    return statement;
  },
  batch: never,
  exec: never,
};

export default {
  fetch(request, env, ctx) {
    return worker.fetch(request, { ...env, DB: stuckD1, NOPE: env.CACHE_KV }, ctx);
  },
};
