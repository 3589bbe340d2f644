// Issue 16: a site generated from isr4j-archetype builds against the isr4j artifacts that `npm test` has just
// installed (`mvn install`), passes its own JUnit and end-to-end tests, and its worker caches (MISS, then HIT)
// under Miniflare. The generated project borrows this repository's node_modules (same pinned versions, checked
// below) instead of running `npm ci`, which its README tells users to run.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, existsSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
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
function run(command, args, cwd) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
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
      "test-e2e/site.test.mjs",
      "wrangler.jsonc",
      "package.json",
      "package-lock.json",
      "README.md",
      ".gitignore",
    ]) {
      assert.ok(existsSync(join(site, path)), `generated project lacks ${path}`);
    }
    assert.equal(
      readFileSync(join(site, "worker-java/app/src/main/resources/META-INF/services/dev.isr4j.AppProvider"), "utf8").trim(),
      "com.example.site.SiteApp",
    );
    assert.match(readFileSync(join(site, "pom.xml"), "utf8"), new RegExp(`<isr4j.version>${VERSION}</isr4j.version>`));
    assert.match(readFileSync(join(site, "README.md"), "utf8"), /npm ci && npm start/);
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

  it("serves its ISR route as a MISS, then from the cache as a HIT", async () => {
    const shim = (path) => join(site, "worker-shim", path);
    mf = new Miniflare({
      modules: [
        { type: "ESModule", path: shim("isr4j-worker.mjs") },
        { type: "CompiledWasm", path: shim("build/isr4j.wasm") },
        { type: "ESModule", path: shim("build/teavm-runtime.mjs") },
        { type: "ESModule", path: shim("build/isr4j-js.mjs") },
        { type: "ESModule", path: shim("build/prerendered.mjs") },
      ],
      modulesRoot: site,
      compatibilityDate: "2025-06-01",
      cf: false,
      kvNamespaces: ["CACHE_KV"],
      bindings: { ISR_MODE: "production" },
    });
    await mf.ready;
    const get = async (path) => readResponse(await mf.dispatchFetch(new URL(path, ORIGIN).href));
    const miss = await get("/api/time");
    assert.equal(miss.status, 200, miss.summary());
    assert.equal(miss.isr, "MISS", miss.summary());
    assert.equal(miss.json().message, "Hello from Java");
    const hit = await pollUntil(() => get("/api/time"), (r) => r.isr === "HIT", { what: "/api/time to be a HIT" });
    assert.equal(hit.text, miss.text, "a HIT serves what the MISS rendered");

    const page = await get("/posts/hello-world");
    assert.equal(page.isr, "HIT", `a prerendered static path is a HIT from the first request: ${page.summary()}`);
  });
});
