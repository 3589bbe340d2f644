// The modules of the isr4j worker as Miniflare must be told them (the TeaVM runtime's dynamic import()
// defeats Miniflare's module discovery). Paths are absolute, resolved from the repository root.
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
export const fromRoot = (relative) => fileURLToPath(new URL(relative, new URL("..", import.meta.url)));

/** The shim, the Java module, TeaVM's runtime, isr4j's JS primitives and the prerendered pages; optionally after a main module. */
export function workerModules(mainModule) {
  const modules = [
    { type: "ESModule", path: fromRoot("worker-shim/isr4j-worker.mjs") },
    { type: "CompiledWasm", path: fromRoot("worker-shim/build/isr4j.wasm") },
    { type: "ESModule", path: fromRoot("worker-shim/build/teavm-runtime.mjs") },
    { type: "ESModule", path: fromRoot("worker-shim/build/isr4j-js.mjs") },
    { type: "ESModule", path: fromRoot("worker-shim/build/prerendered.mjs") },
  ];
  return mainModule ? [{ type: "ESModule", path: fromRoot(mainModule) }, ...modules] : modules;
}
