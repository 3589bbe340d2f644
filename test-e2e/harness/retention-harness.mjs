// Main module for test-e2e/retention.test.mjs: the isr4j shim, with every Response it answers registered in a
// FinalizationRegistry, so the test can count how many are still reachable once they were sent.
//   GET /__retention -> runs young-generation GCs (workerd must run V8 with --expose-gc), lets the finalizers
//                       run, and answers {answered, live}: Responses answered so far, and those still reachable.
import worker from "../../worker-java/fixtures/worker/isr4j-worker.mjs";
export { IsrCoordinator } from "../../worker-java/fixtures/worker/isr4j-worker.mjs"; // the ISR_COORDINATOR object

let answered = 0;
let live = 0;
const registry = new FinalizationRegistry(() => live--);

export default {
  async fetch(request, env, ctx) {
    if (new URL(request.url).pathname === "/__retention") {
      if (typeof gc !== "function") return new Response("retention harness: V8 needs --expose-gc\n", { status: 500 });
      // Minor GCs only: what survives them waits for a full GC, which memory outside V8's heap never prompts.
      gc({ type: "minor" });
      gc({ type: "minor" });
      await new Promise((resolve) => setTimeout(resolve, 50)); // finalizers run as a task of their own
      return Response.json({ answered, live });
    }
    const response = await worker.fetch(request, env, ctx);
    answered++;
    live++;
    registry.register(response, null);
    return response;
  },
};
