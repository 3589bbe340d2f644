// The modules of the isr4j worker as Miniflare must be told them (the TeaVM runtime's dynamic import()
// defeats Miniflare's module discovery). Paths are absolute, resolved from the repository root.
//
// The worker is the fixture app's (worker-java/fixtures: every route and page the end-to-end tests and the
// benchmark drive), which `mvn package` writes into worker-java/fixtures/worker/ as a site gets it: the shim
// beside a build/ folder, deployed by worker-java/fixtures/wrangler.jsonc. The example app's worker
// (worker-shim/build/, the root wrangler.jsonc) is what `npm start` serves, not what these tests run.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
export const fromRoot = (relative) => fileURLToPath(new URL(relative, new URL("..", import.meta.url)));

/** The fixture app's worker folder (build output): the shim, isr4j-worker.mjs, and build/ beside it. */
export const FIXTURE_WORKER = "worker-java/fixtures/worker";
/** The fixture app's Wasm module, TeaVM runtime, JS primitives and prerendered pages. */
export const FIXTURE_BUILD = `${FIXTURE_WORKER}/build`;
/** The wrangler configuration that deploys the fixture app (same bindings as the example's). */
export const FIXTURE_CONFIG = "worker-java/fixtures/wrangler.jsonc";

/** What the build copies from the shim's committed source (worker-shim/) into the fixture worker. */
const COPIED = [
  ["worker-shim/isr4j-worker.mjs", `${FIXTURE_WORKER}/isr4j-worker.mjs`],
  ["worker-shim/isr4j-js.mjs", `${FIXTURE_BUILD}/isr4j-js.mjs`],
  ["worker-shim/no-node-fs.mjs", `${FIXTURE_BUILD}/no-node-fs.mjs`],
];
const REBUILD = "mvn -B -q package -Dmaven.test.skip=true (or only the fixture app and what it needs: "
  + "mvn -B -q -o package -Dmaven.test.skip=true -pl worker-java/fixtures -am)";

/**
 * Fails, saying how to rebuild, when the fixture worker is missing or its copies of the shim's files are not
 * worker-shim/'s source any more (the shim was edited since the last build): the tests would run the old shim.
 */
export function checkFixtureWorker() {
  for (const [source, copy] of COPIED) {
    if (!existsSync(fromRoot(copy))) {
      throw new Error(`${copy} is missing: build the fixture app first: ${REBUILD}`);
    }
    if (!readFileSync(fromRoot(source)).equals(readFileSync(fromRoot(copy)))) {
      throw new Error(`${copy} is not ${source} (edited since the last build): rebuild the fixture app: ${REBUILD}`);
    }
  }
}

/**
 * The shim, the Java module, TeaVM's runtime, isr4j's JS primitives and the prerendered pages; optionally after a
 * main module and the modules it imports besides the shim (`helpers`, paths from the repository's root).
 */
export function workerModules(mainModule, ...helpers) {
  checkFixtureWorker();
  const modules = [
    { type: "ESModule", path: fromRoot(`${FIXTURE_WORKER}/isr4j-worker.mjs`) },
    { type: "CompiledWasm", path: fromRoot(`${FIXTURE_BUILD}/isr4j.wasm`) },
    { type: "ESModule", path: fromRoot(`${FIXTURE_BUILD}/teavm-runtime.mjs`) },
    { type: "ESModule", path: fromRoot(`${FIXTURE_BUILD}/isr4j-js.mjs`) },
    { type: "ESModule", path: fromRoot(`${FIXTURE_BUILD}/prerendered.mjs`) },
  ];
  const extra = helpers.map((path) => ({ type: "ESModule", path: fromRoot(path) }));
  return mainModule ? [{ type: "ESModule", path: fromRoot(mainModule) }, ...extra, ...modules] : modules;
}
