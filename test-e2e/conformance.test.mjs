// Conformance: the Wasm build under Miniflare runs the same script as the JVM test kit
// (test-e2e/conformance/scenarios.json, worker-java/fixtures ConformanceTest). Each side checks the script's
// expectations and, independently of them, records everything every step showed (record() here and in
// ConformanceTest); the last test diffs the two recordings, so a difference the script does not expect still
// fails. Background work settles after each step (the harness awaits every ctx.waitUntil promise); the harness's
// clock stands still but for "advance" steps, which move it as the JVM test kit moves its manual clock.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { Miniflare } from "miniflare";
import { fromRoot, workerModules } from "./worker-modules.mjs";

const script = JSON.parse(readFileSync(fromRoot("test-e2e/conformance/scenarios.json"), "utf8"));
const JVM_OBSERVED = fromRoot("worker-java/fixtures/target/conformance-jvm.json");

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

/** Headers whose values both runtimes must agree on (as ConformanceTest.RECORDED). */
const RECORDED = ["x-isr-cache", "cache-control", "allow", "content-type", "cache-tag"];
/** Headers both runtimes must agree to send or not (as ConformanceTest.PRESENT). */
const PRESENT = ["age", "etag", "last-modified", "set-cookie", "location"];

/** Everything a step showed, whatever the script expects of it: the same fields as ConformanceTest.record. */
function record(result, earlier, kvKeys) {
  const seen = { status: result.status };
  for (const name of RECORDED) seen[name] = result.headers[name] ?? null;
  for (const name of PRESENT) seen[`${name}?`] = result.headers[name] !== undefined;
  const status = result.headers["cache-status"];
  seen["cache-status"] = status === undefined ? null : status.replace(/ttl=-\d+/, "ttl=-").replace(/ttl=\d+/, "ttl=+");
  seen["bodyLength>0"] = result.body.length > 0;
  let same = null;
  for (const [i, body] of earlier) {
    if (body.equals(result.body)) {
      same = i;
      break;
    }
  }
  seen.bodyAsStep = same;
  seen.kv = kvKeys;
  return seen;
}

describe("conformance: the Wasm build runs the shared script like the JVM test kit", { timeout: 120_000 }, () => {
  const recordedAll = {};

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
        const recordings = [];
        recordedAll[scenario.name] = recordings;
        for (const [i, step] of scenario.steps.entries()) {
          if (step.advance !== undefined) {
            const moved = await mf.dispatchFetch("http://localhost/advance", {
              method: "POST",
              body: JSON.stringify({ ms: Math.round(step.advance * 1000) }),
            });
            assert.equal(moved.status, 200, await moved.text());
            recordings.push(null);
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
          const seen = observe(result, step.expect, bodies);
          recordings.push(record(result, bodies, report.kvKeys));
          bodies.set(i, result.body);
          assert.deepEqual(seen, expected(step.expect), `step ${i} (${step.request})`);
        }
      });
    });
  }

  it("recorded exactly what the JVM test kit recorded, step by step", () => {
    assert.ok(existsSync(JVM_OBSERVED), `${JVM_OBSERVED} is missing: mvn package writes it (ConformanceTest); npm test runs it first`);
    const jvm = JSON.parse(readFileSync(JVM_OBSERVED, "utf8"));
    for (const scenario of script.scenarios) {
      const wasm = recordedAll[scenario.name];
      assert.ok(wasm, `${scenario.name}: not run in workerd`);
      for (const [i, step] of scenario.steps.entries()) {
        assert.deepEqual(wasm[i], jvm[scenario.name][i], `${scenario.name} / step ${i} (${step.request ?? `advance ${step.advance}`}): workerd (actual) vs JVM (expected)`);
      }
    }
  });
});
