// Main module for tests that check what a request did NOT store: each answer is held back until the
// request's background work (every promise it gave ctx.waitUntil) has settled, so by the time the test sees the
// answer, any cache write the request was going to make has been made.
import worker from "../../worker-java/fixtures/worker/isr4j-worker.mjs";

export default {
  async fetch(request, env, ctx) {
    const pending = [];
    const recording = {
      waitUntil(promise) {
        pending.push(promise);
        ctx.waitUntil(promise);
      },
      passThroughOnException: () => ctx.passThroughOnException(),
    };
    const response = await worker.fetch(request, env, recording);
    const body = await response.arrayBuffer();
    // Background work may register more background work while it runs.
    for (let settled = 0; settled < pending.length; settled++) await Promise.allSettled([pending[settled]]);
    return new Response(request.method === "HEAD" ? null : body, response);
  },
};
