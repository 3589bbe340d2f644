// Conformance harness: the main module of its own Miniflare worker. Each POST /step runs one request
// through the isr4j shim with the real env and a ctx that records ctx.waitUntil promises, then awaits
// every recorded promise before answering - so background work (MISS writes, regenerations) has settled
// before the next step, exactly as the JVM test kit drains its queue. One step is one harness request, so no
// promise crosses from one request context to another.
//
// The clock stands still between steps, as the JVM test kit's manual clock does: POST /advance {ms} moves it
// (the script's "advance" steps). So a step's state never depends on how long the steps before it took: a
// 1-second route's HIT right after its MISS is a HIT on any machine. Date is replaced for everything in this
// isolate (the shim, TeaVM's currentTimeMillis, its timers' targets); timers themselves still run in real time.
import worker from "../../worker-java/fixtures/worker/isr4j-worker.mjs";
export { IsrCoordinator } from "../../worker-java/fixtures/worker/isr4j-worker.mjs"; // the ISR_COORDINATOR object

const RealDate = Date;
let now = RealDate.now();
globalThis.Date = class SteppedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(now);
    else super(...args);
  }

  static now() {
    return now;
  }
};

/** Bound on how long a step may wait for its background work. */
const SETTLE_DEADLINE_MS = 10_000;

async function settle(recorded) {
  const deadline = new Promise((resolve) => setTimeout(() => resolve("timeout"), SETTLE_DEADLINE_MS));
  // Background work may register more background work while it runs: loop until nothing new appears.
  for (let settled = 0; settled < recorded.length; ) {
    const upTo = recorded.length;
    const outcome = await Promise.race([Promise.allSettled(recorded.slice(settled, upTo)), deadline]);
    if (outcome === "timeout") return false;
    settled = upTo;
  }
  return true;
}

function base64(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (request.method === "POST" && url.pathname === "/advance") {
      now += (await request.json()).ms;
      return Response.json({ now });
    }
    if (request.method !== "POST" || url.pathname !== "/step") return new Response("not a harness route", { status: 404 });
    const { method, path, headers = {} } = await request.json();
    const recorded = [];
    const ctx = { waitUntil: (p) => void recorded.push(p), passThroughOnException() {} };
    const response = await worker.fetch(new Request(new URL(path, "http://localhost"), { method, headers }), env, ctx);
    const body = new Uint8Array(await response.arrayBuffer());
    const settled = await settle(recorded);
    const kvKeys = [];
    for (let cursor; ; ) {
      const page = await env.CACHE_KV.list(cursor ? { cursor } : {});
      kvKeys.push(...page.keys.map((k) => k.name));
      if (page.list_complete) break;
      cursor = page.cursor;
    }
    return Response.json({
      kvKeys,
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: base64(body),
      backgroundTasks: recorded.length,
      settled,
    });
  },
};
