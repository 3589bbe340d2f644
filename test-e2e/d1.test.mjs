// Issue 26: D1 from Java in workerd. The example's D1Routes (binding DB) run over a D1 database Miniflare provides;
// its notes table and rows come from fixtures/d1-migrations, the files the JVM test (D1RoutesTest) applies through
// the test kit, so a row is answered as the same bytes in both (fixtures/d1-note.json). The Java side awaits each
// statement (one JS call per statement or batch) with a deadline, ISR_D1_TIMEOUT_MS.
//
// Each describe block runs its own worker, so its own D1 database. Cache writes happen in ctx.waitUntil, after
// the response: the cached route is polled with a deadline, never slept on.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { pollUntil, startWorker } from "./mf.mjs";
import { workerLogs } from "./worker-logs.mjs";
import { workerModules } from "./worker-modules.mjs";

const MIGRATIONS = new URL("./fixtures/d1-migrations/", import.meta.url);
const NOTE = readFileSync(new URL("./fixtures/d1-note.json", import.meta.url), "utf8").trim();
const HELLO = JSON.parse(NOTE);

/** The fixture's migrations in name order; D1's exec runs one statement a line, as the files are written. */
async function migrate(db) {
  for (const name of readdirSync(MIGRATIONS).filter((n) => n.endsWith(".sql")).sort()) {
    await db.exec(readFileSync(new URL(name, MIGRATIONS), "utf8"));
  }
}

