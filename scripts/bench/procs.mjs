// Child processes for the benchmark: each runs in its own process group so
// that stopping it ends its children too (nginx workers, Node cluster workers).
import { spawn, spawnSync } from "node:child_process";
import { closeSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { cpus } from "node:os";

const live = new Set();

/**
 * Starts `command` (optionally pinned with taskset) in a new process group.
 * With `stdoutFile`, its stdout goes to that file, as a deployment's log
 * would: a pipe read by this busy process can fill and block a gateway that
 * writes a line per request (workerd's console.log), which measured this
 * script rather than the gateway.
 */
export function launch(command, args, { env = {}, cpus, cwd, stdoutFile } = {}) {
  const [file, argv] = cpus ? ["taskset", ["-c", cpus, command, ...args]] : [command, args];
  const stdoutFd = stdoutFile === undefined ? "pipe" : openSync(stdoutFile, "w");
  const child = spawn(file, argv, {
    cwd,
    env: { ...process.env, NO_COLOR: "1", ...env },
    stdio: ["ignore", stdoutFd, "pipe"],
    detached: true,
  });
  if (stdoutFile !== undefined) closeSync(stdoutFd);
  let output = "";
  const keep = (data) => (output = (output + data).slice(-20_000));
  child.stdout?.on("data", keep);
  child.stderr.on("data", keep);
  child.on("error", (error) => keep(`\nspawn error: ${error.message}\n`));
  live.add(child);
  const logged = () => {
    try {
      return readFileSync(stdoutFile, "utf8").slice(-20_000);
    } catch {
      return "";
    }
  };
  return {
    child,
    pid: child.pid,
    output: () => (stdoutFile === undefined ? output : `${logged()}${output}`),
    stop: async () => {
      await stop(child);
      if (stdoutFile !== undefined) rmSync(stdoutFile, { force: true });
    },
  };
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch { /* group already gone */ }
}

/** SIGTERM to the group, SIGKILL after 3 s (or at once if the leader is gone). */
export async function stop(child) {
  if (child.pid === undefined) return;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    killGroup(child, "SIGTERM");
    await Promise.race([exited, sleep(3000)]);
  }
  killGroup(child, "SIGKILL");
  live.delete(child);
}

/** Last resort, synchronous: used from process.on("exit"). */
export function killAll() {
  for (const child of live) killGroup(child, "SIGKILL");
  live.clear();
}

export const stopAll = () => Promise.all([...live].map(stop));

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A loopback port that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** One HTTP/1.1 request to 127.0.0.1; resolves with status and body (as a string, or its length). */
export function request(port, { method = "GET", path = "/", headers = {}, timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, method, path, headers, agent: false, timeout: timeoutMs },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode, headers: res.headers, body: body.toString() });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}

/** Waits until something answers HTTP on `port`, the process exits, or time runs out. */
export async function untilServing(port, proc, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end && proc.child.exitCode === null && proc.child.signalCode === null) {
    if (await request(port, { path: "/__ready", timeoutMs: 2000 }).then(() => true, () => false)) {
      return true;
    }
    await sleep(150);
  }
  return false;
}

/** Pins this process (all threads) to `cpus`. */
export function pinSelf(cpus) {
  spawnSync("taskset", ["-a", "-p", "-c", cpus, String(process.pid)], { stdio: "ignore" });
}

/** Every live process: pid -> fields after the command name of /proc/<pid>/stat. */
function processTable() {
  const table = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      table.set(Number(entry), stat.slice(stat.lastIndexOf(")") + 2).split(" "));
    } catch { /* exited meanwhile */ }
  }
  return table;
}

/** `pid` and all its descendants. */
function tree(pid, table = processTable()) {
  const members = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [child, fields] of table) {
      if (members.has(Number(fields[1])) && !members.has(child)) {
        members.add(child);
        grew = true;
      }
    }
  }
  return members;
}

/** How many processes `pid` and its descendants are. */
export const processCount = (pid) => tree(pid).size;

/** RSS in bytes of `pid` plus all its descendants, from /proc. */
export function treeRss(pid) {
  let total = 0;
  for (const p of tree(pid)) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      if (match) total += Number(match[1]) * 1024;
    } catch { /* exited meanwhile */ }
  }
  return total;
}

// CPU time in clock ticks: utime + stime + cutime + cstime (reaped children).
const ticks = (fields) =>
  fields ? [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) : 0;

function cpuSnapshot(roots) {
  const [total, idle] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(
    1,
  )
    .map(Number).reduce(([t, i], v, k) => [t + v, k === 3 || k === 4 ? i + v : i], [0, 0]);
  const table = processTable();
  let ours = ticks(table.get(process.pid)); // this driver, with wrk and curl once reaped
  const seen = new Set([process.pid]);
  for (const root of roots) {
    for (const p of tree(root, table)) {
      if (!seen.has(p)) ours += ticks(table.get(p));
      seen.add(p);
    }
  }
  return { total, busy: total - idle, ours };
}

const TICK_US = 1e6 / 100; // USER_HZ is 100 on Linux

/** CPU time (µs) the trees of `pids` have used so far. */
export function treeCpuMicros(pids) {
  const table = processTable();
  const members = new Set(pids.flatMap((pid) => [...tree(pid, table)]));
  let total = 0;
  for (const p of members) total += ticks(table.get(p));
  return total * TICK_US;
}

/**
 * The share of all CPU time the hypervisor gave to other guests ("steal")
 * between two calls: `const done = stealMeter(); ...; done()` gives a percentage.
 */
export function stealMeter() {
  const read = () =>
    readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const start = read();
  return () => {
    const delta = read().map((v, i) => v - start[i]);
    const total = delta.reduce((sum, v) => sum + v, 0);
    return total > 0 ? (100 * (delta[7] ?? 0)) / total : 0;
  };
}

/**
 * Measures CPU used by processes other than this benchmark's (the driver,
 * wrk/curl, and the trees of `roots`): stop() gives it in cores.
 */
export function cpuMeter(roots) {
  const start = cpuSnapshot(roots);
  return {
    stop() {
      const end = cpuSnapshot(roots);
      const span = end.total - start.total;
      if (span <= 0) return { foreign: 0, ours: 0 };
      const cores = cpus().length;
      const ours = ((end.ours - start.ours) / span) * cores;
      const busy = ((end.busy - start.busy) / span) * cores;
      return { foreign: Math.max(0, busy - ours), ours };
    },
  };
}

/**
 * Waits (at most `maxMs`) until processes outside this benchmark use less than
 * `threshold` cores over a 2 s window. Returns the last reading, in cores.
 */
export async function untilQuiet(roots, { threshold = 0.15, maxMs = 120_000, log } = {}) {
  const end = Date.now() + maxMs;
  let told = false;
  for (;;) {
    const meter = cpuMeter(roots);
    await sleep(2000);
    const { foreign } = meter.stop();
    if (foreign < threshold || Date.now() >= end) return foreign;
    if (!told) {
      log?.(
        `  other processes use ${foreign.toFixed(2)} cores: waiting up to ${
          Math.round((end - Date.now()) / 1000)
        } s for quiet`,
      );
    }
    told = true;
  }
}

/** Samples treeRss(pids) every `everyMs` until stopped; returns { peak, samples }. */
export function sampleRss(pids, everyMs = 100) {
  let peak = 0;
  let samples = 0;
  const take = () => {
    const total = pids.reduce((sum, pid) => sum + treeRss(pid), 0);
    peak = Math.max(peak, total);
    samples++;
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { peak, samples };
    },
  };
}
