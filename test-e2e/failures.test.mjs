// Issue 11: every handler failure is the same short 500 in workerd as on the JVM, logged with method, route
// and what failed, including failures TeaVM's Wasm turns into traps (a stack overflow); the isolate keeps
// serving afterwards. The routes are the fixture app's /api/fail/{kind} (FailureRoutes.java).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { AUTH, WITH_SECRET, startWorker } from "./mf.mjs";
import { workerLogs } from "./worker-logs.mjs";

const FAILURES = {
  // TeaVM's exceptions carry no message; the log says what the JVM's would (issue 25)
  null: "java.lang.NullPointerException: a null reference was used",
  index: "java.lang.ArrayIndexOutOfBoundsException: an array index outside the array",
  cast: "java.lang.ClassCastException: a value cast to a class it is not an instance of",
  stack: "java.lang.StackOverflowError",
  "stack-after-read": "java.lang.StackOverflowError",
  "json-null": "java.lang.IllegalArgumentException: Response.json(null)",
  cached: "java.lang.IllegalStateException: the cached computation failed on purpose",
  // the same words as the JVM test kit's (FailureRoutesTest): a value the binding cannot write fails alike
  unbound: "dev.isr4j.bind.JsonBindingException: cannot bind dev.isr4j.fixtures.FailureRoutes$NotBound to JSON",
  throw: "java.lang.IllegalStateException: this handler fails on purpose",
};

describe("handler failures in workerd (issue 11)", { timeout: 60_000 }, () => {
  let worker;
  const logs = workerLogs();
  before(async () => {
    worker = await startWorker({ vars: WITH_SECRET, miniflare: { handleRuntimeStdio: logs.handleRuntimeStdio } });
  });
  after(async () => {
    await worker?.dispose();
  });

  for (const [kind, failure] of Object.entries(FAILURES)) {
    it(`GET /api/fail/${kind} answers the short 500, logs "${failure}", and the next requests are served`, async () => {
      const r = await worker.request(`/api/fail/${kind}`);
      assert.equal(r.status, 500, r.summary());
      assert.equal(r.text, "Internal Server Error", r.summary());
      assert.equal(r.headers.get("content-type"), "text/plain; charset=utf-8");
      await logs.waitFor([`[isr4j] handler for GET /api/fail/{kind} (/api/fail/${kind}) failed: ${failure}`]);

      const hello = await worker.request("/api/hello");
      assert.equal(hello.status, 200, `a plain request after the failure: ${hello.summary()}`);
      // One that suspends on a KV read: the green-thread scheduler still resumes threads after the failure.
      const read = await worker.request("/api/kv/absent-after-failure", { headers: AUTH });
      assert.equal(read.status, 404, `a KV read after the failure: ${read.summary()}`);
      assert.deepEqual(read.json(), { error: "not found", key: "absent-after-failure" });
    });
  }

  it("a background task that overflows its stack is logged, and its request's answer stands", async () => {
    const r = await worker.request("/api/fail/stack-in-background");
    assert.equal(r.status, 200, r.summary());
    assert.equal(r.text, "answered; the background task will fail");
    await logs.waitFor(["[isr4j] background task failed: java.lang.StackOverflowError"]);
    assert.equal((await worker.request("/api/hello")).status, 200);
  });

  it("several failures in a row, interleaved with reads, leave the isolate serving", async () => {
    const answers = await Promise.all(
      ["stack", "null", "stack-after-read", "index", "stack"].map((kind) => worker.request(`/api/fail/${kind}`)),
    );
    assert.deepEqual(answers.map((r) => r.status), [500, 500, 500, 500, 500]);
    const reads = await Promise.all([1, 2, 3].map((i) => worker.request(`/api/kv/after-burst-${i}`, { headers: AUTH })));
    assert.deepEqual(reads.map((r) => r.status), [404, 404, 404]);
  });
});
