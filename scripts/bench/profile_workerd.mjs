// A CPU profile of a Worker under load: workerd has no --cpu-prof, so this
// starts `workerd serve` (as the benchmark does) with its inspector, drives
// V8's sampling profiler over the DevTools protocol while wrk runs, and
// prints the functions with the most self time.
//
//   node24 scripts/bench/profile_workerd.mjs [psk-gate|seed] [--rejected] [--seconds=6]
//
// Needs Node 22 or later (a global WebSocket): `node_modules/.bin/node` is.
// The profiler itself slows the Worker down; read shares, not req/s.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { parseArgs } from "node:util";
import { wrk } from "./load.mjs";
import { freePort, launch, stopAll, untilServing } from "./procs.mjs";
import { ensureTools, startUpstream } from "./upstream.mjs";
import { workerdServe } from "./workerd.mjs";

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { rejected: { type: "boolean", default: false }, seconds: { type: "string" } },
});
const name = positionals[0] ?? "psk-gate";
const seconds = Number(opts.seconds ?? 6);
const key = "Qm7xT2pLk9vR4sWz8nB3cY6dF1gH5jK0";

ensureTools(console.log);
const dir = mkdtempSync(`${tmpdir()}/psk-gate-profile-`);
try {
  const upstream = await startUpstream(dir, { bigBytes: 1024 });
  const [port, inspector] = [await freePort(), await freePort()];
  const [command, args] = workerdServe(name)(port, {
    UPSTREAM_URL: upstream.url,
    PSK_KEYS: `bench:${key}`,
    PSK_LOG: process.env.PSK_LOG ?? "info",
  });
  const worker = launch(command, [...args, `--inspector-addr=127.0.0.1:${inspector}`], {
    cpus: "1",
    stdoutFile: `${dir}/worker.log`,
  });
  if (!(await untilServing(port, worker, 20_000))) throw new Error(worker.output());

  const [target] = await (await fetch(`http://127.0.0.1:${inspector}/json/list`)).json();
  const devtools = await connect(target.webSocketDebuggerUrl);
  await wrk(port, { key, seconds: 2 }); // warm-up
  await devtools.send("Profiler.enable");
  await devtools.send("Profiler.setSamplingInterval", { interval: 200 });
  await devtools.send("Profiler.start");
  const load = await wrk(port, { key: opts.rejected ? "wrong" : key, seconds });
  const { profile } = await devtools.send("Profiler.stop");
  devtools.close();

  console.log(`${name}, ${opts.rejected ? "rejected" : "accepted"}: ${Math.round(load.rps)} req/s`);
  console.log("self time, share of samples:");
  for (const [where, share] of selfTime(profile).slice(0, 25)) {
    console.log(`${(100 * share).toFixed(1).padStart(6)}%  ${where}`);
  }
} finally {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);

/** A DevTools protocol session: send(method, params) resolves with the result. */
async function connect(url) {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", reject, { once: true });
  });
  const waiting = new Map();
  let last = 0;
  socket.addEventListener("message", ({ data }) => {
    const message = JSON.parse(data);
    waiting.get(message.id)?.(message.result);
    waiting.delete(message.id);
  });
  return {
    send: (method, params = {}) =>
      new Promise((resolve) => {
        const id = ++last;
        waiting.set(id, resolve);
        socket.send(JSON.stringify({ id, method, params }));
      }),
    close: () => socket.close(),
  };
}

/** [function at file:line, share of all samples], most first. */
function selfTime({ nodes }) {
  const hits = new Map();
  let total = 0;
  for (const { callFrame, hitCount } of nodes) {
    const file = callFrame.url.split("/").pop();
    const where = `${callFrame.functionName || "(anonymous)"}${
      file ? ` ${file}:${callFrame.lineNumber + 1}` : ""
    }`;
    hits.set(where, (hits.get(where) ?? 0) + hitCount);
    total += hitCount;
  }
  return [...hits].map(([where, n]) => [where, n / total]).sort((a, b) => b[1] - a[1]);
}
