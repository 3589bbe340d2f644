// A first run that explains itself (issue 16): the index page at /, the SHOW_FALLBACK page that replaces
// itself, crawlers getting the real page, one 404 page, readable dates, a route bounded by its cached data, all
// through the fixture app's Wasm build in workerd (Miniflare) like every e2e test; and bundles wrangler builds
// without warnings: the example's (the root wrangler.jsonc, what `npm start` and `npm run deploy` use) and the
// fixture app's (worker-java/fixtures/wrangler.jsonc).
//
// Background work (SHOW_FALLBACK renders, cache writes) runs in ctx.waitUntil: tests poll with a deadline.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import vm from "node:vm";
import { startWorker, pollUntil, WITH_SECRET, AUTH, EXPIRE_SECONDS } from "./mf.mjs";
import { FIXTURE_CONFIG, REPO_ROOT, fromRoot } from "./worker-modules.mjs";
import prerenderedBundle from "../worker-java/fixtures/worker/build/prerendered.mjs";

const NO_STORE = "private, no-cache, no-store, max-age=0, must-revalidate";
const BROWSER = {
  accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  "user-agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
};
const GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

function pollForHit(worker, path, init) {
  return pollUntil(() => worker.request(path, init), (r) => r.isr === "HIT", { what: `HIT on ${path}`, timeoutMs: 10_000 });
}

/** Every <time> of a page: its datetime, epoch ms and the text a person reads. */
function times(html) {
  return [...html.matchAll(/<time datetime="([^"]+)" data-ms="(\d+)">([^<]+)<\/time>/g)].map((m) => ({
    datetime: m[1],
    ms: Number(m[2]),
    text: m[3],
  }));
}

function assertReadableTimes(r, path) {
  const found = times(r.text);
  assert.ok(found.length > 0, `${path} shows no time: ${r.summary()}`);
  for (const t of found) {
    const iso = new Date(t.ms).toISOString().slice(0, 19); // 2026-11-29T10:42:07
    assert.equal(t.text, `${iso.replace("T", " ")} UTC`, `${path}: what a person reads`);
    assert.equal(t.datetime, `${iso}Z`, `${path}: the machine-readable form`);
  }
}

describe("the index page at /", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker({ vars: WITH_SECRET });
  });
  after(async () => {
    await worker?.dispose();
  });

  it("is prerendered and STATIC from the first request, the same for every visitor", async () => {
    const bundled = JSON.parse(prerenderedBundle).entries.find((e) => e[0] === "pages:/");
    assert.ok(bundled, "the build bundles the index");
    const first = await worker.request("/", { headers: { ...BROWSER, cookie: "session=alice" } });
    assert.equal(first.status, 200, first.summary());
    assert.equal(first.isr, "STATIC", first.summary());
    assert.equal(first.headers.get("cache-control"), "s-maxage=31536000");
    assert.equal(bundled[3], "utf8", "a page's HTML is bundled as text");
    assert.equal(first.text, bundled[2]);
    for (const word of ["x-isr-cache", "Age", "ETag", "Cache-Tag", "Authorization: Bearer", "curl -A Googlebot"]) {
      assert.ok(first.text.includes(word), `the index explains ${word}`);
    }
    assertReadableTimes(first, "/");
    const second = await worker.request("/?utm=campaign");
    assert.equal(second.isr, "STATIC", second.summary());
    assert.equal(second.text, first.text);
  });

  it("links to pages and routes that all answer, with 404s only where it says so", async () => {
    const index = await worker.request("/", { headers: BROWSER });
    const links = [...index.text.matchAll(/href="([^"]+)"/g)].map((m) => m[1].replaceAll("&amp;", "&"));
    assert.ok(links.length >= 30, `links: ${links.join(" ")}`);
    const notFound = [];
    for (const link of links) {
      const r = await worker.request(link, { headers: BROWSER, redirect: "manual" });
      if (link === "/api/boom") {
        assert.equal(r.status, 500, `${link} is the handler that throws: ${r.summary()}`);
        continue;
      }
      assert.ok(r.status < 500, `${link}: ${r.summary()}`);
      if (r.status === 404) notFound.push(link);
    }
    assert.deepEqual(notFound, ["/blog/missing-post", "/docs/other", "/no/such/page"]);
  });
});

