// CPU time of a process from /proc: user + system clock ticks of the process (all its threads: the
// thread-group leader's stat sums them), of its reaped children (cutime, cstime) and of any live
// descendants. Linux only.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";

let clockTicks = null;

/** sysconf(_SC_CLK_TCK), normally 100. */
export function clockTicksPerSecond() {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** Parses /proc/<pid>/stat; null when the process is gone. */
export function readStat(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  const close = text.lastIndexOf(")");
  const comm = text.slice(text.indexOf("(") + 1, close);
  const f = text.slice(close + 2).split(" "); // f[0] is field 3 (state)
  return {
    pid,
    comm,
    ppid: Number(f[1]),
    minflt: Number(f[7]), // field 10: minor page faults
    utime: Number(f[11]), // field 14
    stime: Number(f[12]), // field 15
    cutime: Number(f[13]), // field 16
    cstime: Number(f[14]), // field 17
  };
}

/** Every process: [{pid, comm, ppid, ...}]. */
export function listProcesses() {
  const out = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat !== null) out.push(stat);
  }
  return out;
}

/** Pids of the live workerd processes that are children of parentPid (this process by default). */
export function workerdChildren(parentPid = process.pid) {
  return new Set(listProcesses().filter((p) => p.ppid === parentPid && p.comm.startsWith("workerd")).map((p) => p.pid));
}

/**
 * CPU use of pid and its descendants, including their reaped children: user and system milliseconds and
 * minor page faults (those of live processes only).
 */
export function cpuUsage(pid) {
  const all = listProcesses();
  const byParent = new Map();
  for (const p of all) {
    if (!byParent.has(p.ppid)) byParent.set(p.ppid, []);
    byParent.get(p.ppid).push(p);
  }
  const root = all.find((p) => p.pid === pid);
  if (root === undefined) throw new Error(`process ${pid} is gone`);
  let user = 0;
  let system = 0;
  let minorFaults = 0;
  const stack = [root];
  for (let guard = 0; stack.length > 0 && guard < 10_000; guard++) {
    const p = stack.pop();
    user += p.utime + p.cutime;
    system += p.stime + p.cstime;
    minorFaults += p.minflt;
    for (const child of byParent.get(p.pid) ?? []) stack.push(child);
  }
  const ms = 1000 / clockTicksPerSecond();
  return { userMs: user * ms, systemMs: system * ms, totalMs: (user + system) * ms, minorFaults };
}

/** CPU milliseconds (user + system) of pid and its descendants. */
export function cpuMs(pid) {
  return cpuUsage(pid).totalMs;
}

/**
 * Waits until pid's CPU time stops growing (background work after the load, e.g. ctx.waitUntil KV
 * writes, has finished): two reads intervalMs apart within one tick. Bounded by maxMs.
 * @returns {Promise<{userMs: number, systemMs: number, totalMs: number, minorFaults: number}>} the final cpuUsage
 */
export async function settleCpu(pid, { intervalMs = 150, maxMs = 5000 } = {}) {
  const tick = 1000 / clockTicksPerSecond();
  const deadline = Date.now() + maxMs;
  let last = cpuUsage(pid);
  for (;;) {
    await new Promise((r) => setTimeout(r, intervalMs));
    const now = cpuUsage(pid);
    if (now.totalMs - last.totalMs <= tick || Date.now() >= deadline) return now;
    last = now;
  }
}
