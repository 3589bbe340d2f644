// Miniflare options for the worker that wrangler.jsonc deploys, read from wrangler.jsonc itself, so the end-to-end
// tests run with the bindings `wrangler dev` gives it: a KV namespace, D1 database, R2 bucket, Durable Object or
// var added there needs no change here or in the tests. A binding of a kind this file does not map yet fails,
// naming it, instead of going missing.
//
//   const mf = new Miniflare(miniflareOptions({ bindings: { ISR_REVALIDATE_SECRET: "e2e-secret" } }));
//   await applyD1Migrations(mf);   // every D1 database's schema and seed, from its migrations folder
//
// Data is in memory (fresh for every Miniflare), never .wrangler/state; .dev.vars is not read (pass secrets as
// `bindings`), so the tests do not depend on what `npm start` left behind.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The site's folder: the one holding wrangler.jsonc. */
export const SITE_ROOT = fileURLToPath(new URL("..", import.meta.url));
export const CONFIG = join(SITE_ROOT, "wrangler.jsonc");

/** Module rules wrangler applies after a config's own `rules` (its defaults). */
const DEFAULT_RULES = [
  { type: "ESModule", globs: ["**/*.mjs"] },
  { type: "CommonJS", globs: ["**/*.js", "**/*.cjs"] },
  { type: "CompiledWasm", globs: ["**/*.wasm", "**/*.wasm?module"] },
  { type: "Text", globs: ["**/*.txt", "**/*.html", "**/*.sql"] },
  { type: "Data", globs: ["**/*.bin"] },
];

/** Top-level keys of a wrangler config that declare bindings this file does not map to Miniflare. */
const UNMAPPED_BINDINGS = [
  "services", "queues", "hyperdrive", "vectorize", "ai", "analytics_engine_datasets", "browser", "images",
  "send_email", "dispatch_namespaces", "mtls_certificates", "workflows", "version_metadata", "secrets_store_secrets",
  "pipelines", "assets", "wasm_modules", "text_blobs", "data_blobs", "unsafe",
];

/** JSON with comments (// and /* *\/) and trailing commas, as wrangler accepts it, parsed; strings are left alone. */
export function parseJsonc(text) {
  return JSON.parse(withoutTrailingCommas(withoutComments(text)));
}

function withoutComments(text) {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end + 1);
      i = end;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 1;
      out += " ";
    } else {
      out += c;
    }
  }
  return out;
}

function withoutTrailingCommas(text) {
  const closes = /\s*[}\]]/y; // what follows a trailing comma
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end + 1);
      i = end;
    } else if (c === ",") {
      closes.lastIndex = i + 1;
      if (!closes.test(text)) out += c;
    } else {
      out += c;
    }
  }
  return out;
}

/** The index of the quote that closes the string starting at `start`. */
function stringEnd(text, start) {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
  return i;
}

/** The site's wrangler.jsonc (or the config at `path`) as an object. */
export function readWranglerConfig(path = CONFIG) {
  try {
    return parseJsonc(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`${path} is not JSON with comments: ${e.message}`);
  }
}

/**
 * Miniflare options for the worker that the config at `configPath` deploys: its modules (`main` and every file
 * beside it that the build wrote, typed by the config's `rules`), compatibility date and flags, and its bindings.
 * `bindings` adds or replaces vars (secrets, say); anything else in `overrides` is passed to Miniflare as it is.
 */
export function miniflareOptions({ configPath = CONFIG, bindings = {}, ...overrides } = {}) {
  const config = readWranglerConfig(configPath);
  const root = dirname(configPath);
  for (const key of UNMAPPED_BINDINGS) {
    if (config[key] !== undefined) {
      throw new Error(`${configPath} declares "${key}", which test-e2e/wrangler-config.mjs does not map to `
        + "Miniflare yet: add it to miniflareOptions (Miniflare's option of the same kind)");
    }
  }
  const sqliteClasses = new Set((config.migrations ?? []).flatMap((m) => m.new_sqlite_classes ?? []));
  return {
    modules: modules(config, root, configPath),
    modulesRoot: root,
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags ?? [],
    cf: false, // the placeholder Request.cf, never fetched from the network
    bindings: { ...(config.vars ?? {}), ...bindings },
    kvNamespaces: byBinding(config.kv_namespaces, "binding", (kv) => kv.id ?? kv.binding),
    d1Databases: byBinding(config.d1_databases, "binding", (db) => db.database_id ?? db.binding),
    r2Buckets: byBinding(config.r2_buckets, "binding", (r2) => r2.bucket_name ?? r2.binding),
    durableObjects: byBinding(config.durable_objects?.bindings, "name", (d) => ({
      className: d.class_name,
      ...(d.script_name ? { scriptName: d.script_name } : {}),
      useSQLite: sqliteClasses.has(d.class_name),
    })),
    ...overrides,
  };
}

