// isr4j's edit loop (npm run dev): builds the worker for development (no binaryen pass, and a build id from the
// code, so a rebuild never serves entries an earlier build rendered), serves it with `wrangler dev`, and on every
// saved change under a module's src/main (Java, jte templates, resources) builds again; wrangler reloads the
// worker when its files change. Run from the folder that holds wrangler.jsonc and the Maven project.
//
// The builds run in one Maven process that stays up (`-Disr4j.serve=true`, isr4j-maven-plugin's build server):
// Maven's first build, then on each saved change the app module's templates, resources and javac and the worker
// again, with TeaVM warm, a line on its standard input each (see the plugin's DevServer). A change outside the
// app module (another module; isr4j's own code in its repository) restarts that process, a full Maven build.
//
//   node worker-shim/dev.mjs [--built] [--no-server] [-- wrangler dev options]
//   --built: the first build already ran (a site's `npm run dev` builds before this file exists)
//   --no-server: a fresh `mvn package` for every change instead (slower; the loop before the build server)
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync, watch } from "node:fs";
import { join, relative } from "node:path";
import { createInterface } from "node:readline";

const root = process.cwd();
const args = process.argv.slice(2);
const split = args.indexOf("--");
const own = split >= 0 ? args.slice(0, split) : args;
const wranglerExtra = split >= 0 ? args.slice(split + 1) : [];
const alreadyBuilt = own.includes("--built");
const useServer = !own.includes("--no-server");
const bin = (name) => join(root, "node_modules", ".bin", name);
// isr4j's own repository builds its example and what it needs; a site builds its whole (small) project.
const ONLY = existsSync(join(root, "worker-java", "example", "pom.xml")) ? ["-pl", "worker-java/example", "-am"] : [];
const MAVEN = ["-B", "-q", "package", "-Dmaven.test.skip=true", "-Dmaven.source.skip=true", "-Disr4j.optimize=false",
  "-Disr4j.dev=true", ...ONLY];
// wrangler needs the project's pinned Node (node_modules/.bin/node), as `npm run` would put it first on PATH.
const env = { ...process.env, PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH ?? ""}` };
const ANSWER = /^@isr4j (ok|failed|restart)\b ?(\S*) ?(.*)$/;

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

const seconds = (started) => ((Date.now() - started) / 1000).toFixed(1);
const report = (ok, started) =>
  console.log(ok ? `[isr4j dev] built in ${seconds(started)} s` : `[isr4j dev] the build failed (${seconds(started)} s); fix it and save again`);

/** A fresh `mvn package` (--no-server, and the loop's fallback when the server cannot start). */
function mavenBuild(offline) {
  const started = Date.now();
  return new Promise((resolve) => {
    const mvn = spawn("mvn", offline ? ["-o", ...MAVEN] : MAVEN, { cwd: root, stdio: "inherit", env });
    mvn.on("exit", (code) => {
      report(code === 0, started);
      resolve(code === 0);
    });
  });
}

/**
 * The build server: Maven with -Disr4j.serve=true, which builds as `mvn package` does and then stays up, answering
 * a line per request. `waiting` is whoever waits for its next answer (one at a time); `ready`, its first build's.
 */
let server = null;
function startServer(offline) {
  const mvn = spawn("mvn", [...(offline ? ["-o"] : []), ...MAVEN, "-Disr4j.serve=true"], {
    cwd: root,
    stdio: ["pipe", "pipe", "inherit"],
    env,
  });
  const self = { mvn, waiting: null };
  createInterface({ input: mvn.stdout }).on("line", (line) => {
    const answer = ANSWER.exec(line);
    if (!answer) {
      console.log(line); // Maven's and the build's own output (javac's errors, TeaVM's summary)
      return;
    }
    settle(self, { kind: answer[1], path: answer[2] }); // restart's first word is the file that needs it
  });
  mvn.on("exit", () => {
    if (server === self) server = null;
    settle(self, { kind: "exit" });
  });
  server = self;
  self.ready = nextAnswer(self);
  return self;
}

/** The next answer of a server (its first build's, or a request's). */
const nextAnswer = (s) => new Promise((resolve) => (s.waiting = resolve));

/** Hands `answer` to whoever waits for the server's next one. */
function settle(s, answer) {
  const waiting = s.waiting;
  s.waiting = null;
  waiting?.(answer);
}

/** Stops the server (between builds: nothing is half-written); Maven would otherwise finish `package` first. */
function stopServer() {
  const s = server;
  if (!s) return Promise.resolve();
  server = null;
  return new Promise((resolve) => {
    if (s.mvn.exitCode !== null || s.mvn.signalCode !== null) return resolve();
    s.mvn.on("exit", resolve);
    s.mvn.kill("SIGTERM");
  });
}

/** Starts a server and waits for its first build; true when the worker was written. */
async function serverBuild(offline) {
  const started = Date.now();
  const answer = await startServer(offline).ready;
  report(answer.kind === "ok", started);
  return answer.kind === "ok";
}

/** One build of what changed, by the running server (started if none is). */
async function build(changed) {
  if (!useServer) return mavenBuild(true);
  if (!server) return serverBuild(true);
  const started = Date.now();
  const s = server;
  await s.ready; // a server started with --built may still be on its first build
  if (server !== s) return serverBuild(true);
  const pending = nextAnswer(s);
  s.mvn.stdin.write(`build${[...changed].map((path) => `\t${path}`).join("")}\n`);
  const answer = await pending;
  if (answer.kind === "restart") {
    console.log(`[isr4j dev] ${relative(root, answer.path) || answer.path}: outside the app module; a full Maven build`);
    await stopServer();
    return serverBuild(true);
  }
  if (answer.kind === "exit") {
    console.log("[isr4j dev] the build server stopped; starting it again");
    return serverBuild(true);
  }
  report(answer.kind === "ok", started);
  return answer.kind === "ok";
}

if (!alreadyBuilt && !(await (useServer ? serverBuild(false) : mavenBuild(false)))) {
  await stopServer();
  process.exit(1);
}
if (alreadyBuilt && useServer) {
  // Warms the server up while wrangler serves what the site's first build wrote: the same code, so the same worker.
  startServer(true).ready.then((answer) => {
    if (answer.kind !== "ok") console.log("[isr4j dev] the build server's first build failed; it builds again on the next save");
  });
}

const wrangler = spawn(bin("wrangler"), ["dev", "--port", "8787", "--ip", "127.0.0.1", ...wranglerExtra], {
  cwd: root,
  stdio: "inherit",
  env,
});
wrangler.on("exit", async (code) => {
  await stopServer();
  process.exit(code ?? 0);
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => wrangler.kill(signal));

// One build at a time; changes saved during a build start one more after it, with every file saved meanwhile.
let building = false;
let changed = new Set();
let timer = null;
async function rebuild() {
  if (building) return;
  building = true;
  while (changed.size > 0) {
    const paths = changed;
    changed = new Set();
    await build(paths);
  }
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
    changed.add(path);
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
