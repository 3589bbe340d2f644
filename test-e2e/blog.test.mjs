// Issue 26: the example is a blog on D1. Its worker (worker-shim/ + worker-shim/build/, as `npm start` serves it)
// runs in Miniflare with a D1 database built from migrations/ exactly as `wrangler d1 migrations apply --local`
// builds it. Editing a post through the authenticated route changes its page, the index and its tag pages on the
// next request, while an unrelated post stays a HIT.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { Miniflare } from "miniflare";
import { REPO_ROOT, fromRoot } from "./worker-modules.mjs";
import { ORIGIN, COORDINATOR, REVALIDATE_SECRET, AUTH, pollUntil, readResponse } from "./mf.mjs";

/** The example's worker as the root wrangler.jsonc deploys it. */
function exampleModules() {
  return [
    { type: "ESModule", path: fromRoot("worker-shim/isr4j-worker.mjs") },
    { type: "CompiledWasm", path: fromRoot("worker-shim/build/isr4j.wasm") },
    { type: "ESModule", path: fromRoot("worker-shim/build/teavm-runtime.mjs") },
    { type: "ESModule", path: fromRoot("worker-shim/build/isr4j-js.mjs") },
    { type: "ESModule", path: fromRoot("worker-shim/build/prerendered.mjs") },
  ];
}

/** Applies migrations/ in name order, one statement at a time (D1's exec splits on newlines, SQL spans lines). */
async function migrate(db) {
  for (const file of readdirSync(fromRoot("migrations")).filter((f) => f.endsWith(".sql")).sort()) {
    const sql = readFileSync(fromRoot(`migrations/${file}`), "utf8").replace(/^--.*$/gm, "");
    for (const statement of sql.split(/;\s*(?:\n|$)/).map((s) => s.trim()).filter(Boolean)) {
      await db.prepare(statement).run();
    }
  }
}

describe("the example blog on D1", () => {
  let mf, db;
  const get = async (path, init) => readResponse(await mf.dispatchFetch(new URL(path, ORIGIN).href, init));
  const untilHit = (path) => pollUntil(() => get(path), (r) => r.isr === "HIT", { what: `${path} to be a HIT` });
  const edit = (slug, body, headers = AUTH) => get(`/api/posts/${slug}`, {
    method: "PUT", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body),
  });

  before(async () => {
    mf = new Miniflare({
      modules: exampleModules(),
      modulesRoot: REPO_ROOT,
      compatibilityDate: "2025-06-01",
      cf: false,
      kvNamespaces: ["CACHE_KV"],
      r2Buckets: ["CACHE_R2"],
      d1Databases: ["DB"],
      durableObjects: COORDINATOR,
      bindings: { ISR_MODE: "production", ISR_REVALIDATE_SECRET: REVALIDATE_SECRET },
    });
    await mf.ready;
    db = await mf.getD1Database("DB");
    await migrate(db);
  });
  after(() => mf?.dispose());

  it("serves the index and the newest posts prerendered from D1 at build time", async () => {
    const index = await get("/");
    assert.equal(index.status, 200);
    assert.equal(index.isr, "HIT", "prerendered by mvn package from the same migrations");
    for (const title of ["Hello, ISR", "Tags, not timers", "D1 at the edge", "Stale while revalidate"]) {
      assert.ok(index.text.includes(title), title);
    }
    const newest = await get("/posts/records-and-templates");
    assert.equal(newest.isr, "HIT");
    assert.ok(newest.text.includes("A title with &lt;script&gt; in it is shown, never run."), "escaped by jte");
    assert.ok(!newest.text.includes("<script>"));
  });

  it("renders an older post on its first request, then serves it from the cache", async () => {
    const first = await get("/posts/hello-isr");
    assert.equal(first.status, 200);
    assert.equal(first.isr, "MISS");
    assert.ok(first.text.includes("<h1>Hello, ISR</h1>"));
    await untilHit("/posts/hello-isr");
    const data = (await get("/_isr/data/posts/hello-isr.json")).json();
    assert.equal(data.pageProps?.title ?? data.title, "Hello, ISR");
  });

  it("answers the JSON API from D1 as records", async () => {
    const post = (await get("/api/posts/tags-not-timers")).json();
    assert.deepEqual(
      { slug: post.slug, authorName: post.authorName, tags: post.tags },
      { slug: "tags-not-timers", authorName: "Linus Varnish", tags: ["caching", "isr"] },
    );
    const list = (await get("/api/posts")).json();
    assert.deepEqual(list.map((p) => p.slug).slice(0, 2), ["records-and-templates", "stale-while-revalidate"]);
    assert.equal((await get("/api/posts/no-such-post")).status, 404);
  });

  it("never lets a path become SQL, and unknown posts and tags are 404s", async () => {
    assert.equal((await get("/posts/a'%20OR%20'1'='1")).status, 404);
    assert.equal((await get("/tags/x'%20OR%201=1--")).status, 404);
    assert.equal((await get("/tags/no-such-tag")).status, 404);
  });

  it("an edit changes its page, the index and its tag pages; an unrelated post stays a HIT", async () => {
    await untilHit("/posts/hello-isr");
    await untilHit("/posts/d1-at-the-edge");
    await untilHit("/tags/isr");
    assert.equal((await edit("hello-isr", { title: "x" }, {})).status, 401, "edits need the secret");
    const bad = await edit("hello-isr", { title: 42 });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /title/);
    assert.equal((await edit("hello-isr", { tags: ["Not A Tag!"] })).status, 400);
    assert.equal((await edit("no-such-post", { title: "Nope" })).status, 404);

    const edited = await edit("hello-isr", { title: "Hello again, ISR", tags: ["isr", "news"] });
    assert.equal(edited.status, 200, edited.text);
    assert.equal(edited.json().title, "Hello again, ISR");
    assert.deepEqual(edited.json().tags, ["isr", "news"]);

    const page = await get("/posts/hello-isr");
    assert.ok(page.text.includes("<h1>Hello again, ISR</h1>"), "the post's page changed on the next request");
    assert.notEqual(page.isr, "HIT");
    assert.ok((await get("/")).text.includes("Hello again, ISR"), "the index changed");
    assert.ok((await get("/tags/isr")).text.includes("Hello again, ISR"), "its old tag's page changed");
    assert.ok((await get("/tags/news")).text.includes("Hello again, ISR"), "its new tag's page exists");
    const other = await get("/posts/d1-at-the-edge");
    assert.equal(other.isr, "HIT", "an unrelated post is not revalidated");
  });

  it("a CMS that edits D1 itself revalidates through the webhook", async () => {
    await untilHit("/posts/stale-while-revalidate");
    await db.prepare("UPDATE posts SET title = ? WHERE slug = ?").bind("Edited in the CMS", "stale-while-revalidate").run();
    assert.ok(!(await get("/posts/stale-while-revalidate")).text.includes("Edited in the CMS"), "cached until told");
    const post = (body, headers = AUTH) => get("/api/revalidate", {
      method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body),
    });
    assert.equal((await post({ slug: "stale-while-revalidate" }, {})).status, 401);
    assert.equal((await post({})).status, 400);
    const done = await post({ slug: "stale-while-revalidate" });
    assert.equal(done.status, 200, done.text);
    assert.deepEqual(done.json(), ["post-stale-while-revalidate", "posts", "tag-caching", "tag-http"]);
    assert.ok((await get("/posts/stale-while-revalidate")).text.includes("Edited in the CMS"));
  });
});
