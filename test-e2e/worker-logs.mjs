// The worker's console output (workerd's stdout and stderr), for tests that assert on isr4j's log lines.
// Lines reach node through a pipe after the response they belong to, so waitFor polls with a deadline.
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";

export function workerLogs() {
  let text = "";
  const collect = (stream) => stream.on("data", (chunk) => void (text += chunk));
  return {
    /** Miniflare option: pass as startWorker({ miniflare: { handleRuntimeStdio: logs.handleRuntimeStdio } }). */
    handleRuntimeStdio(stdout, stderr) {
      collect(stdout);
      collect(stderr);
    },
    /** Everything logged so far. */
    text: () => text,
    /** The first line holding every fragment, once `count` such lines have arrived (fails after timeoutMs). */
    async waitFor(fragments, { count = 1, timeoutMs = 20_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const lines = text.split("\n").filter((l) => fragments.every((f) => l.includes(f)));
        if (lines.length >= count) return lines[0];
        if (Date.now() >= deadline) {
          assert.fail(`${lines.length} of ${count} log lines with ${JSON.stringify(fragments)} within ${timeoutMs} ms;` +
            ` logged:\n${text}`);
        }
        await sleep(20);
      }
    },
  };
}
