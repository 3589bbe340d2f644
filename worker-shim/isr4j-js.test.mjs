// The JS primitives the Java module calls (isr4j-js.mjs beside this file; sites get a copy in worker-shim/build/),
// on their own: what Java relies on them for, without a worker around them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as js from "./isr4j-js.mjs";
import * as noNodeFs from "./no-node-fs.mjs";

describe("isr4j's JS primitives", () => {
  it("doubleText writes a double as Java's Double.toString does", () => {
    const java = [
      [1, "1.0"], [0.1, "0.1"], [100, "100.0"], [123.456, "123.456"], [-2.5, "-2.5"],
      [9999999, "9999999.0"], [1e7, "1.0E7"], [12345678.9, "1.23456789E7"], [1e21, "1.0E21"],
      [0.001, "0.001"], [0.0001, "1.0E-4"], [1.5e-5, "1.5E-5"], [-0.00012, "-1.2E-4"],
      [0, "0.0"], [-0, "-0.0"], [NaN, "NaN"], [Infinity, "Infinity"], [-Infinity, "-Infinity"],
      [Number.MAX_VALUE, "1.7976931348623157E308"],
    ];
    for (const [v, text] of java) assert.equal(js.doubleText(v), text, `Double.toString(${v})`);
  });

  it("javaFrames reads a development build's named Wasm frames as Java frames, without the exception's own", () => {
    const stack = [
      "Error",
      "    at imports.teavm.takeStackTrace (file:///w/worker-shim/isr4j-worker.mjs:52:116)",
      "    at java.lang.Throwable::fillInStackTrace (wasm://wasm/002ee3f2:wasm-function[486]:0x1b8b6)",
      "    at java.lang.Throwable::<init>_0 (wasm://wasm/002ee3f2:wasm-function[88]:0xde6e)",
      "    at org.teavm.backend.wasm.runtime.WasmGCSupport::npe (wasm://wasm/002ee3f2:wasm-function[63]:0xd91e)",
      "    at dev.isr4j.example.FailureRoutes::lambda$register$3 (wasm://wasm/002ee3f2:wasm-function[2116]:0x530b5)",
      "    at dev.isr4j.example.FailureRoutes$register$lambda$_1_2::handle@caller (wasm://wasm/002ee3f2:wasm-function[2027]:0x4eb03)",
      "    at dev.isr4j.routing.Dispatcher::dispatch (wasm://wasm/002ee3f2:wasm-function[1507]:0x3febd)",
      "    at async Object.fetch (file:///w/worker-shim/isr4j-worker.mjs:90:7)",
    ].join("\n");
    assert.deepEqual(js.javaFrames(stack).map((f) => `${f.className}.${f.method}`), [
      "dev.isr4j.example.FailureRoutes.lambda$register$3",
      "dev.isr4j.example.FailureRoutes$register$lambda$_1_2.handle",
      "dev.isr4j.routing.Dispatcher.dispatch",
    ]);
    // a production build's frames have no names: nothing to read, TeaVM's own frames stay
    assert.deepEqual(js.javaFrames("Error\n    at wasm://wasm/002ee3f2:wasm-function[63]:0xd91e"), []);
  });

  it("kvDeadline passes a read that settles first and marks one that never does as timed out", async () => {
    assert.equal(await js.kvDeadline(Promise.resolve("found"), 60_000), "found");
    await assert.rejects(js.kvDeadline(Promise.reject(new Error("KV failed")), 60_000), /KV failed/);
    assert.deepEqual(await js.kvDeadline(new Promise(() => {}), 1), { isr4jTimedOut: true });
  });

  it("settle turns a promise into an outcome and hands a trap in the callbacks to trapped", async () => {
    const trapped = [];
    const ok = await new Promise((resolve) => js.settle(Promise.resolve(7), trapped.push.bind(trapped)).then(resolve, resolve));
    assert.deepEqual(ok, { ok: true, value: 7, error: null });
    const failed = await new Promise((resolve) => js.settle(Promise.reject(new Error("no")), () => {}).then(resolve, resolve));
    assert.deepEqual(failed, { ok: false, value: null, error: "no" });
    await new Promise((resolve) => js.settle(Promise.resolve(1), (e) => { trapped.push(e); resolve(); })
      .then(() => { throw new Error("trap"); }, () => {}));
    assert.equal(trapped.length, 1);
    assert.match(String(trapped[0]), /trap/);
  });

  it("respond builds the Response from framed fields: a value holding ':' or digits stays one field", async () => {
    const fields = [["content-type", "text/plain"], ["x-odd", "12:ab:3"], ["cache-control", "s-maxage=60"]];
    const text = fields.map(([n, v]) => `${n.length}:${n}${v.length}:${v}`).join("");
    const packed = new Int8Array(Buffer.from(text, "latin1"));
    const response = js.respond(203, packed, { value: new TextEncoder().encode("hi") });
    assert.equal(response.status, 203);
    assert.equal(response.headers.get("x-odd"), "12:ab:3");
    assert.equal(response.headers.get("cache-control"), "s-maxage=60");
    assert.equal(await response.text(), "hi");
  });

  it("frameHeaders frames each field with its lengths, so respond reads the same fields back", async () => {
    const headers = new Headers([["x-a", "1:2"], ["x-b", ""], ["x-c", "9"]]);
    const text = js.frameHeaders(headers);
    assert.equal(text, "3:x-a3:1:23:x-b0:3:x-c1:9");
    const response = js.respond(200, new Int8Array(Buffer.from(text, "latin1")), null);
    assert.deepEqual([...response.headers], [...headers]);
  });

  it("respond reuses the Headers of fields it has seen, and no answer's changes reach another", async () => {
    const frame = (fields) => new Int8Array(Buffer.from(fields.map(([n, v]) => `${n.length}:${n}${v.length}:${v}`).join(""), "latin1"));
    const answer = async (fields, keep = true) => js.respond(200, frame(fields), null, keep);
    const a = [["x-isr-cache", "HIT"], ["age", "1"], ["etag", '"a"']];
    const b = [["x-isr-cache", "HIT"], ["age", "2"], ["etag", '"b"']]; // the same length as a: only the text tells them apart
    const first = await answer(a);
    first.headers.set("age", "999");
    first.headers.append("set-cookie", "leak=1");
    for (const [fields, again] of [[b, await answer(b)], [a, await answer(a)], [b, await answer(b)]]) {
      assert.deepEqual([...again.headers], [...fields].sort(([x], [y]) => (x < y ? -1 : 1)));
    }
    for (let i = 0; i < 300; i++) await answer([["age", String(i)]]); // past the number kept: emptied, still right
    assert.deepEqual([...(await answer(b, false)).headers], [["age", "2"], ["etag", '"b"'], ["x-isr-cache", "HIT"]]);
    assert.deepEqual([...(await answer(a)).headers], [["age", "1"], ["etag", '"a"'], ["x-isr-cache", "HIT"]]);
  });

  it("nothingFound and kvPutOptions: what a read found and what a put sends", () => {
    for (const r of [null, undefined, { isr4jTimedOut: true }, { value: null }, {}]) assert.equal(js.nothingFound(r), true);
    assert.equal(js.nothingFound({ value: new ArrayBuffer(0), metadata: null }), false);
    assert.deepEqual(js.kvPutOptions(null, 0), {});
    assert.deepEqual(js.kvPutOptions('{"v":1}', 60), { metadata: { v: 1 }, expirationTtl: 60 });
  });

  it("every deadline gives its own late answer only when the work never settles", async () => {
    const never = () => new Promise(() => {});
    const cache = (r) => ({ match: () => r });
    assert.equal(await js.regionalRead(cache(never()), "k", 1), null, "a regional read past its deadline is absent");
    const stored = new Response(new Uint8Array([7]), { headers: { "x-isr4j-entry": encodeURIComponent('{"v":1}') } });
    const found = await js.regionalRead(cache(Promise.resolve(stored)), "k", 60_000);
    assert.deepEqual([found.metadata, found.tier, new Uint8Array(found.value)[0]], [{ v: 1 }, "regional", 7]);

    const ns = (fetch) => ({ idFromName: (n) => n, get: (id) => ({ fetch: (url, init) => fetch(id, init) }) });
    const calls = JSON.stringify([["a", "1"], ["b", "2"]]);
    await assert.rejects(js.coordinatorSend(ns(never), calls, 1), /no answer within 1 ms \(ISR_COORDINATOR_TIMEOUT_MS\)/);
    const answered = await js.coordinatorSend(ns(async (id, init) => new Response(id + init.body)), calls, 60_000);
    assert.equal(answered, JSON.stringify(["a1", "b2"]));

    const logged = [];
    const error = console.error;
    console.error = (line) => logged.push(line);
    try {
      assert.equal(await js.backgroundDeadline(never(), 1, "a write"), undefined);
      assert.equal(await js.backgroundDeadline(Promise.reject(new Error("x")), 60_000, "a failing write"), undefined);
      assert.equal(await js.backgroundDeadline(Promise.resolve("done"), 60_000, "a quick write"), "done");
    } finally {
      console.error = error;
    }
    assert.deepEqual(logged, ["[isr4j] a write gave up after 1 ms (ISR_BACKGROUND_TIMEOUT_MS), before waitUntil ends"]);
  });

  it("workersCacheCall passes ctx.cache what Java chose, and turns a throw into a rejection", async () => {
    const calls = [];
    const cache = {
      purge: async (what) => void calls.push(["purge", what]),
      invalidate: async (what) => void calls.push(["invalidate", what]),
    };
    await js.workersCacheCall(cache, "purge", "posts\npath:/api/posts/1");
    await js.workersCacheCall(cache, "invalidate", "layout:/blog");
    await js.workersCacheCall(cache, "purge", null);
    assert.deepEqual(calls, [
      ["purge", { tags: ["posts", "path:/api/posts/1"] }],
      ["invalidate", { tags: ["layout:/blog"] }],
      ["purge", { purgeEverything: true }],
    ]);
    const throwing = { purge: () => { throw new Error("not enabled"); } };
    await assert.rejects(js.workersCacheCall(throwing, "purge", "posts"), /not enabled/);
  });
});

describe("the node:fs/promises stand-in", () => {
  it("fails loudly if anything in the bundle ever calls it", () => {
    assert.throws(() => noNodeFs.readFile("x.wasm"), /node:fs\/promises is not available in workerd/);
    assert.throws(() => noNodeFs.default.open("x.wasm"), /not available/);
  });
});