/**
 * Creates every D1 database's tables from its migrations folder (`migrations_dir`, default `migrations`), as
 * `wrangler d1 migrations apply` does on a new database and as the JUnit tests' kit does: each `*.sql` file, those
 * whose name starts with a number in that number's order, then the others by name, as one transaction that also
 * records its name in `d1_migrations`.
 *
 * @returns the migrations applied, e.g. ["DB: 0001_create_posts.sql", "DB: 0002_seed.sql"]
 */
export async function applyD1Migrations(mf, configPath = CONFIG) {
  const config = readWranglerConfig(configPath);
  const applied = [];
  for (const entry of config.d1_databases ?? []) {
    const folder = join(dirname(configPath), entry.migrations_dir ?? "migrations");
    if (!existsSync(folder)) continue;
    const db = await mf.getD1Database(entry.binding);
    await db.prepare("CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, "
      + "name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)").run();
    for (const file of readdirSync(folder).filter((f) => f.endsWith(".sql")).sort(migrationOrder)) {
      const statements = splitSql(readFileSync(join(folder, file), "utf8")).map((sql) => db.prepare(sql));
      statements.push(db.prepare("INSERT INTO d1_migrations (name) VALUES (?)").bind(file));
      try {
        await db.batch(statements);
      } catch (e) {
        throw new Error(`migration ${join(folder, file)} failed: ${e.cause?.message ?? e.message}`);
      }
      applied.push(`${entry.binding}: ${file}`);
    }
  }
  return applied;
}

/** Numbered migrations first (`2_a.sql` before `10_b.sql`), by that number; then the rest, by name. */
function migrationOrder(a, b) {
  const x = parseInt(a.split("_")[0], 10);
  const y = parseInt(b.split("_")[0], 10);
  if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) {
    if (Number.isNaN(x)) return 1;
    if (Number.isNaN(y)) return -1;
    return x - y;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A migration's statements: split at semicolons outside strings, quoted names, comments and BEGIN/CASE ... END
 * (a trigger's body); comments are dropped.
 */
export function splitSql(text) {
  const statements = [];
  let current = "";
  let depth = 0;
  const flush = () => {
    if (current.trim()) statements.push(current.trim());
    current = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"' || c === "`") {
      const close = c;
      let j = i + 1;
      while (j < text.length && !(text[j] === close && text[j + 1] !== close)) j += text[j] === close ? 2 : 1;
      current += text.slice(i, j + 1);
      i = j;
    } else if (c === "-" && text[i + 1] === "-") {
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 1;
      current += " ";
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < text.length && /[A-Za-z0-9_$]/.test(text[j])) j++;
      const word = text.slice(i, j).toUpperCase();
      if (word === "BEGIN" || word === "CASE") depth++;
      else if (word === "END" && depth > 0) depth--;
      current += text.slice(i, j);
      i = j - 1;
    } else if (c === ";" && depth === 0) {
      flush();
    } else {
      current += c;
    }
  }
  flush();
  return statements;
}

/** `{ [entry[key]]: value(entry) }` for a list of binding entries. */
function byBinding(entries, key, value) {
  return Object.fromEntries((entries ?? []).map((entry) => [entry[key], value(entry)]));
}

/**
 * `main` first, then every file under main's folder matched by a module rule (the config's, then wrangler's
 * defaults): what the build wrote there. Listing them is needed because TeaVM's runtime uses a dynamic import(),
 * which defeats Miniflare's module discovery.
 */
function modules(config, root, configPath) {
  if (!config.main) throw new Error(`${configPath} has no "main"`);
  const main = join(root, config.main);
  if (!existsSync(main)) {
    throw new Error(`${main} is missing: build the worker first (mvn package, or npm test, which runs it)`);
  }
  const rules = [...(config.rules ?? []), ...DEFAULT_RULES].map((rule) => ({
    type: rule.type,
    patterns: rule.globs.map(globToRegExp),
  }));
  const base = dirname(main);
  const found = [{ type: "ESModule", path: main }];
  for (const path of listFiles(base)) {
    if (path === main) continue;
    const name = relative(base, path).split(sep).join("/");
    const rule = rules.find((r) => r.patterns.some((p) => p.test(name)));
    if (rule) found.push({ type: rule.type, path });
  }
  return found;
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}

/** A wrangler rule's glob (`**` any folders, `*` and `?` within one name) as a RegExp over a relative path. */
function globToRegExp(glob) {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      re += glob[i + 2] === "/" ? "(?:.*/)?" : ".*";
      i += glob[i + 2] === "/" ? 2 : 1;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}
