// The isolate memory tier's JS half (isr4j-js.mjs): answers Java issued a ticket for, replayed for requests of the
// same shape until the ticket's time, with Age and the Cache-Status ttl filled as the ticket says. Each field of a
// ticket is shown to matter: a replay that ignored one would fail here.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import * as js from "./isr4j-js.mjs";

const NOW = 1_700_000_000_000;
const URL_A = "https://site.example/posts/a?x=1";
const PREFIX = "isr4j; hit; ttl=";

/** Header fields framed as Java's HeaderFraming lays them out, as the Int8Array Java hands over. */
function packed(fields) {
  let t = "";
  for (const [name, value] of fields) t += name.length + ":" + name + value.length + ":" + value;
  return new Int8Array(Array.from(t, (c) => c.charCodeAt(0)));
}

const FIELDS = [
  ["content-type", "text/html; charset=utf-8"], ["etag", "\"abc\""], ["x-isr-cache", "HIT"],
  ["cache-control", "s-maxage=60, stale-while-revalidate=31535940"], ["cache-status", PREFIX + "58"], ["age", "2"],
  ["cache-tag", "posts,_N_T_/posts/a"],
];

function request(url = URL_A, method = "GET", headers = {}) {
  return { method, url, headers: new Headers(headers) };
}

/** Issues a ticket as Java does: a 2.5 s old entry, fresh for 60 s, ticket void in 5 s. */
function issue({ req = request(), status = 200, fields = FIELDS, body = "<p>hello</p>", until = NOW + 5_000,
  ageFrom = NOW - 2_500, ttlFrom = 60, prefix = PREFIX } = {}) {
  const holder = body === null ? null : { value: new TextEncoder().encode(body).buffer };
  return js.respondReplayable(req, status, packed(fields), holder, until, ageFrom, ttlFrom, prefix);
}

async function text(r) {
  return r === null ? null : r.text();
}

