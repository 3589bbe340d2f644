// Issue 16: a site generated from isr4j-archetype builds against the isr4j artifacts that `npm test` has just
// installed (`mvn install`), passes its own JUnit and end-to-end tests, and its worker caches (MISS, then HIT)
// under Miniflare. Issue 26: the site is a blog on D1 (migrations/, applied by `npm start` and by its tests), and
// its Miniflare options come from its wrangler.jsonc (test-e2e/wrangler-config.mjs), checked here from outside. The generated project borrows this repository's node_modules (same pinned versions, checked
// below) instead of running `npm ci`, which its README tells users to run.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, existsSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Miniflare } from "miniflare";
import { fromRoot } from "./worker-modules.mjs";
import { ORIGIN, pollUntil, readResponse } from "./mf.mjs";

const ARCHETYPE_PLUGIN = "org.apache.maven.plugins:maven-archetype-plugin:3.3.1";
const VERSION = /<artifactId>isr4j-parent<\/artifactId>\s*<version>([^<]+)<\/version>/.exec(
  readFileSync(fromRoot("pom.xml"), "utf8"),
)[1];
// Where `mvn install` put them: -Dmaven.repo.local in MAVEN_OPTS (which every mvn here also sees), or ~/.m2.
const LOCAL_REPO =
  /(?:^|\s)-Dmaven\.repo\.local=(\S+)/.exec(process.env.MAVEN_OPTS ?? "")?.[1] ?? join(homedir(), ".m2", "repository");
/** What the generated project resolves from the local repository, and where this build made each of them. */
const INSTALLED = [
  ["isr4j-core", "worker-java/core"],
  ["isr4j-wasm", "worker-java/wasm"],
  ["isr4j-testkit", "worker-java/testkit"],
  ["isr4j-maven-plugin", "worker-java/maven-plugin"],
  ["isr4j-archetype", "worker-java/archetype"],
];

/** Runs a command to completion; resolves with its exit code and combined output. */
function run(command, args, cwd, extraEnv = {}) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...extraEnv };
    delete env.NODE_TEST_CONTEXT; // a nested `node --test` must report as a top-level run
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

const tail = (text, lines = 40) => text.split("\n").slice(-lines).join("\n");

