// What the benchmark measures: one entry per scenario, with the workers it applies to.
import { fromBench } from "./paths.mjs";

export const UNIQUE_PATHS_LUA = fromBench("lua/unique-paths.lua");

export const SCENARIOS = [
  {
    id: "hit-small",
    title: "HIT ~200-byte JSON",
    kind: "hit",
    path: "/api/products/1",
    // null: the baseline, measured with the same load in every scenario; isr4j answers from the regional copy
    // (the Cache API) or its memory tier, isr4j-kv with both off, from KV as the floor does, isr4j-l1 from its
    // memory tier (the regional tier off)
    workers: ["isr4j", "isr4j-kv", "isr4j-l1", "floor", "peer", "null"],
  },
  {
    id: "hit-large",
    title: "HIT 1 MiB binary",
    kind: "hit",
    path: "/api/large",
    workers: ["isr4j", "isr4j-kv", "isr4j-l1", "floor", "peer", "null"],
  },
  {
    id: "hit-huge",
    title: "HIT 30 MiB binary, body from R2 (pointer entry in the regional copy / KV)",
    kind: "hit",
    path: "/api/huge",
    workers: ["isr4j", "null"],
  },
  {
    id: "miss",
    title: "MISS: render and write (a new /api/products/<n> per request)",
    kind: "miss",
    base: "/api/products/",
    expect: "MISS",
    workers: ["isr4j", "isr4j-kv", "peer", "null"],
  },
  {
    id: "stale",
    title: "STALE: serve stale, regenerate in background (a stale /api/prices/<n> per request)",
    kind: "stale",
    base: "/api/prices/",
    expect: "STALE",
    workers: ["isr4j", "isr4j-kv", "peer", "null"],
  },
];

export const scenario = (id) => SCENARIOS.find((s) => s.id === id);

/** Prefix of the pre-warmed STALE paths: /api/prices/stale-<i>. */
export const STALE_PREFIX = "stale";
/** Extra pre-warmed STALE paths past the counted ones, for requests wrk sends after a thread stops. */
export const STALE_SPARES = 64;
