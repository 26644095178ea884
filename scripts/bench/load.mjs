// Load with wrk (1 thread, 50 connections, --latency), pinned to core 0.
import { spawn } from "node:child_process";
import { cpuMeter, sampleRss, stealMeter, treeCpuMicros } from "./procs.mjs";

export const HEADER = "X-Custom-PSK";

/** One wrk run; resolves with { rps, p50, p99 (ms), requests, non2xx, errors, raw }. */
export function wrk(port, { key, seconds, connections = 50, path = "/" }) {
  const args = [
    "-c",
    "0",
    "wrk",
    "-t1",
    `-c${connections}`,
    `-d${seconds}s`,
    "--latency",
    "--timeout",
    "10s",
  ];
  if (key !== undefined) args.push("-H", `${HEADER}: ${key}`);
  args.push(`http://127.0.0.1:${port}${path}`);
  return new Promise((resolve, reject) => {
    const child = spawn("taskset", args, { stdio: ["ignore", "pipe", "pipe"] });
    let raw = "";
    child.stdout.on("data", (d) => (raw += d));
    child.stderr.on("data", (d) => (raw += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), (seconds + 30) * 1000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`wrk exited with ${code}: ${raw.trim()}`));
      resolve(parseWrk(raw));
    });
  });
}

const UNIT_MS = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

export function parseWrk(raw) {
  const number = (re) => Number(re.exec(raw)?.[1] ?? NaN);
  const latency = (pct) => {
    const m = new RegExp(`^\\s*${pct}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, "m").exec(raw);
    return m ? Number(m[1]) * UNIT_MS[m[2]] : NaN;
  };
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(raw);
  return {
    rps: number(/Requests\/sec:\s+([\d.]+)/),
    p50: latency(50),
    p99: latency(99),
    requests: number(/(\d+) requests in/),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(raw)?.[1] ?? 0),
    errors: socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
    raw,
  };
}

export const median = (values) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * One wrk run against gateway `gw`, with the CPU time the gateway's processes
 * spent per request (µs), which the hypervisor's steal hardly moves, unlike
 * req/s, and the steal itself (% of all CPU time).
 */
async function run(gw, options) {
  const cpu0 = treeCpuMicros(gw.pids);
  const steal = stealMeter();
  const result = await wrk(gw.port, options);
  const cpuPerRequest = result.requests > 0
    ? (treeCpuMicros(gw.pids) - cpu0) / result.requests
    : NaN;
  return { ...result, cpuPerRequest, steal: steal() };
}

/**
 * Warm-up, then `rounds` × (accepted, rejected) runs against a started
 * gateway, sampling its RSS and the CPU other processes take meanwhile
 * (`roots`: the benchmark's other processes, e.g. nginx). Medians of each metric.
 */
export async function measure(
  gw,
  { key, wrongKey, seconds, rounds, warmup, rejected = true, log, roots = [] },
) {
  const rss = sampleRss(gw.pids);
  const meter = cpuMeter([...gw.pids, ...roots]);
  const runs = { accepted: [], rejected: [] };
  const problems = [];
  let peak = 0;
  try {
    if (warmup > 0) await wrk(gw.port, { key, seconds: warmup });
    for (let round = 1; round <= rounds; round++) {
      const a = await run(gw, { key, seconds });
      runs.accepted.push(a);
      log(`  round ${round}: accepted ${fmt(a)}`);
      if (a.non2xx > 0) problems.push(`${a.non2xx} accepted requests got a non-2xx answer`);
      if (rejected) {
        const r = await run(gw, { key: wrongKey, seconds });
        runs.rejected.push(r);
        log(`  round ${round}: rejected ${fmt(r)}`);
        if (r.non2xx !== r.requests) {
          problems.push(`${r.requests - r.non2xx} rejected requests got a 2xx/3xx`);
        }
      }
      for (const run of [a, runs.rejected.at(-1)]) {
        if (run?.errors > 0) problems.push(`${run.errors} socket errors`);
      }
    }
  } finally {
    peak = rss.stop().peak;
  }
  const cpu = meter.stop();
  const summary = (list) => ({
    rps: median(list.map((r) => r.rps)),
    p50: median(list.map((r) => r.p50)),
    p99: median(list.map((r) => r.p99)),
    cpuPerRequest: median(list.map((r) => r.cpuPerRequest)),
    steal: median(list.map((r) => r.steal)),
    runs: list.map(({ raw: _raw, ...rest }) => rest),
  });
  return {
    accepted: summary(runs.accepted),
    rejected: rejected ? summary(runs.rejected) : null,
    peakRss: peak,
    // Cores used meanwhile by processes outside the benchmark: a disturbed run if high.
    foreignCpu: cpu.foreign,
    problems: [...new Set(problems)],
  };
}

const fmt = (r) =>
  `${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, ` +
  `${r.cpuPerRequest.toFixed(0)} µs CPU/req, steal ${r.steal.toFixed(0)}%` +
  (r.non2xx ? `, ${r.non2xx} non-2xx` : "") + (r.errors ? `, ${r.errors} socket errors` : "");
