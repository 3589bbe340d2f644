// TeaVM's JS runtime as the worker ships it (the fixture app's worker-java/fixtures/worker/build/teavm-runtime.mjs, rewritten by the Maven plugin's
// TeaVMRuntimeText): each per-arity helper is compiled (`new Function`) only when the module asks for it, alone.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FIXTURE_BUILD, fromRoot } from "./worker-modules.mjs";

const { defaults } = await import(fromRoot(`${FIXTURE_BUILD}/teavm-runtime.mjs`));

describe("the shipped TeaVM runtime", () => {
  it("compiles a helper when it is first read, and only that one", () => {
    const RealFunction = globalThis.Function;
    let made = 0;
    globalThis.Function = new Proxy(RealFunction, {
      construct(target, args) {
        made++;
        return Reflect.construct(target, args);
      },
    });
    try {
      const imports = {};
      defaults(imports, {}, false);
      const before = made;
      const call2 = imports.teavmJso.callFunction2;
      assert.equal(made - before, 1, "reading callFunction2 compiles it alone");
      assert.equal(call2((a, b) => a + b, 2, 3), 5);
      assert.equal(imports.teavmJso.callFunction2, call2, "made once, then kept");
      assert.deepEqual(imports.teavmJso.arrayOf3(1, 2, 3), [1, 2, 3]);
      assert.equal(made - before, 2);
      const bound = imports.teavmJso.bindFunction1((a, b) => a * b, 6);
      assert.equal(bound(7), 42);
      assert.equal(made - before, 2, "bindFunction needs no compilation");
    } finally {
      globalThis.Function = RealFunction;
    }
  });
});
