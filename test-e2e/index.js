// Entry point for `node --test test-e2e/`: Node 22 does not search a directory argument for test files
// (it resolves it like a module, i.e. to this index.js), so this file loads every suite in the folder.
// Running the files directly also works: node --test --test-concurrency=1 'test-e2e/*.test.mjs'
import "./skeleton.test.mjs";
import "./isr.test.mjs";
import "./kv.test.mjs";
import "./teardown.test.mjs";
import "./conformance.test.mjs";
import "./data-cache.test.mjs";
import "./pages.test.mjs";
import "./failures.test.mjs";
import "./header-injection.test.mjs";
import "./deadlines.test.mjs";
import "./host.test.mjs";
import "./bench.test.mjs";
