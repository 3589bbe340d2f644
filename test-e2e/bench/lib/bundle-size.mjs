// Size of the deployable bundle of the example app (worker-shim/build, which `mvn package` writes besides the
// fixture app the other measurements run): `wrangler deploy --dry-run --outdir <tmp>` on the repository's root
// wrangler.jsonc, then gzip (zlib level 9) of each uploaded file (source maps and wrangler's README
// left out), summed. Also records wrangler's own "Total Upload: ... / gzip: ..." line.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { REPO_ROOT, fromRoot } from "./paths.mjs";

export function measureBundle() {
  const outdir = mkdtempSync(join(tmpdir(), "isr4j-bench-bundle-"));
  try {
    const r = spawnSync(process.execPath, [fromRoot("node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", outdir], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      timeout: 180_000,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0" },
    });
    if (r.status !== 0) throw new Error(`wrangler deploy --dry-run failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
    const output = `${r.stdout}\n${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, "");
    const files = readdirSync(outdir)
      .filter((f) => !f.endsWith(".map") && f !== "README.md" && statSync(join(outdir, f)).isFile())
      .map((f) => {
        const bytes = readFileSync(join(outdir, f));
        return { file: f, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
      });
    const wrangler = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output);
    return {
      method: "gzip -9 (zlib) of each uploaded file, summed; source maps and README.md excluded",
      files,
      bytes: files.reduce((a, f) => a + f.bytes, 0),
      gzipBytes: files.reduce((a, f) => a + f.gzipBytes, 0),
      wranglerTotalKiB: wrangler ? Number(wrangler[1]) : null,
      wranglerGzipKiB: wrangler ? Number(wrangler[2]) : null,
      warnings: [...output.matchAll(/\[WARNING\] ([^\n]+)/g)].map((m) => m[1].trim()),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