function post(worker, path, body) {
  return worker.request(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

describe("D1 from Java in workerd (issue 26)", { timeout: 60_000 }, () => {
  let worker;
  let db;
  const logs = workerLogs();
  before(async () => {
    worker = await startWorker({ miniflare: { d1Databases: ["DB"], handleRuntimeStdio: logs.handleRuntimeStdio } });
    db = await worker.mf.getD1Database("DB");
    await migrate(db);
  });
  after(async () => {
    await worker?.dispose();
  });

  it("a row is answered as its record's JSON, the bytes the test kit answers for the same row", async () => {
    const r = await worker.request("/api/d1/notes/hello");
    assert.equal(r.status, 200, r.summary());
    assert.equal(r.headers.get("content-type"), "application/json");
    assert.equal(r.text, NOTE);
    const plain = await worker.request("/api/d1/notes/plain");
    assert.equal(plain.text, '{"id":2,"slug":"plain","title":"No body","body":null,"score":0,"pinned":0}');
    const none = await worker.request("/api/d1/notes/none");
    assert.equal(none.status, 404, none.summary());
    assert.equal(none.text, "no note none");
  });

  it("a write answers the row id it inserted and the rows it changed, and the row is in D1", async () => {
    const first = await post(worker, "/api/d1/notes", { slug: "written-1", title: "One", body: null });
    assert.equal(first.status, 201, first.summary());
    const row = await db.prepare("SELECT id, title FROM notes WHERE slug = ?").bind("written-1").first();
    assert.deepEqual(first.json(), { id: row.id, changes: 1 });
    assert.equal(row.title, "One");
    const second = await post(worker, "/api/d1/notes", { slug: "written-2", title: "Two", body: "b" });
    assert.deepEqual(second.json(), { id: row.id + 1, changes: 1 });
  });

  it("parameters are values, never SQL", async () => {
    const hostile = "x' OR '1'='1";
    const lookup = await worker.request(`/api/d1/notes/${encodeURIComponent(hostile)}`);
    assert.equal(lookup.status, 404, `as SQL it would have found a note: ${lookup.summary()}`);
    const slug = "a' OR '1'='1";
    const title = "'); DROP TABLE notes; --";
    const written = await post(worker, "/api/d1/notes", { slug, title, body: null });
    assert.equal(written.status, 201, written.summary());
    const back = await worker.request(`/api/d1/notes/${encodeURIComponent(slug)}`);
    assert.equal(back.status, 200, back.summary());
    assert.deepEqual([back.json().slug, back.json().title], [slug, title]);
    assert.equal((await worker.request("/api/d1/notes/hello")).text, NOTE, "the table is still there, unchanged");
  });

  it("a batch writes every note, or none when one fails", async () => {
    const done = await post(worker, "/api/d1/batch", { notes: [{ slug: "b-1", title: "B1" }, { slug: "b-2", title: "B2" }] });
    assert.equal(done.status, 200, done.summary());
    const ids = await db.prepare("SELECT id FROM notes WHERE slug IN ('b-1', 'b-2') ORDER BY id").all();
    assert.deepEqual(done.json(), ids.results.map((r) => ({ id: r.id, changes: 1 })));

    const failed = await post(worker, "/api/d1/batch", { notes: [{ slug: "b-3", title: "B3" }, { slug: "hello", title: "taken" }] });
    assert.equal(failed.status, 500, failed.summary());
    await logs.waitFor(["[isr4j] handler for POST /api/d1/batch (/api/d1/batch) failed: dev.isr4j.D1Exception: D1 DB: "
      + "D1_ERROR: UNIQUE constraint failed: notes.slug"]);
    assert.equal(await db.prepare("SELECT count(*) AS n FROM notes WHERE slug = 'b-3'").first("n"), 0, "b-3 rolled back");
  });

  const FAILURES = {
    syntax: 'D1 DB: D1_ERROR: near "SELEC": syntax error',
    table: "D1 DB: D1_ERROR: no such table: no_such_table: SQLITE_ERROR",
    constraint: "D1 DB: D1_ERROR: UNIQUE constraint failed: notes.slug: SQLITE_CONSTRAINT",
    unbound: 'D1 NOPE: no D1 database is bound as "NOPE": add it to d1_databases in wrangler.jsonc',
  };
  for (const [kind, message] of Object.entries(FAILURES)) {
    it(`GET /api/d1/fail/${kind} is the short 500, logged with D1's message, and the isolate serves on`, async () => {
      const r = await worker.request(`/api/d1/fail/${kind}`);
      assert.equal(r.status, 500, r.summary());
      assert.equal(r.text, "Internal Server Error");
      const line = await logs.waitFor([`[isr4j] handler for GET /api/d1/fail/{kind} (/api/d1/fail/${kind}) failed: `
        + `dev.isr4j.D1Exception: ${message}`]);
      assert.ok(!line.includes("caused by"), `D1's message once, not again as a cause: ${line}`);
      assert.equal((await worker.request("/api/d1/notes/hello")).status, 200, "D1 still answers");
    });
  }

  it("a route reading D1 is cached like any other: a MISS, then a HIT that does not read D1", async () => {
    const miss = await worker.request("/api/d1/cached/plain");
    assert.equal(miss.status, 200, miss.summary());
    assert.equal(miss.isr, "MISS", miss.summary());
    const hit = await pollUntil(() => worker.request("/api/d1/cached/plain"), (r) => r.isr === "HIT",
      { what: "a HIT on /api/d1/cached/plain" });
    assert.equal(hit.text, miss.text);
    await db.prepare("UPDATE notes SET title = ? WHERE slug = ?").bind("Changed in D1", "plain").run();
    const still = await worker.request("/api/d1/cached/plain");
    assert.equal(still.isr, "HIT", still.summary());
    assert.equal(still.text, miss.text, "the cached answer stands until the route revalidates");
    assert.equal((await worker.request("/api/d1/notes/plain")).json().title, "Changed in D1", "the uncached route reads D1");
  });
});

describe("a D1 database that never answers, and a binding that is no database", { timeout: 60_000 }, () => {
  const DEADLINE_MS = 300;
  let worker;
  const logs = workerLogs();
  before(async () => {
    worker = await startWorker({
      vars: { ISR_D1_TIMEOUT_MS: String(DEADLINE_MS) },
      miniflare: { modules: workerModules("test-e2e/harness/stuck-d1-harness.mjs"), handleRuntimeStdio: logs.handleRuntimeStdio },
    });
  });
  after(async () => {
    await worker?.dispose();
  });

  it("a statement past ISR_D1_TIMEOUT_MS is a 500 saying so, never a request left hanging", { timeout: 15_000 }, async () => {
    const r = await worker.request("/api/d1/notes/hello");
    assert.equal(r.status, 500, r.summary());
    await logs.waitFor(["[isr4j] handler for GET /api/d1/notes/{slug} (/api/d1/notes/hello) failed: dev.isr4j.D1Exception: "
      + `D1 DB: D1 gave no answer within ${DEADLINE_MS} ms (ISR_D1_TIMEOUT_MS)`]);
    const batch = await post(worker, "/api/d1/batch", { notes: [{ slug: "s", title: "S" }] });
    assert.equal(batch.status, 500, batch.summary());
    await logs.waitFor(["[isr4j] handler for POST /api/d1/batch (/api/d1/batch) failed: dev.isr4j.D1Exception: "
      + `D1 DB: D1 gave no answer within ${DEADLINE_MS} ms (ISR_D1_TIMEOUT_MS)`]);
    assert.equal((await worker.request("/api/hello")).status, 200, "the isolate serves on");
  });

  it("a binding that is there but is not a D1 database names itself", async () => {
    const r = await worker.request("/api/d1/fail/unbound");
    assert.equal(r.status, 500, r.summary());
    await logs.waitFor(["[isr4j] handler for GET /api/d1/fail/{kind} (/api/d1/fail/unbound) failed: dev.isr4j.D1Exception: "
      + 'D1 NOPE: "NOPE" is bound, but not to a D1 database: bind one under d1_databases in wrangler.jsonc']);
  });
});
