// The built worker (worker-shim/, written by `mvn package`) in workerd under Miniflare, with the bindings of
// wrangler.jsonc (test-e2e/wrangler-config.mjs) and a D1 database created from migrations/.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { Miniflare } from "miniflare";
import { applyD1Migrations, miniflareOptions } from "./wrangler-config.mjs";

const SECRET = "e2e-secret";

describe("the site in workerd", { timeout: 60_000 }, () => {
  let mf;
  const fetch = (path, init) => mf.dispatchFetch(new URL(path, "http://localhost").href, init);
  /** An answer read whole: status, x-isr-cache and body text. */
  const get = async (path, init) => {
    const res = await fetch(path, init);
    return { status: res.status, cache: res.headers.get("x-isr-cache"), text: await res.text() };
  };
  const edit = (slug, body, token = SECRET) =>
    get(`/api/posts/${slug}`, {
      method: "PUT",
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      body: JSON.stringify(body),
    });

  before(async () => {
    mf = new Miniflare(miniflareOptions({ bindings: { ISR_REVALIDATE_SECRET: SECRET } }));
    await mf.ready;
    const applied = await applyD1Migrations(mf);
    assert.ok(applied.length > 0, "no D1 migrations applied: is migrations/ there?");
  });
  after(async () => {
    await mf?.dispose();
  });

  /** The cache is written in the background (ctx.waitUntil): poll until the next answer is a HIT. */
  async function untilHit(path) {
    const deadline = Date.now() + 5000;
    for (;;) {
      const res = await get(path);
      if (res.cache === "HIT") return res;
      assert.ok(Date.now() < deadline, `${path} is still ${res.cache}`);
      await sleep(25);
    }
  }

  it("serves the index and the newest posts, rendered from D1 by the build, from the first request", async () => {
    const index = await get("/");
    assert.equal(index.status, 200, index.text);
    assert.equal(index.cache, "HIT");
    assert.match(index.text, /<a href="\/posts\/hello-world">/);
    const post = await get("/posts/hello-world");
    assert.equal(post.status, 200);
    assert.equal(post.cache, "HIT");
    assert.match(post.text, /<article data-slug="hello-world">/);
  });

  it("renders a post added to D1 after the build on its first request (MISS), then serves it from the cache", async () => {
    const db = await mf.getD1Database("DB");
    await db.prepare("INSERT INTO posts (slug, title, body) VALUES (?, ?, ?)")
      .bind("added-later", "Added later", "Not listed when the site was built.").run();
    const first = await get("/posts/added-later");
    assert.equal(first.status, 200, first.text);
    assert.equal(first.cache, "MISS");
    assert.match(first.text, /<h1>Added later<\/h1>/);
    assert.equal((await untilHit("/posts/added-later")).text, first.text);
    assert.equal((await get("/posts/no-such-post")).status, 404);
  });

  it("edits a post only with the secret; its page and the index change, another post stays a HIT", async () => {
    assert.equal((await get("/posts/second-post")).cache, "HIT");

    const refused = await edit("hello-world", { title: "Edited in workerd" }, null);
    assert.equal(refused.status, 401);
    assert.doesNotMatch((await get("/posts/hello-world")).text, /Edited in workerd/);

    const accepted = await edit("hello-world", { title: "Edited in workerd" });
    assert.equal(accepted.status, 200, accepted.text);
    assert.equal(JSON.parse(accepted.text).title, "Edited in workerd");

    const post = await get("/posts/hello-world");
    assert.equal(post.cache, "MISS");
    assert.match(post.text, /<h1>Edited in workerd<\/h1>/);
    const index = await get("/");
    assert.equal(index.cache, "MISS");
    assert.match(index.text, /Edited in workerd/);
    const other = await get("/posts/second-post");
    assert.equal(other.cache, "HIT", "an edit revalidates only the edited post's page and the index");

    assert.equal((await edit("no-such-post", { title: "x" })).status, 404);
  });

  it("revalidates a tag only with the secret; the next request is a MISS", async () => {
    await untilHit("/"); // cached again since the edit
    const refused = await get("/api/revalidate?tag=posts", { method: "POST" });
    assert.equal(refused.status, 401);
    const accepted = await get("/api/revalidate?tag=posts", {
      method: "POST",
      headers: { Authorization: `Bearer ${SECRET}` },
    });
    assert.equal(accepted.status, 200);
    assert.deepEqual(JSON.parse(accepted.text), { revalidated: "posts" });
    assert.equal((await get("/")).cache, "MISS");
  });
});
