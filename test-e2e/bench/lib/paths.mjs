// Where things are.
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const BENCH_DIR = fileURLToPath(new URL("../", import.meta.url));
export const BUILD_DIR = fileURLToPath(new URL("../build/", import.meta.url));
export const RESULTS_DIR = fileURLToPath(new URL("../results/", import.meta.url));

/** Absolute path of a repository-relative path. */
export const fromRoot = (relative) => fileURLToPath(new URL(relative, new URL("../../../", import.meta.url)));
/** Absolute path of a path relative to test-e2e/bench/. */
export const fromBench = (relative) => fileURLToPath(new URL(relative, new URL("../", import.meta.url)));
