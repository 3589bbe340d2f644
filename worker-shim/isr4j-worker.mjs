// isr4j worker shim: instantiates the TeaVM-compiled Java module once, at module top level, and hands
// every fetch to Java. It decides nothing about routing or caching.
// build/ is what isr4j-maven-plugin writes: the module, TeaVM's runtime, the prerendered pages, and copies of
// isr4j-js.mjs and no-node-fs.mjs (whose source, in isr4j's repository, sits beside this file).
import javaModule from "./build/isr4j.wasm";
import { defaults } from "./build/teavm-runtime.mjs";
import prerendered, { buildId } from "./build/prerendered.mjs";
import * as isr4jJs from "./build/isr4j-js.mjs";

// Workers cap an isolate at 128 MiB; the linear memory only holds byte buffers crossing to JS.
const MAX_LINEAR_MEMORY = 128 << 20;

function memoryRequirements(module) {
  const [section] = WebAssembly.Module.customSections(module, "teavm.memoryRequirements");
  return section ? JSON.parse(new TextDecoder().decode(section)) : {};
}

// TeaVM's own load() compiles from bytes, which Workers forbid; this does the same wiring for a
// module that wrangler already compiled at upload.
function instantiate(module) {
  const imports = {};
  const exports = {};
  // false: workerd compiles at upload without the js-string builtins, so strings go through polyfills.
  const runtime = defaults(imports, exports, false);
  const { dataSize = 0, min = 1 } = memoryRequirements(module);
  const heapOffset = (dataSize + 7) & ~7;
  const memory = new WebAssembly.Memory({ initial: Math.max(min, 1), maximum: MAX_LINEAR_MEMORY >> 16 });
  imports.env = { memory };
  imports.teavmMemory = {
    linearMemory: () => memory.buffer,
    notifyHeapResized() {},
    heapOffset: new WebAssembly.Global({ value: "i32", mutable: false }, heapOffset),
    maxSize: new WebAssembly.Global({ value: "i32", mutable: false }, MAX_LINEAR_MEMORY),
  };
  // The runtime resolves globals with `new Function`, which workerd refuses after start-up.
  const resolveGlobal = imports.teavmJso.global;
  const globals = new Map();
  imports.teavmJso.global = (name) => {
    let value = globals.get(name);
    if (value === undefined) globals.set(name, (value = name in globalThis ? globalThis[name] : resolveGlobal(name)));
    return value;
  };
  // Java threads (one per request) start through the runtime's event queue, which uses setTimeout even
  // for work due now; a microtask starts them without a trip through the timer queue. Timed waits keep
  // setTimeout. Negative ids tell kill() which is which.
  // The microtask is a reaction to a settled promise, not queueMicrotask: workerd keeps a queueMicrotask
  // callback reachable after it ran until V8's next full GC, and this one reaches the request's thread and so
  // its Response, whose copy of the body lies outside V8's heap and never prompts that GC (a 1 MiB HIT left a
  // fresh MiB behind per request). A promise reaction holds nothing once it has run.
  // A trap (e.g. a stack overflow) skips every Java catch and lands in whoever called into the module: here,
  // for threads starting or waking from a timer. Java answers for the thread that was running.
  // A module built with method names (a development build) names its functions in JS stacks as Class::method, so
  // a Java exception's stack trace is made from them (TeaVM's own needs a deobfuscator this shim does not ship);
  // the frames of the exception's own construction are left out. Other modules keep TeaVM's frames.
  if (WebAssembly.Module.customSections(module, "name").length > 0) {
    imports.teavm.takeStackTrace = () => {
      const frames = isr4jJs.javaFrames(new Error().stack);
      return { getStack: () => frames };
    };
  }
  const { offer, kill } = imports.teavmAsync;
  const settled = Promise.resolve();
  const cancelled = new Set();
  let nextId = 0;
  const guarded = (fn) => (instance) => {
    try {
      fn(instance);
    } catch (error) {
      exports.trapped(error);
    }
  };
  imports.teavmAsync.offer = (instance, fn, time) => {
    if (time > Date.now()) return offer(instance, guarded(fn), time);
    const id = --nextId;
    settled.then(() => cancelled.delete(id) || guarded(fn)(instance));
    return id;
  };
  imports.teavmAsync.kill = (id) => (id < 0 ? cancelled.add(id) : kill(id));
  for (const { module: from } of WebAssembly.Module.imports(module)) {
    if (!(from in imports)) throw new Error(`isr4j: the Java module imports "${from}", which this shim does not provide`);
  }
  const instance = new WebAssembly.Instance(module, imports);
  runtime.supplyExports(instance.exports);
  for (const [name, value] of Object.entries(instance.exports)) {
    if (value instanceof WebAssembly.Global) exports[name] = value.value;
  }
  return exports;
}

// The Java module's longer JS primitives: its @JSBody scripts call them by this name.
globalThis.isr4jJs = isr4jJs;
const java = instantiate(javaModule);
java.prerendered(prerendered, buildId); // pages rendered at build time (mvn package), served as HITs
// Java builds the app now, not on the first request (see WorkerMain.warm). Best effort (Java catches its own
// failures; a trap must not stop the module from loading).
try {
  java.warm();
} catch (error) {
  console.error("[isr4j] warming up at start-up failed; the first request starts the app:", error);
}

export default {
  // Then one loop over Java's steps (dev.isr4j.runtime.Exchange): Java answers (a Response), starts the reads an answer
  // needs (a promise whose result goes back to Java with its handle), or hands the request to a green thread (a
  // number: the handle), because a handler may suspend. A HIT is answered after its one read, without a thread.
  async fetch(request, env, ctx) {
    // An answer Java issued a ticket for, replayed as Java said (the isolate memory tier, see isr4j-js.mjs).
    const replayed = isr4jJs.replay(request);
    if (replayed !== null) return replayed;
    let handle = -1;
    let read = null;
    for (;;) {
      let next = handle;
      try {
        next = java.step(request, env, ctx, handle, read);
      } catch (error) {
        // Never expected (a step reaches nothing that suspends): a trap. The thread decides what is left.
        console.error("[isr4j] a step failed; the request runs on a thread:", error);
      }
      if (typeof next === "number") return new Promise((resolve) => java.run(request, env, ctx, resolve, next));
      if (typeof next.then !== "function") return next;
      handle = next.isr4jHandle;
      try {
        read = await next;
      } catch {
        read = null; // a failed read: Java reads it again on the thread, and reports it
      }
    }
  },
};

// The coordinator Durable Object (binding ISR_COORDINATOR, SQLite storage): regeneration leases and tag
// records. Its rules are Java's; this hands each call and the object's storage over, as fetch does above.
export class IsrCoordinator {
  constructor(ctx) {
    this.sql = ctx.storage.sql;
    java.coordinatorOpen(this.sql);
  }

  async fetch(request) {
    const body = await request.text();
    const answer = await new Promise((resolve) => java.coordinate(this.sql, body, resolve));
    return new Response(answer, { headers: { "content-type": "application/json" } });
  }
}