describe("the SHOW_FALLBACK product page", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker();
  });
  after(async () => {
    await worker?.dispose();
  });

  it("replaces itself with the product once it is ready: its script reloads when the page is no longer FALLBACK", async () => {
    const path = "/products/600";
    const fallback = await worker.request(path, { headers: BROWSER });
    assert.equal(fallback.isr, "FALLBACK", fallback.summary());
    assert.equal(fallback.headers.get("cache-control"), NO_STORE);
    const script = /<script>([\s\S]*?)<\/script>/.exec(fallback.text)?.[1];
    assert.ok(script, `the fallback page has a script: ${fallback.text}`);

    // The script as a browser runs it on that page: same-origin fetch, location, timers, the DOM it touches.
    const seen = [];
    let reloads = 0;
    const sandbox = {
      location: { pathname: path, reload: () => reloads++ },
      fetch: async (url, { cache, ...init } = {}) => {
        assert.equal(cache, "no-store", "no browser cache may answer for the server");
        const res = await worker.fetch(url, { ...init, headers: BROWSER });
        await res.arrayBuffer();
        seen.push(`${init?.method ?? "GET"} ${url} ${res.status} ${res.headers.get("x-isr-cache")}`);
        return res;
      },
      setTimeout,
      document: { querySelector: () => ({ textContent: "" }) },
    };
    vm.runInNewContext(script, sandbox);
    await pollUntil(async () => reloads, (n) => n > 0, { what: "the fallback page reloading itself", timeoutMs: 20_000 });

    assert.equal(reloads, 1);
    assert.ok(seen.length >= 1, seen.join("\n"));
    assert.ok(seen.every((s) => s.startsWith(`HEAD ${path} 200 `)), `it only asks about its own page:\n${seen.join("\n")}`);
    assert.ok(seen.slice(0, -1).every((s) => s.endsWith(" FALLBACK")), `no reload before the page was ready:\n${seen.join("\n")}`);
    assert.ok(!seen.at(-1).endsWith(" FALLBACK"), seen.join("\n"));
    const reloaded = await worker.request(path, { headers: BROWSER });
    assert.equal(reloaded.isr, "HIT", `what the reload shows: ${reloaded.summary()}`);
    assert.match(reloaded.text, /<article class="product" data-id="600"><h1>Espresso cup, stoneware, 90 ml<\/h1>/);
    assertReadableTimes(reloaded, path);
  });

  it("its script reloads only once its page is no longer FALLBACK, backs off, and gives up after a minute", async () => {
    const fallback = await worker.request("/products/650", { headers: BROWSER });
    const script = /<script>([\s\S]*?)<\/script>/.exec(fallback.text)[1];
    // The same script against scripted answers and a clock the test moves: what it does at each answer.
    const run = (answers) => {
      const timers = [];
      const note = { textContent: "Loading product..." };
      const state = { reloads: 0, asked: 0, delays: [], note };
      vm.runInNewContext(script, {
        location: { pathname: "/products/650", reload: () => state.reloads++ },
        fetch: async () => {
          const answer = answers[Math.min(state.asked++, answers.length - 1)];
          if (answer === "network error") throw new TypeError("Failed to fetch");
          return new Response(null, { headers: answer ? { "x-isr-cache": answer } : {} });
        },
        setTimeout: (fn, ms) => timers.push({ fn, ms }),
        document: { querySelector: () => note },
      });
      state.tick = async () => {
        const timer = timers.shift();
        if (!timer) return false;
        state.delays.push(timer.ms);
        timer.fn();
        await new Promise((resolve) => setImmediate(resolve)); // let the fetch settle
        return true;
      };
      return state;
    };

    const ready = run(["FALLBACK", "network error", null, "FALLBACK", "HIT"]);
    for (let i = 0; i < 4; i++) {
      await ready.tick();
      assert.equal(ready.reloads, 0, `no reload after answer ${i + 1} (still not the page)`);
    }
    await ready.tick();
    assert.equal(ready.reloads, 1, "reloads once the page is there");
    assert.equal(await ready.tick(), false, "and stops polling");
    assert.deepEqual(ready.delays, [200, 200, 400, 800, 1600], "backs off");

    const never = run(["FALLBACK"]);
    while (await never.tick());
    assert.equal(never.reloads, 0);
    assert.ok(never.delays.reduce((a, b) => a + b) <= 65_000, `gives up after about a minute: ${never.delays}`);
    assert.match(never.note.textContent, /reload to try again/);
  });

  it("is never what a crawler gets: Googlebot gets the product rendered at once, and it is cached for everyone", async () => {
    const path = "/products/700";
    const bot = await worker.request(path, { headers: { "user-agent": GOOGLEBOT } });
    assert.equal(bot.status, 200, bot.summary());
    assert.equal(bot.isr, "MISS", bot.summary());
    assert.equal(bot.headers.get("cache-control"), `s-maxage=60, stale-while-revalidate=${EXPIRE_SECONDS - 60}`);
    assert.match(bot.text, /<article class="product" data-id="700">/);
    assert.doesNotMatch(bot.text, /class="fallback"/);

    const browser = await pollForHit(worker, path, { headers: BROWSER });
    assert.equal(browser.text, bot.text, "the crawler's render is the page everyone gets");
    const entry = await worker.kv.getWithMetadata("cache:pages:/products/700", "arrayBuffer");
    assert.equal(entry.metadata.k, "page");

    for (const ua of ["facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
      "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"]) {
      const r = await worker.request("/products/701", { headers: { "user-agent": ua } });
      assert.equal(r.status, 200, `${ua}: ${r.summary()}`);
      assert.notEqual(r.isr, "FALLBACK", `${ua}: ${r.summary()}`);
    }
    const person = await worker.request("/products/702", { headers: BROWSER });
    assert.equal(person.isr, "FALLBACK", "a browser still gets the fallback");
  });
});

