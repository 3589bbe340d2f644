// Conformance: the Wasm build under Miniflare runs the same script as the JVM test kit
// (test-e2e/conformance/scenarios.json, worker-java/example ConformanceTest) and must observe the same
// outcomes. Background work settles after each step (the harness awaits every ctx.waitUntil promise);
// "advance" steps wait for the wall clock, which workerd cannot be told to move.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { Miniflare } from "miniflare";
import { fromRoot, workerModules } from "./worker-modules.mjs";

const script = JSON.parse(readFileSync(fromRoot("test-e2e/conformance/scenarios.json"), "utf8"));
const JVM_OBSERVED = fromRoot("worker-java/example/target/conformance-jvm.json");

async function startHarness() {
  const mf = new Miniflare({
    modules: workerModules("test-e2e/harness/step-harness.mjs"),
    modulesRoot: fromRoot(""),
    compatibilityDate: "2025-06-01",
    cf: false,
    kvNamespaces: ["CACHE_KV"],
    bindings: { ISR_MODE: "production", ...script.vars },
  });
  await mf.ready;
  return mf;
}

function observe(step, expect, bodies) {
  const seen = {};
  for (const key of Object.keys(expect)) {
    if (key === "status") seen[key] = step.status;
    else if (key === "bodyEmpty") seen[key] = step.body.length === 0;
    else if (key === "sameBodyAs") seen[key] = step.body.equals(bodies.get(expect[key]));
    else if (key === "differentBodyFrom") seen[key] = !step.body.equals(bodies.get(expect[key]));
    else seen[key] = step.headers[key] ?? null;
  }
  return seen;
}

function expected(expect) {
  const want = {};
  for (const [key, value] of Object.entries(expect)) {
    want[key] = key === "sameBodyAs" || key === "differentBodyFrom" ? true : value;
  }
  return want;
}

describe("conformance: the Wasm build runs the shared script like the JVM test kit", { timeout: 120_000 }, () => {
  const observedAll = {};
  after(() => {
    // Compared once every scenario ran: the JVM observations come from `mvn package` (ConformanceTest).
  });

  for (const scenario of script.scenarios) {
    describe(scenario.name, () => {
      let mf;
      before(async () => {
        mf = await startHarness();
      });
      after(async () => {
        await mf?.dispose();
      });

      it("observes what the script expects, step by step", async () => {
        const bodies = new Map();
        const observations = [];
        for (const [i, step] of scenario.steps.entries()) {
          if (step.advance !== undefined) {
            await sleep(Math.ceil(step.advance * 1000)); // a clock move, not a wait for background work
            observations.push(null);
            continue;
          }
          const [method, path] = step.request.split(" ");
          const res = await mf.dispatchFetch("http://localhost/step", {
            method: "POST",
            body: JSON.stringify({ method, path, headers: step.headers }),
          });
          const report = await res.json();
          assert.equal(report.settled, true, `step ${i} (${step.request}): background work did not settle`);
          const result = { status: report.status, headers: report.headers, body: Buffer.from(report.body, "base64") };
          bodies.set(i, result.body);
          const seen = observe(result, step.expect, bodies);
          observations.push(seen);
          assert.deepEqual(seen, expected(step.expect), `step ${i} (${step.request})`);
        }
        observedAll[scenario.name] = observations;
      });
    });
  }

  it("observed exactly what the JVM test kit observed", { skip: !existsSync(JVM_OBSERVED) && "run mvn package first" }, () => {
    const jvm = JSON.parse(readFileSync(JVM_OBSERVED, "utf8"));
    assert.deepEqual(observedAll, jvm);
  });
});
