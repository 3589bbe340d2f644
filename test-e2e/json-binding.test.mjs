// Issue 25: records in and out as JSON in workerd. The JVM test kit gets the same fixture and expects the
// same bytes (worker-java/fixtures/src/test/java/dev/isr4j/fixtures/JsonRoutesTest.java).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { startWorker, pollUntil } from "./mf.mjs";

const PRODUCT = readFileSync(new URL("./fixtures/product.json", import.meta.url), "utf8").trim();

describe("a record round-trips through a route", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker();
  });
  after(async () => {
    await worker?.dispose();
  });

  const post = (body) =>
    worker.request("/api/products/echo", { method: "POST", headers: { "content-type": "application/json" }, body });

  it("comes back byte for byte: a decimal's scale, a long past 2^53, an instant, an enum, nested records, a null", async () => {
    const r = await post(PRODUCT);
    assert.equal(r.status, 200, r.summary());
    assert.equal(r.headers.get("content-type"), "application/json");
    assert.equal(r.text, PRODUCT);
  });

  it("a mistyped member is a 400 naming it, never a 500", async () => {
    const r = await post('{"id":"x","price":"cheap"}');
    assert.equal(r.status, 400, r.summary());
    assert.match(r.text, /\$\.price: expected a number, found a string/);
    assert.equal(r.headers.get("cache-control"), "private, no-store");
  });

  it("truncated JSON is a 400 saying where it ends", async () => {
    const r = await post('{"id":"x","suppliers":[{"name":');
    assert.equal(r.status, 400, r.summary());
    assert.match(r.text, /\$\.suppliers\[0\]\.name: expected a string, found the end of the text/);
  });

  it("hostile nesting is a 400, not a crashed isolate", async () => {
    const deep = "[".repeat(50_000) + "]".repeat(50_000);
    const r = await post(`{"id":"x","extra":${deep}}`);
    assert.equal(r.status, 400, r.summary());
    assert.match(r.text, /nested deeper than 256 levels/);
    const after = await post(PRODUCT);
    assert.equal(after.status, 200);
  });
});

describe("a typed page: a record as props, a jte template, in workerd", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker();
  });
  after(async () => {
    await worker?.dispose();
  });

  it("renders the record's fields with markup escaped, is a HIT next time, and its data route is the record's JSON", async () => {
    const first = await worker.request("/catalogue/xss-1");
    assert.equal(first.status, 200, first.summary());
    assert.match(first.text, /<h1>&lt;script&gt;alert\("owned"\)&lt;\/script&gt; mug<\/h1>/);
    assert.doesNotMatch(first.text, /<script>/);
    assert.match(first.text, /7\.50 EUR, 3 in stock, FOOD/);
    const second = await pollUntil(() => worker.request("/catalogue/xss-1"), (r) => r.isr === "HIT", { what: "HIT" });
    assert.equal(second.text, first.text);
    const data = await worker.request("/_isr/data/catalogue/xss-1.json");
    assert.equal(data.status, 200, data.summary());
    assert.deepEqual(JSON.parse(data.text), {
      id: "xss-1", name: '<script>alert("owned")</script> mug', price: 7.5, stockUnits: 3,
      listedAt: "2026-12-02T12:00:00Z", category: "FOOD", suppliers: [], note: "Dishwasher safe <b>if</b> you trust it",
    });
    assert.match(data.text, /"price":7\.50,/); // the decimal's scale, as the record holds it
  });

  it("a static path is prerendered at build time: a HIT from the first request", async () => {
    const r = await worker.request("/catalogue/saw-1");
    assert.equal(r.status, 200, r.summary());
    assert.equal(r.isr, "HIT");
    assert.match(r.text, /Japanese pull saw/);
    assert.match(r.text, /Bolt &amp; Co \(FR\)/);
  });
});