describe("404s and dates", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker();
  });
  after(async () => {
    await worker?.dispose();
  });

  it("a browser gets one 404 page whatever produced it; each keeps its own cache headers", async () => {
    const unknown = await worker.request("/no/such/page", { headers: BROWSER });
    const none = await worker.request("/docs/other", { headers: BROWSER });
    const notFoundProp = await worker.request("/blog/missing-post", { headers: BROWSER });
    for (const r of [unknown, none, notFoundProp]) {
      assert.equal(r.status, 404, r.summary());
      assert.match(r.headers.get("content-type") ?? "", /^text\/html/, r.summary());
      assert.match(r.text, /<h1>404 - This page could not be found.<\/h1>/);
    }
    assert.equal(none.text, unknown.text);
    assert.equal(notFoundProp.text, unknown.text);
    assert.equal(unknown.headers.get("cache-control"), NO_STORE, "a router 404 is never stored");
    assert.equal(none.headers.get("cache-control"), NO_STORE);
    assert.equal(unknown.isr, null);
    assert.equal(notFoundProp.isr, "MISS", "a page's notFound is an ISR answer");
    assert.equal(notFoundProp.headers.get("cache-control"), `s-maxage=60, stale-while-revalidate=${EXPIRE_SECONDS - 60}`);
  });

  it("an API client gets a short text for an unknown path, not a page", async () => {
    for (const accept of [undefined, "*/*", "application/json"]) {
      const r = await worker.request("/api/no-such-route", accept ? { headers: { accept } } : undefined);
      assert.equal(r.status, 404, r.summary());
      assert.equal(r.text, "Not Found");
      assert.match(r.headers.get("content-type") ?? "", /^text\/plain/);
    }
  });

  it("pages show when they were rendered in a form a person can read", async () => {
    for (const path of ["/blog/hello-world", "/blog/fresh-post", "/about", "/products/1", "/live/now"]) {
      assertReadableTimes(await worker.request(path), path);
    }
  });
});

