// Times the top-level evaluation of the fixture app's shim (worker-java/fixtures/worker/isr4j-worker.mjs) in node
// (same V8 as workerd, where timers do not advance while a module evaluates, so it cannot be timed in workerd
// itself).
// The .wasm import is served, as workerd's CompiledWasm does, as an already compiled WebAssembly.Module;
// the Wasm module and the TeaVM runtime are loaded first, so the timed import() is the shim's own
// top-level code: TeaVM runtime setup, Wasm instantiation (Java static init, the app's routes), exports.
// Prints one JSON line: {compileMs (loading the companions, mostly compiling the Wasm), evaluateMs,
// firstRequestMs, status}.
import { registerHooks } from "node:module";
import { pathToFileURL } from "node:url";

if (typeof registerHooks !== "function") {
  throw new Error(`node ${process.version} has no module.registerHooks (needs node >= 22.15)`);
}
registerHooks({
  load(url, context, nextLoad) {
    if (url.endsWith(".wasm")) {
      const source = `import { readFileSync } from "node:fs";\n` +
        `export default new WebAssembly.Module(readFileSync(new URL(${JSON.stringify(url)})));\n`;
      return { format: "module", source, shortCircuit: true };
    }
    return nextLoad(url, context);
  },
});

const { workerModules } = await import("../../worker-modules.mjs");
const [shim, ...companions] = workerModules().map((m) => pathToFileURL(m.path).href);

// The Wasm module (compiled here, as workerd compiles a CompiledWasm module before the worker starts),
// TeaVM's runtime and every other module the shim imports: loaded before the clock starts.
let t = performance.now();
for (const url of companions) await import(url);
const compileMs = performance.now() - t;

t = performance.now();
const { default: worker } = await import(shim);
const evaluateMs = performance.now() - t;

// Proof that it instantiated: one request that needs no KV. Node loads its fetch classes (undici) on their first
// use, ~13 ms here, which workerd never pays: one Request, Headers and Response are made first, off the clock, so
// firstRequestMs is the worker's own.
await new Response(new Request("http://localhost/", { headers: new Headers({ a: "b" }) }).body).text();
const ctx = { waitUntil() {}, passThroughOnException() {} };
t = performance.now();
const res = await worker.fetch(new Request("http://localhost/api/hello"), { ISR_MODE: "production" }, ctx);
await res.text();
const firstRequestMs = performance.now() - t;
// End at once: node keeps running after this, and even process.exit() waits for V8's background work on the
// Wasm module (over a minute of CPU here since TeaVM's strict checks), which a long-lived isolate never notices.
process.stdout.write(`${JSON.stringify({ compileMs, evaluateMs, firstRequestMs, status: res.status })}\n`);
process.kill(process.pid, "SIGKILL"); // pipes are synchronous on Linux: the line is out
