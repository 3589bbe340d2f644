// The benchmark's smoke mode under node's test runner: every benchmark worker (isr4j, the floor, the
// vinext peer, the null worker), with the real local KV and with the in-memory stand-in, answers every
// scenario correctly, and a tiny stampede (2 isolates, a hard revalidation) runs and reports. No wrk, no timing.
// Same as `npm run bench:smoke`.
// Installs the benchmark's pinned npm dependencies (test-e2e/bench/package.json) when they are missing.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { smoke } from "./bench/lib/smoke.mjs";
import { parseWrkOutput } from "./bench/lib/wrk.mjs";

describe("benchmark", { timeout: 300_000 }, () => {
  it("every worker answers every scenario correctly (smoke)", async () => {
    const checks = await smoke();
    assert.ok(checks.length >= 19, `expected at least 19 checks, got ${checks.length}`);
    assert.ok(checks.some((c) => c.startsWith("stampede:")), "the stampede scenario's check ran");
  });

  it("reads wrk's report", () => {
    const report = `Running 3s test @ http://127.0.0.1:4000/api/large
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.52ms  805.12us  22.31ms   91.02%
    Req/Sec     5.40k   312.45     5.91k    70.00%
  Latency Distribution
     50%  850.00us
     75%    1.62ms
     90%    2.01ms
     99%    1.20s
  32259 requests in 3.00s, 6.31MB read
  Non-2xx or 3xx responses: 3
  Socket errors: connect 0, read 1, write 0, timeout 2
Requests/sec:  10752.33
Transfer/sec:      2.10MB
BENCH_CACHE {"HIT":0,"STALE":32259,"MISS":0,"none":0,"non200":3}
`;
    const r = parseWrkOutput(report);
    assert.equal(r.requests, 32259);
    assert.equal(r.seconds, 3);
    assert.equal(r.rps, 10752.33);
    assert.deepEqual(r.latencyMs, { avg: 1.52, p50: 0.85, p75: 1.62, p90: 2.01, p99: 1200 });
    assert.equal(r.non2xx, 3);
    assert.deepEqual(r.socketErrors, { connect: 0, read: 1, write: 0, timeout: 2 });
    assert.deepEqual(r.cache, { HIT: 0, STALE: 32259, MISS: 0, none: 0, non200: 3 });
  });
});