describe("/api/price/{sku}: a route bounded by the cached data it uses", { timeout: 60_000 }, () => {
  let worker;
  before(async () => {
    worker = await startWorker({ vars: WITH_SECRET });
  });
  after(async () => {
    await worker?.dispose();
  });

  const revalidateTag = async (tag) => {
    const r = await worker.request("/__isr/revalidate", {
      method: "POST",
      headers: { ...AUTH, "content-type": "application/json" },
      body: JSON.stringify({ tags: [tag] }),
    });
    assert.equal(r.status, 200, r.summary());
  };

  it("revalidates after the data's 60 s, not the route's 600, and carries the data's tags", async () => {
    const miss = await worker.request("/api/price/CUP-1");
    assert.equal(miss.isr, "MISS", miss.summary());
    assert.equal(miss.headers.get("cache-control"), `s-maxage=60, stale-while-revalidate=${EXPIRE_SECONDS - 60}`);
    const tags = (miss.headers.get("cache-tag") ?? "").split(",");
    for (const tag of ["path:/api/price/CUP-1", "sku-CUP-1", "prices"]) {
      assert.ok(tags.includes(tag), `Cache-Tag has ${tag}: ${tags}`);
    }
    const body = miss.json();
    assert.equal(body.sku, "CUP-1");
    assert.equal(typeof body.computedAt, "number");
    assert.equal(body.computedAtUtc, `${new Date(body.computedAt).toISOString().slice(0, 19).replace("T", " ")} UTC`);

    const { metadata } = await pollUntil(
      () => worker.kv.getWithMetadata("cache:app:/api/price/CUP-1:route", "arrayBuffer"),
      (e) => e.value !== null, { what: "the route's entry", timeoutMs: 10_000 });
    assert.equal(metadata.ra - metadata.lm, 60_000, JSON.stringify(metadata));
    assert.ok(metadata.t.includes("sku-CUP-1") && metadata.t.includes("prices"), JSON.stringify(metadata));
  });

  it("revalidating the data's tags (its own sku tag, or the function's prices tag) makes the route a MISS", async () => {
    let last = (await pollForHit(worker, "/api/price/CUP-1")).json().computations;
    for (const tag of ["sku-CUP-1", "prices"]) {
      await revalidateTag(tag);
      const after = await worker.request("/api/price/CUP-1");
      assert.equal(after.isr, "MISS", `after revalidating ${tag}: ${after.summary()}`);
      assert.ok(after.json().computations > last, `the data was computed again after ${tag}: ${after.text}`);
      last = after.json().computations;
      await pollForHit(worker, "/api/price/CUP-1");
    }
    const other = await worker.request("/api/price/MUG-2");
    assert.ok(!(other.headers.get("cache-tag") ?? "").split(",").includes("sku-CUP-1"), "each sku has its own tag");
  });
});

describe("the bundle", { timeout: 180_000 }, () => {
  for (const [what, config] of [["the example's (wrangler.jsonc)", []], [`the fixture app's (${FIXTURE_CONFIG})`, ["--config", FIXTURE_CONFIG]]]) {
    it(`${what} builds with wrangler without the node:fs/promises warning`, async () => {
      const outdir = await mkdtemp(join(tmpdir(), "isr4j-dry-run-"));
      try {
        const output = await new Promise((resolve, reject) => {
          execFile(process.execPath, [fromRoot("node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", ...config,
            "--outdir", outdir], { cwd: REPO_ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" } },
          (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout + stderr)));
        });
        assert.match(output, /--dry-run: exiting now/, output);
        assert.doesNotMatch(output, /fs\/promises|WARNING/, output);
      } finally {
        await rm(outdir, { recursive: true, force: true });
      }
    });
  }
});
