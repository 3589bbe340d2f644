#!/usr/bin/env node
// Publishes a benchmark run: copies results/latest.{json,md} to published/<date>-<commit>.{json,md} (commit
// them together, with no other change since the measured commit) and rewrites the table in docs/performance.md
// between <!-- bench:begin --> and <!-- bench:end --> from that JSON, so every number in it comes from a committed
// file. The README's short table of key figures is updated by hand from the same file.
//
//   node test-e2e/bench/publish.mjs [results/latest.json]
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { BENCH_DIR, REPO_ROOT, RESULTS_DIR } from "./lib/paths.mjs";
import { readmeTable } from "./lib/readme-table.mjs";

const source = process.argv[2] ?? join(RESULTS_DIR, "latest.json");
const results = JSON.parse(readFileSync(source, "utf8"));
if (results.meta.dirty) {
  console.error("publish: that run measured a working tree with uncommitted changes; commit, then run the benchmark again");
  process.exit(1);
}
const name = `${results.generatedAt.slice(0, 10)}-${results.meta.commit}`;
const dir = join(BENCH_DIR, "published");
mkdirSync(dir, { recursive: true });
const json = join(dir, `${name}.json`);
copyFileSync(source, json);
const md = source.replace(/\.json$/, ".md");
if (existsSync(md)) copyFileSync(md, join(dir, `${name}.md`));

const docPath = join(REPO_ROOT, "docs", "performance.md");
const doc = readFileSync(docPath, "utf8");
const begin = "<!-- bench:begin -->";
const end = "<!-- bench:end -->";
const from = doc.indexOf(begin);
const to = doc.indexOf(end);
if (from < 0 || to < from) {
  console.error(`publish: docs/performance.md has no ${begin} ... ${end} section`);
  process.exit(1);
}
const table = readmeTable(results, relative(REPO_ROOT, json));
writeFileSync(docPath, `${doc.slice(0, from + begin.length)}\n${table}\n${doc.slice(to)}`);
console.log(`published ${relative(REPO_ROOT, json)}; docs/performance.md's table rewritten from it (update the README's key figures)`);