describe("the memory tier's replay of ticketed answers", () => {
  beforeEach(() => {
    js.dropReplayable();
    mock.timers.enable({ apis: ["Date"], now: NOW });
  });
  afterEach(() => {
    mock.timers.reset();
    js.dropReplayable();
  });

  it("replays the issued answer: status, every field, body; Age and ttl as at issue", async () => {
    const issued = issue();
    const replayed = js.replay(request());
    assert.equal(replayed.status, issued.status);
    assert.deepEqual([...replayed.headers], [...issued.headers]);
    assert.equal(await replayed.text(), await issued.text());
    assert.equal(await text(js.replay(request())), "<p>hello</p>", "a second replay has its body too");
  });

  it("fills Age from ageFrom and the ttl from ttlFrom and the prefix, second by second", () => {
    issue();
    mock.timers.tick(499); // 2.999 s old
    assert.equal(js.replay(request()).headers.get("age"), "2");
    mock.timers.tick(1); // 3.0 s
    let r = js.replay(request());
    assert.equal(r.headers.get("age"), "3");
    assert.equal(r.headers.get("cache-status"), PREFIX + "57");
    js.dropReplayable();
    issue({ ageFrom: NOW - 10_000, ttlFrom: 90, prefix: "other; ttl=" });
    r = js.replay(request());
    assert.equal(r.headers.get("age"), "10");
    assert.equal(r.headers.get("cache-status"), "other; ttl=80");
  });

  it("fills only the fields the answer carries (a 304 keeps what Java kept)", () => {
    issue({ fields: [["etag", "\"abc\""], ["x-isr-cache", "HIT"]], status: 304, body: null,
      req: request(URL_A, "GET", { "if-none-match": "\"abc\"" }) });
    const r = js.replay(request(URL_A, "GET", { "if-none-match": "\"abc\"" }));
    assert.equal(r.status, 304);
    assert.equal(r.headers.get("age"), null);
    assert.equal(r.headers.get("cache-status"), null);
    assert.equal(r.body, null);
  });

  it("replays only until its time, and then forgets it", () => {
    issue();
    mock.timers.tick(4_999);
    assert.notEqual(js.replay(request()), null);
    mock.timers.tick(1);
    assert.equal(js.replay(request()), null, "void at `until`");
    assert.equal(js.replayableSize().count, 0);
  });

  it("fits only a request of the same shape: method, URL, If-None-Match, If-Modified-Since", () => {
    issue();
    assert.equal(js.replay(request(URL_A, "HEAD")), null, "another method");
    assert.equal(js.replay(request("https://site.example/posts/a?x=2")), null, "another query");
    assert.equal(js.replay(request("https://site.example/posts/a")), null, "no query");
    assert.equal(js.replay(request("https://other.example/posts/a?x=1")), null, "another host");
    assert.equal(js.replay(request(URL_A, "GET", { "if-none-match": "\"abc\"" })), null, "a conditional request");
    assert.equal(js.replay(request(URL_A, "GET", { "if-none-match": "" })), null, "an empty validator is not none");
    assert.equal(js.replay(request(URL_A, "GET", { "if-modified-since": "Tue, 14 Nov 2023 22:13:20 GMT" })), null);
    assert.notEqual(js.replay(request(URL_A, "GET", { accept: "text/html", "user-agent": "x" })), null,
      "fields the answer does not depend on do not matter");
  });

  it("keeps its own copy of the body: the buffer the first Response took may change or go", async () => {
    const bytes = new TextEncoder().encode("abcdef");
    js.respondReplayable(request(), 200, packed(FIELDS), { value: bytes }, NOW + 5_000, NOW, 60, PREFIX);
    bytes.fill(0);
    assert.equal(await text(js.replay(request())), "abcdef");
  });

  it("never keeps a large body, a stream, or more than its bounds (oldest first)", () => {
    issue({ body: "x".repeat(js.REPLAYABLE_BODY + 1) });
    assert.equal(js.replay(request()), null, "over the body bound");
    js.respondReplayable(request(), 200, packed(FIELDS), { value: new ReadableStream(), size: 3 }, NOW + 5_000, NOW, 60, PREFIX);
    assert.equal(js.replay(request()), null, "a stream");
    for (let i = 0; i <= js.REPLAYABLE; i++) issue({ req: request(`https://s.example/${i}`), body: "b" });
    assert.equal(js.replayableSize().count, js.REPLAYABLE);
    assert.equal(js.replay(request("https://s.example/0")), null, "the oldest went first");
    assert.notEqual(js.replay(request(`https://s.example/${js.REPLAYABLE}`)), null);
    js.dropReplayable();
    const big = "y".repeat(js.REPLAYABLE_BODY);
    const fit = js.REPLAYABLE_BYTES / js.REPLAYABLE_BODY;
    for (let i = 0; i <= fit; i++) issue({ req: request(`https://s.example/big/${i}`), body: big });
    assert.ok(js.replayableSize().bytes <= js.REPLAYABLE_BYTES, JSON.stringify(js.replayableSize()));
    assert.equal(js.replayableSize().count, fit - 1, "keys and fields count too");
    js.dropReplayable();
    const longUrl = `https://s.example/${"q".repeat(60_000)}`;
    for (let i = 0; i < 100; i++) issue({ req: request(`${longUrl}${i}`), body: "b" });
    assert.ok(js.replayableSize().bytes <= js.REPLAYABLE_BYTES, `long URLs count: ${JSON.stringify(js.replayableSize())}`);
    assert.ok(js.replayableSize().count < 100);
  });

  it("a new ticket for the same shape replaces the old one; a revalidation drops them all", async () => {
    issue({ body: "old" });
    issue({ body: "new" });
    assert.equal(await text(js.replay(request())), "new");
    assert.equal(js.replayableSize().count, 1);
    js.dropReplayable();
    assert.equal(js.replay(request()), null);
    assert.deepEqual(js.replayableSize(), { count: 0, bytes: 0 });
  });
});
