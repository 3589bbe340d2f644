// Runs wrk and parses its report (wrk --latency prints the latency percentiles).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";

export const WRK = process.env.WRK ?? "wrk";

/** True when the wrk binary can be run. */
export function wrkAvailable() {
  if (WRK.includes("/")) return existsSync(WRK);
  return (process.env.PATH ?? "").split(":").some((dir) => dir && existsSync(`${dir}/${WRK}`));
}

/** "1.23ms", "850.00us", "2.01s", "3m" -> milliseconds. */
export function parseDuration(text) {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (m === null) throw new Error(`wrk: cannot read duration ${JSON.stringify(text)}`);
  const factor = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2]];
  return Number(m[1]) * factor;
}

/**
 * Parses wrk's stdout.
 * @returns {{requests: number, seconds: number, rps: number, latencyMs: {avg: number, p50: number,
 *   p75: number, p90: number, p99: number}, non2xx: number, socketErrors: {connect: number, read: number,
 *   write: number, timeout: number}, cache: object | null}}
 */
export function parseWrkOutput(out) {
  const need = (re, what) => {
    const m = re.exec(out);
    if (m === null) throw new Error(`wrk: no ${what} in its output:\n${out}`);
    return m;
  };
  const total = need(/^\s*(\d+) requests in ([\d.]+\w+),/m, "request count");
  const rps = need(/^Requests\/sec:\s+([\d.]+)/m, "Requests/sec");
  const avg = need(/^\s*Latency\s+([\d.]+\w+)/m, "average latency");
  const pct = (p) => parseDuration(need(new RegExp(`^\\s*${p}%\\s+([\\d.]+\\w+)`, "m"), `${p}% latency`)[1]);
  const non2xx = /^\s*Non-2xx or 3xx responses: (\d+)/m.exec(out);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const cache = /^BENCH_CACHE (\{.*\})$/m.exec(out);
  return {
    requests: Number(total[1]),
    seconds: parseDuration(total[2]) / 1000,
    rps: Number(rps[1]),
    latencyMs: { avg: parseDuration(avg[1]), p50: pct(50), p75: pct(75), p90: pct(90), p99: pct(99) },
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors: sock
      ? { connect: Number(sock[1]), read: Number(sock[2]), write: Number(sock[3]), timeout: Number(sock[4]) }
      : { connect: 0, read: 0, write: 0, timeout: 0 },
    cache: cache ? JSON.parse(cache[1]) : null,
  };
}

/**
 * One wrk run against url. Killed if it outlives seconds + 20 s.
 * @param {{url: string, seconds: number, threads?: number, connections?: number, script?: string,
 *   scriptArgs?: (string | number)[], timeoutSeconds?: number}} options
 */
export function runWrk({ url, seconds, threads = 2, connections = 16, script, scriptArgs = [], timeoutSeconds = 10 }) {
  const args = [`-t${threads}`, `-c${connections}`, `-d${Math.max(1, Math.round(seconds))}s`, "--latency", `--timeout`, `${timeoutSeconds}s`];
  if (script) args.push("-s", script);
  args.push(url);
  if (scriptArgs.length > 0) args.push("--", ...scriptArgs.map(String));
  return new Promise((resolve, reject) => {
    const child = spawn(WRK, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const killer = setTimeout(() => child.kill("SIGKILL"), (seconds + 20) * 1000);
    child.on("error", (e) => {
      clearTimeout(killer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      if (code !== 0) {
        reject(new Error(`wrk ${args.join(" ")} exited with ${code ?? signal}: ${stderr || stdout}`));
        return;
      }
      try {
        resolve({ ...parseWrkOutput(stdout), args, raw: stdout });
      } catch (e) {
        reject(e);
      }
    });
  });
}