describe("a site generated from isr4j-archetype (issue 16)", { timeout: 300_000 }, () => {
  let dir;
  let site;
  let build;
  let mf;

  before(async () => {
    for (const [artifactId, module] of INSTALLED) {
      const jar = `${artifactId}-${VERSION}.jar`;
      const installed = join(LOCAL_REPO, "dev", "isr4j", artifactId, VERSION, jar);
      const built = fromRoot(`${module}/target/${jar}`);
      assert.ok(
        existsSync(installed) && existsSync(built) && readFileSync(installed).equals(readFileSync(built)),
        `${installed} is not this build's ${built}: run \`mvn install\` first (npm test does)`,
      );
    }
    dir = mkdtempSync(join(tmpdir(), "isr4j-archetype-"));
    const generate = await run(
      "mvn",
      [
        "-B",
        `${ARCHETYPE_PLUGIN}:generate`,
        "-DarchetypeGroupId=dev.isr4j",
        "-DarchetypeArtifactId=isr4j-archetype",
        `-DarchetypeVersion=${VERSION}`,
        "-DgroupId=com.example",
        "-DartifactId=my-site",
        "-Dversion=1.0.0-SNAPSHOT",
        "-Dpackage=com.example.site",
        "-DinteractiveMode=false",
      ],
      dir,
    );
    assert.equal(generate.code, 0, `archetype:generate failed:\n${tail(generate.output)}`);
    site = join(dir, "my-site");
    build = await run("mvn", ["-B", "package"], site);
    symlinkSync(fromRoot("node_modules"), join(site, "node_modules"), "dir");
  });

  after(async () => {
    await mf?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("has this repository's shape, with the package and coordinates given on the command line", () => {
    for (const path of [
      "pom.xml",
      "worker-java/app/pom.xml",
      "worker-java/app/src/main/java/com/example/site/SiteApp.java",
      "worker-java/app/src/test/java/com/example/site/SiteAppTest.java",
      "worker-java/app/src/main/jte/post.jte",
      "worker-java/app/src/main/jte/index.jte",
      "migrations/0001_create_posts.sql",
      "migrations/0002_seed.sql",
      "test-e2e/site.test.mjs",
      "test-e2e/wrangler-config.mjs",
      "wrangler.jsonc",
      "package.json",
      "package-lock.json",
      "README.md",
      ".gitignore",
      ".npmrc",
    ]) {
      assert.ok(existsSync(join(site, path)), `generated project lacks ${path}`);
    }
    assert.equal(
      readFileSync(join(site, "worker-java/app/src/main/resources/META-INF/services/dev.isr4j.AppProvider"), "utf8").trim(),
      "com.example.site.SiteApp",
    );
    assert.match(readFileSync(join(site, "pom.xml"), "utf8"), new RegExp(`<isr4j.version>${VERSION}</isr4j.version>`));
    assert.match(readFileSync(join(site, "README.md"), "utf8"), /npm ci && npm start/);
    assert.match(readFileSync(join(site, ".npmrc"), "utf8"), /^loglevel=error$/m, "npm ci would print EBADENGINE warnings");
    const scripts = JSON.parse(readFileSync(join(site, "package.json"), "utf8")).scripts;
    assert.match(scripts.start, /^wrangler d1 migrations apply DB --local && mvn /);
  });

  it("pins binaryen, node, miniflare and wrangler exactly as isr4j does, and its lock file resolves them as isr4j's does", () => {
    const ours = JSON.parse(readFileSync(fromRoot("package.json"), "utf8")).devDependencies;
    const theirs = JSON.parse(readFileSync(join(site, "package.json"), "utf8")).devDependencies;
    assert.deepEqual(theirs, { binaryen: ours.binaryen, miniflare: ours.miniflare, node: ours.node, wrangler: ours.wrangler });
    const lock = JSON.parse(readFileSync(join(site, "package-lock.json"), "utf8"));
    const ourLock = JSON.parse(readFileSync(fromRoot("package-lock.json"), "utf8"));
    assert.deepEqual(lock.packages[""].devDependencies, theirs, "package-lock.json is out of step with package.json");
    const versions = (packages) =>
      Object.fromEntries(Object.entries(packages).filter(([p]) => p !== "").map(([p, v]) => [p, v.version]));
    const expected = versions(ourLock.packages);
    delete expected["node_modules/http-cache-semantics"]; // isr4j's own test dependency
    assert.deepEqual(versions(lock.packages), expected);
  });

  it("builds with `mvn package` against the installed isr4j, its JUnit tests passing", () => {
    assert.equal(build.code, 0, `mvn package of the generated project failed:\n${tail(build.output)}`);
    const reports = join(site, "worker-java/app/target/surefire-reports");
    const report = readdirSync(reports).find((f) => f.startsWith("TEST-") && f.endsWith(".xml"));
    const xml = readFileSync(join(reports, report), "utf8");
    const count = (attr) => Number(new RegExp(`<testsuite[^>]*\\s${attr}="(\\d+)"`).exec(xml)[1]);
    assert.ok(count("tests") >= 3, `expected the template's JUnit tests to run:\n${xml.slice(0, 400)}`);
    assert.equal(count("failures") + count("errors") + count("skipped"), 0);
  });

  it("passes its own end-to-end tests under Miniflare", async () => {
    const e2e = await run(process.execPath, ["--test", "--test-concurrency=1", "test-e2e/*.test.mjs"], site);
    assert.equal(e2e.code, 0, `the generated project's e2e tests failed:\n${tail(e2e.output)}`);
    assert.match(e2e.output, /^# pass [1-9]/m);
    assert.match(e2e.output, /^# fail 0$/m);
  });

  it("serves its pages from D1 with the options its wrangler.jsonc gives: prerendered ones as HITs, a later post as a MISS, then a HIT", async () => {
    const { miniflareOptions, applyD1Migrations } = await import(pathToFileURL(join(site, "test-e2e/wrangler-config.mjs")));
    const options = miniflareOptions();
    assert.deepEqual(Object.keys(options.d1Databases), ["DB"]);
    assert.deepEqual(Object.keys(options.kvNamespaces), ["CACHE_KV"]);
    assert.deepEqual(options.bindings, { ISR_MODE: "production" });
    const listed = options.modules.map((m) => m.path.slice(site.length + 1).split("\\").join("/"));
    assert.deepEqual(listed.slice(0, 1), ["worker-shim/isr4j-worker.mjs"], "main first");
    for (const file of readdirSync(join(site, "worker-shim/build"))) {
      assert.ok(listed.includes(`worker-shim/build/${file}`), `${file} is not among the modules: ${listed}`);
    }
    mf = new Miniflare(options);
    await mf.ready;
    assert.deepEqual(await applyD1Migrations(mf), ["DB: 0001_create_posts.sql", "DB: 0002_seed.sql"]);
    const get = async (path) => readResponse(await mf.dispatchFetch(new URL(path, ORIGIN).href));

    const index = await get("/");
    assert.equal(index.isr, "HIT", `the index is prerendered: ${index.summary()}`);
    assert.match(index.text, /<a href="\/posts\/second-post">A second post<\/a>/);
    const page = await get("/posts/hello-world");
    assert.equal(page.isr, "HIT", `a static path listed from D1 is a HIT from the first request: ${page.summary()}`);
    assert.match(page.text, /<h1>Hello, world<\/h1>/);

    const db = await mf.getD1Database("DB");
    await db.prepare("INSERT INTO posts (slug, title, body) VALUES ('third', 'Third', 'After the build.')").run();
    const miss = await get("/posts/third");
    assert.equal(miss.status, 200, miss.summary());
    assert.equal(miss.isr, "MISS", miss.summary());
    assert.match(miss.text, /<h1>Third<\/h1>/);
    const hit = await pollUntil(() => get("/posts/third"), (r) => r.isr === "HIT", { what: "/posts/third to be a HIT" });
    assert.equal(hit.text, miss.text, "a HIT serves what the MISS rendered");
  });

  it("binds what a binding added to its wrangler.jsonc declares, with no change to its tests", async () => {
    const { miniflareOptions, applyD1Migrations } = await import(pathToFileURL(join(site, "test-e2e/wrangler-config.mjs")));
    const config = readFileSync(join(site, "wrangler.jsonc"), "utf8")
      .replace(/"kv_namespaces": \[/, '"kv_namespaces": [\n    { "binding": "EXTRA_KV", "id": "extra" }, // added\n')
      .replace(/"d1_databases": \[/, '"d1_databases": [\n    { "binding": "OTHER_DB", "database_name": "other", "database_id": "other", "migrations_dir": "migrations" },\n')
      .replace(/"vars": \{/, '"vars": {\n    "GREETING": "hi",');
    const path = join(site, "wrangler.extra.jsonc"); // beside the real one: "main" is relative to it
    writeFileSync(path, config);
    const options = miniflareOptions({ configPath: path });
    assert.deepEqual(Object.keys(options.kvNamespaces).sort(), ["CACHE_KV", "EXTRA_KV"]);
    assert.deepEqual(Object.keys(options.d1Databases).sort(), ["DB", "OTHER_DB"]);
    assert.equal(options.bindings.GREETING, "hi");
    const extra = new Miniflare(options);
    try {
      await extra.ready;
      assert.equal((await applyD1Migrations(extra, path)).length, 4);
      const other = await extra.getD1Database("OTHER_DB");
      assert.equal((await other.prepare("SELECT count(*) AS n FROM posts").first()).n, 2);
      const kv = await extra.getKVNamespace("EXTRA_KV");
      await kv.put("k", "v");
      assert.equal(await kv.get("k"), "v");
    } finally {
      await extra.dispose();
    }
  });

  it("applies its migrations to the local database as `npm start` does first, without asking", async () => {
    const bin = join(site, "node_modules", ".bin");
    const apply = await run(join(bin, "wrangler"), ["d1", "migrations", "apply", "DB", "--local"], site, {
      PATH: `${bin}:${process.env.PATH}`, // as npm run puts it: wrangler on the pinned Node 22
    }); // stdin is not a terminal: wrangler takes its default (yes) instead of asking
    assert.equal(apply.code, 0, apply.output);
    assert.match(apply.output, /0002_seed\.sql/);
    assert.match(apply.output, /non-interactive context: yes/);
    const again = await run(join(bin, "wrangler"), ["d1", "migrations", "apply", "DB", "--local"], site, {
      PATH: `${bin}:${process.env.PATH}`,
    });
    assert.equal(again.code, 0, again.output);
    assert.match(again.output, /No migrations to apply/);
  });
  it("rebuilds on request through the development build server (npm run dev), keeps the last good worker after a failed build, and asks for a restart for a change outside the app", async () => {
    // A development build as `npm run dev --no-server` makes it, cold: the module the warm compiler must match.
    const DEV = ["-o", "-B", "-q", "package", "-Dmaven.test.skip=true", "-Disr4j.optimize=false", "-Disr4j.dev=true"];
    const cold = await run("mvn", DEV, site);
    assert.equal(cold.code, 0, tail(cold.output));
    const coldWasm = readFileSync(join(site, "worker-shim/build/isr4j.wasm"));
    // What dev.mjs starts: Maven's build, which then stays up and answers a line per request on its stdin. Every
    // step waits for an answer, so nothing here depends on how long a build takes.
    const server = spawn(
      "mvn",
      [...DEV, "-Disr4j.serve=true"],
      { cwd: site, stdio: ["pipe", "pipe", "pipe"], env: process.env },
    );
    let output = "";
    const answers = [];
    let waiting = null;
    server.stderr.on("data", (d) => (output += d));
    createInterface({ input: server.stdout }).on("line", (line) => {
      output += `${line}\n`;
      if (!line.startsWith("@isr4j ")) return;
      answers.push(line.slice("@isr4j ".length));
      waiting?.();
    });
    const exited = new Promise((resolve) => server.on("exit", resolve));
    const answer = async (count) => {
      while (answers.length < count) {
        const next = new Promise((resolve) => (waiting = resolve));
        const code = await Promise.race([next, exited.then((c) => `exited ${c}`)]);
        if (typeof code === "string") assert.fail(`the build server ${code}:\n${tail(output)}`);
      }
      return answers[count - 1];
    };
    const request = (...paths) => server.stdin.write(`build${paths.map((p) => `\t${p}`).join("")}\n`);
    const template = join(site, "worker-java/app/src/main/jte/index.jte");
    const original = readFileSync(template, "utf8");
    const built = (file) => readFileSync(join(site, "worker-shim/build", file));
    try {
      assert.match(await answer(1), /^ok \d+\.\d+$/, tail(output));

      writeFileSync(template, original.replace("<h1>Posts</h1>", "<h1>Posts, edited</h1>"));
      request(template);
      assert.match(await answer(2), /^ok /, tail(output));
      const { miniflareOptions, applyD1Migrations } = await import(pathToFileURL(join(site, "test-e2e/wrangler-config.mjs")));
      const edited = new Miniflare(miniflareOptions());
      try {
        await edited.ready;
        await applyD1Migrations(edited);
        const index = await readResponse(await edited.dispatchFetch(new URL("/", ORIGIN).href));
        assert.match(index.text, /<h1>Posts, edited<\/h1>/, index.summary());
      } finally {
        await edited.dispose();
      }

      const [wasm, prerendered] = [built("isr4j.wasm"), built("prerendered.mjs")];
      writeFileSync(template, original.replace("<h1>Posts</h1>", "<h1>Posts"));
      request(template);
      assert.match(await answer(3), /^failed /, tail(output));
      assert.match(output, /index\.jte/, "the failure names the template");
      assert.ok(built("isr4j.wasm").equals(wasm) && built("prerendered.mjs").equals(prerendered), "a failed build leaves the worker as it was");

      writeFileSync(template, original);
      request(template);
      assert.match(await answer(4), /^ok /, tail(output));
      // The same length, not the same bytes: two cold builds of the same classes already differ in a few dozen
      // bytes (TeaVM's order of some equal-sized items), never in length.
      assert.equal(built("isr4j.wasm").length, coldWasm.length,
        "the warm compiler, with the libraries' classes kept from earlier builds, writes the module a cold build writes");

      request(template, join(site, "worker-java/app/pom.xml"));
      assert.match(await answer(5), /^restart .*pom\.xml/, tail(output));

      server.stdin.end("quit\n"); // Maven then finishes its build
      assert.equal(await exited, 0, tail(output));
    } finally {
      writeFileSync(template, original);
      server.kill();
    }
  });
});
