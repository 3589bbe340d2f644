// The D1 primitives (isr4j-js.mjs d1Run, d1Batch) against a fake D1 binding: what Java's JsSqlDatabase relies on.
// One call per statement or batch; the promise never rejects and fulfils with the outcome's JSON text
// ({"results", "changes", "lastRowId"}) or "!" and D1's message; a database that never answers is answered for
// by the deadline.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as js from "./isr4j-js.mjs";

/** A D1 binding that records what it is asked and answers `answer(sql, args)` (a value, a promise or a throw). */
function fakeD1(answer) {
  const calls = [];
  const statement = (sql, args = []) => ({
    sql,
    args,
    bind: (...bound) => {
      calls.push(["bind", sql, bound]);
      return statement(sql, bound);
    },
    all: () => {
      calls.push(["all", sql, args]);
      return answer(sql, args);
    },
  });
  return {
    calls,
    prepare: (sql) => {
      calls.push(["prepare", sql]);
      return statement(sql);
    },
    batch: (statements) => {
      calls.push(["batch", statements.map((s) => [s.sql, s.args])]);
      return answer("batch", statements);
    },
  };
}

/** Fulfils with the promise's outcome, and fails the test if it rejects: the primitives never may. */
function neverRejects(p) {
  return p.then((v) => v, (e) => assert.fail(`the promise rejected: ${e}`));
}

const meta = (changes, lastRowId) => ({ served_by: "fake", duration: 1, changes, last_row_id: lastRowId, rows_read: 1 });

describe("isr4j's D1 primitives", () => {
  it("d1Run binds the JSON parameters in order and writes results, meta.changes and meta.last_row_id", async () => {
    const db = fakeD1(async () => ({ success: true, results: [{ id: 7, title: "Hi", score: 1.5, body: null }], meta: meta(2, 9) }));
    const text = await neverRejects(js.d1Run(db, "SELECT * FROM notes WHERE slug = ? AND n > ?", '["a\' OR \'1\'=\'1", 3, null, 1.5]', 60_000));
    assert.equal(text, '{"results":[{"id":7,"title":"Hi","score":1.5,"body":null}],"changes":2,"lastRowId":9}');
    assert.deepEqual(db.calls, [
      ["prepare", "SELECT * FROM notes WHERE slug = ? AND n > ?"],
      ["bind", "SELECT * FROM notes WHERE slug = ? AND n > ?", ["a' OR '1'='1", 3, null, 1.5]],
      ["all", "SELECT * FROM notes WHERE slug = ? AND n > ?", ["a' OR '1'='1", 3, null, 1.5]],
    ]);
  });

  it("changes and lastRowId are never swapped, and missing meta or results read as none", async () => {
    const inserted = await js.d1Run(fakeD1(async () => ({ results: [], meta: meta(1, 42) })), "INSERT", "[]", 60_000);
    assert.deepEqual(JSON.parse(inserted), { results: [], changes: 1, lastRowId: 42 });
    const bare = await js.d1Run(fakeD1(async () => ({})), "CREATE TABLE t (x)", "[]", 60_000);
    assert.deepEqual(JSON.parse(bare), { results: [], changes: 0, lastRowId: 0 });
  });

  it("BLOBs, as an ArrayBuffer or a view, become the numbers of their bytes, as JdbcSqlDatabase writes them", async () => {
    const bytes = new Uint8Array([0, 1, 127, 128, 255]);
    const db = fakeD1(async () => ({
      results: [{ a: bytes.buffer, b: new Uint8Array(bytes.buffer, 1, 3), c: [9, 8], d: "text" }],
      meta: meta(0, 0),
    }));
    const outcome = JSON.parse(await js.d1Run(db, "SELECT", "[]", 60_000));
    assert.deepEqual(outcome.results, [{ a: [0, 1, 127, 128, 255], b: [1, 127, 128], c: [9, 8], d: "text" }]);
  });

  it("a failure fulfils with '!' and D1's message: a rejection, or a throw while preparing or binding", async () => {
    const rejecting = fakeD1(async () => {
      throw new Error("D1_ERROR: no such table: x: SQLITE_ERROR");
    });
    assert.equal(await neverRejects(js.d1Run(rejecting, "SELECT * FROM x", "[]", 60_000)),
      "!D1_ERROR: no such table: x: SQLITE_ERROR");
    const throwing = fakeD1(() => {
      throw new TypeError("D1_TYPE_ERROR: Type 'object' not supported");
    });
    assert.equal(await neverRejects(js.d1Run(throwing, "SELECT ?", "[{}]", 60_000)),
      "!D1_TYPE_ERROR: Type 'object' not supported");
    const unpreparable = { prepare: () => { throw new Error("D1_ERROR: prepare failed"); }, batch: () => {} };
    assert.equal(await neverRejects(js.d1Run(unpreparable, "x", "[]", 60_000)), "!D1_ERROR: prepare failed");
    assert.equal(await neverRejects(js.d1Run(fakeD1(() => Promise.reject("plain")), "x", "[]", 60_000)), "!plain");
  });

  it("a database that never answers is answered for by the deadline, naming it", async () => {
    const stuck = fakeD1(() => new Promise(() => {}));
    assert.equal(await neverRejects(js.d1Run(stuck, "SELECT 1", "[]", 5)),
      "!D1 gave no answer within 5 ms (ISR_D1_TIMEOUT_MS)");
    assert.equal(await neverRejects(js.d1Batch(stuck, '[["SELECT 1",[]]]', 5)),
      "!D1 gave no answer within 5 ms (ISR_D1_TIMEOUT_MS)");
  });

  it("d1Batch prepares every statement with its parameters, runs them as one batch, one outcome a line", async () => {
    const db = fakeD1(async (sql, statements) => statements.map((s, i) => ({
      results: i === 1 ? [{ note: "two\nlines", n: s.args[0] }] : [],
      meta: meta(1, 10 + i),
    })));
    const statements = JSON.stringify([["INSERT INTO t VALUES (?)", ["a"]], ["SELECT ? AS n", [2]], ["DELETE FROM t", []]]);
    const lines = (await neverRejects(js.d1Batch(db, statements, 60_000))).split("\n");
    assert.deepEqual(lines.map((l) => JSON.parse(l)), [
      { results: [], changes: 1, lastRowId: 10 },
      { results: [{ note: "two\nlines", n: 2 }], changes: 1, lastRowId: 11 },
      { results: [], changes: 1, lastRowId: 12 },
    ]);
    assert.deepEqual(db.calls.filter(([what]) => what === "batch"), [["batch", [
      ["INSERT INTO t VALUES (?)", ["a"]], ["SELECT ? AS n", [2]], ["DELETE FROM t", []]]]]);
    const failing = fakeD1(async () => {
      throw new Error("D1_ERROR: UNIQUE constraint failed: t.slug: SQLITE_CONSTRAINT");
    });
    assert.equal(await neverRejects(js.d1Batch(failing, statements, 60_000)),
      "!D1_ERROR: UNIQUE constraint failed: t.slug: SQLITE_CONSTRAINT");
  });
});
