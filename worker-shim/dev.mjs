// isr4j's edit loop (npm run dev): builds the worker for development (no binaryen pass, and a build id from the
// code, so a rebuild never serves entries an earlier build rendered), serves it with `wrangler dev`, and on every
// saved change under a module's src/main (Java, jte templates, resources) builds again; wrangler reloads the
// worker when its files change. Run from the folder that holds wrangler.jsonc and the Maven project.
//
//   node worker-shim/dev.mjs [--built] [-- wrangler dev options]
//   --built: the first build already ran (a site's `npm run dev` builds before this file exists)
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync, watch } from "node:fs";
import { join, relative } from "node:path";

const root = process.cwd();
const args = process.argv.slice(2);
const split = args.indexOf("--");
const wranglerExtra = split >= 0 ? args.slice(split + 1) : [];
const alreadyBuilt = args.includes("--built");
const bin = (name) => join(root, "node_modules", ".bin", name);
// isr4j's own repository builds its example and what it needs; a site builds its whole (small) project.
const ONLY = existsSync(join(root, "worker-java", "example", "pom.xml")) ? ["-pl", "worker-java/example", "-am"] : [];
const MAVEN = ["-B", "-q", "package", "-Dmaven.test.skip=true", "-Dmaven.source.skip=true", "-Disr4j.optimize=false",
  "-Disr4j.dev=true", ...ONLY];
// wrangler needs the project's pinned Node (node_modules/.bin/node), as `npm run` would put it first on PATH.
const env = { ...process.env, PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH ?? ""}` };

/** Every module's src/main/{java,jte,resources} under the project, found once at start. */
function sourceFolders(dir, depth = 0, found = []) {
  if (depth > 4) return found;
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "target" || name.startsWith(".") || name === "worker-shim") continue;
    const path = join(dir, name);
    if (!statSync(path).isDirectory()) continue;
    if (name === "main" && dir.endsWith("src")) {
      for (const kind of ["java", "jte", "resources"]) {
        if (existsSync(join(path, kind))) found.push(join(path, kind));
      }
    } else {
      sourceFolders(path, depth + 1, found);
    }
  }
  return found;
}

function build(offline) {
  const started = Date.now();
  return new Promise((resolve) => {
    const mvn = spawn("mvn", offline ? ["-o", ...MAVEN] : MAVEN, { cwd: root, stdio: "inherit", env });
    mvn.on("exit", (code) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(code === 0 ? `[isr4j dev] built in ${seconds} s` : `[isr4j dev] the build failed (${seconds} s); fix it and save again`);
      resolve(code === 0);
    });
  });
}

if (!alreadyBuilt && !(await build(false))) process.exit(1);

const wrangler = spawn(bin("wrangler"), ["dev", "--port", "8787", "--ip", "127.0.0.1", ...wranglerExtra], {
  cwd: root,
  stdio: "inherit",
  env,
});
wrangler.on("exit", (code) => process.exit(code ?? 0));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => wrangler.kill(signal));

// One build at a time; changes saved during a build start one more after it.
let building = false;
let again = false;
let timer = null;
async function rebuild() {
  if (building) {
    again = true;
    return;
  }
  building = true;
  do {
    again = false;
    await build(true);
  } while (again);
  building = false;
}

// One watcher per directory: Node's recursive watch on Linux follows files, and loses one an editor (or sed)
// replaces; a directory's watcher sees every file written, created or renamed in it.
const watched = new Set();
function watchTree(dir) {
  if (watched.has(dir)) return;
  watched.add(dir);
  watch(dir, (_event, file) => {
    if (!file || /(^|\/)\.|~$|\.swp$|^sed[A-Za-z0-9]{6}$/.test(file)) return; // editors' temporary files
    const path = join(dir, file);
    if (existsSync(path) && statSync(path).isDirectory()) watchTree(path);
    clearTimeout(timer);
    timer = setTimeout(() => {
      console.log(`[isr4j dev] ${relative(root, path)} changed; building`);
      rebuild();
    }, 150);
  });
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) watchTree(path);
  }
}
const folders = sourceFolders(root);
folders.forEach(watchTree);
console.log(`[isr4j dev] watching ${folders.map((f) => relative(root, f)).join(", ")}`);
