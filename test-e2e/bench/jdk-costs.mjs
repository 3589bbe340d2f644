#!/usr/bin/env node
// What each JDK area (and isr4j's JSON binding and jte) adds to the example's gzipped Wasm module, measured:
// for every probe below, a scratch copy of this checkout gets one extra route whose handler uses that area,
// is built with Maven exactly as `npm run build` builds it (TeaVM, then binaryen), and the gzipped module is
// compared with the same copy built without a probe. Prints a Markdown table (docs/wasm-costs.md holds the
// last one). About a minute per probe on 2 cores.
//
//   node test-e2e/bench/jdk-costs.mjs [probe ...]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { REPO_ROOT } from "./lib/paths.mjs";

// Each probe: Java statements returning a String from `String in` (the request's query), so TeaVM cannot fold them.
const PROBES = {
  "java.time (Instant.parse, DateTimeFormatter)": `return java.time.Instant.parse(in).plusSeconds(60).toString()
        + java.time.format.DateTimeFormatter.ISO_LOCAL_DATE.format(java.time.LocalDate.now());`,
  "String.format": `return String.format("%s has %d items at %.2f", in, in.length(), in.length() / 3.0);`,
  "streams": `return java.util.Arrays.stream(in.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .sorted().collect(java.util.stream.Collectors.joining("|"));`,
  "regex (java.util.regex)": `return java.util.regex.Pattern.compile("([a-z]+)-(\\\\d+)").matcher(in).replaceAll("$2:$1");`,
  "BigDecimal": `return new java.math.BigDecimal(in).multiply(new java.math.BigDecimal("1.19"))
        .setScale(2, java.math.RoundingMode.HALF_UP).toPlainString();`,
  "ConcurrentHashMap": `var m = new java.util.concurrent.ConcurrentHashMap<String, Integer>(); m.merge(in, 1, Integer::sum);
        return m.toString();`,
  "isr4j JSON binding (a @Jsonable record of strings and longs)": `return dev.isr4j.bind.JsonBinding.toJson(
        dev.isr4j.bind.JsonBinding.fromJson(in, Probe.Item.class));`,
  "isr4j JSON binding + Instant member": `return dev.isr4j.bind.JsonBinding.toJson(
        dev.isr4j.bind.JsonBinding.fromJson(in, Probe.Dated.class));`,
};

const RECORDS = `
    @dev.isr4j.bind.Jsonable
    public record Item(String id, String name, long count) {
    }

    @dev.isr4j.bind.Jsonable
    public record Dated(String id, java.time.Instant at) {
    }`;

const wanted = process.argv.slice(2);
const probes = Object.entries(PROBES).filter(([name]) => wanted.length === 0 || wanted.some((w) => name.includes(w)));
const scratch = mkdtempSync(join(tmpdir(), "isr4j-costs-"));
const EXAMPLE = "worker-java/example/src/main/java/dev/isr4j/example";

function build(dir) {
  execFileSync("mvn", ["-B", "-q", "-o", "package", "-Dmaven.test.skip=true", "-pl", "worker-java/example", "-am"],
    { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
  return gzipSync(readFileSync(join(dir, "worker-shim/build/isr4j.wasm")), { level: 9 }).length;
}

function withProbe(dir, body) {
  writeFileSync(join(dir, EXAMPLE, "Probe.java"), `package dev.isr4j.example;

final class Probe {
    static String run(String in) {
        ${body ?? "return in;"}
    }
${RECORDS}
}
`);
  const app = join(dir, EXAMPLE, "BlogApp.java");
  const source = readFileSync(app, "utf8");
  const marker = "App app = App.create();";
  if (!source.includes("/__probe")) {
    writeFileSync(app, source.replace(marker, `${marker}
        app.route("/__probe").get(req -> dev.isr4j.Response.text(Probe.run(String.valueOf(req.queryParam("in")))));`));
  }
}

try {
  const commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: REPO_ROOT }).toString().trim();
  execFileSync("git", ["clone", "-q", "--no-checkout", REPO_ROOT, scratch]);
  execFileSync("git", ["checkout", "-q", commit], { cwd: scratch });
  symlinkSync(join(REPO_ROOT, "node_modules"), join(scratch, "node_modules")); // binaryen
  withProbe(scratch, null);
  const base = build(scratch);
  const rows = [];
  for (const [name, body] of probes) {
    withProbe(scratch, body);
    const size = build(scratch);
    rows.push(`| ${name} | ${((size - base) / 1000).toFixed(1)} KB |`);
    console.error(`${name}: ${size} bytes (base ${base})`);
  }
  console.log(`Measured on the example at ${execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO_ROOT }).toString().trim()}; `
    + `gzipped module without a probe: ${(base / 1000).toFixed(1)} KB.\n`);
  console.log("| what the handler uses | added to the gzipped module |\n|---|---:|");
  console.log(rows.join("\n"));
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
