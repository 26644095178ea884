// psk-gate on one host, one core against two: the shims' own switches.
// Node and Bun: WORKERS=2 (node:cluster; Bun processes sharing the port with
// reusePort). Deno: `deno serve --parallel` on shims/deno_serve.ts, which is
// what shims/deno.ts points to (it refuses WORKERS and REUSE_PORT). One
// process runs on core 1; two on cores 0-1, which wrk and nginx share.
import { BIN, startGateway } from "./gateways.mjs";
import { measure } from "./load.mjs";
import { processCount } from "./procs.mjs";

const denoServe = (parallel) => (port) => [BIN.deno, [
  "serve",
  ...(parallel ? ["--parallel"] : []),
  "--allow-net",
  "--allow-env",
  "--host",
  "127.0.0.1",
  "--port",
  String(port),
  "shims/deno_serve.ts",
]];

/** runtime -> [one core, two cores] */
const SETUPS = {
  bun: [
    { setup: "`bun shims/bun.ts`", cpus: "1" },
    { setup: "`WORKERS=2 bun shims/bun.ts`", cpus: "0,1", env: { WORKERS: "2" } },
  ],
  deno: [
    { setup: "`deno serve shims/deno_serve.ts`", cpus: "1", command: denoServe(false) },
    {
      setup: "`deno serve --parallel` (DENO_JOBS=2)",
      cpus: "0,1",
      env: { DENO_JOBS: "2" },
      command: denoServe(true),
    },
  ],
  node24: [
    { setup: "`node dist/node.mjs`", cpus: "1" },
    { setup: "`WORKERS=2 node dist/node.mjs` (cluster)", cpus: "0,1", env: { WORKERS: "2" } },
  ],
  node20: [
    { setup: "`node dist/node.mjs`", cpus: "1" },
    { setup: "`WORKERS=2 node dist/node.mjs` (cluster)", cpus: "0,1", env: { WORKERS: "2" } },
  ],
};

export async function runScaling(gateways, opts) {
  const { env, key, wrongKey, seconds, rounds, warmup, log, errors, roots, quiet } = opts;
  const rows = [];
  for (const g of gateways.filter((g) => g.name === "psk-gate" && SETUPS[g.runtime])) {
    for (const [i, s] of SETUPS[g.runtime].entries()) {
      const id = `${g.id} ${s.setup} on cores ${s.cpus}`;
      const row = { runtime: g.runtime, setup: s.setup, cpus: s.cpus, cores: i + 1 };
      rows.push(row);
      let gw;
      try {
        log(`scaling ${id}: starting`);
        gw = await startGateway(g, { ...env, ...s.env }, { cpus: s.cpus, command: s.command });
        await quiet(gw.pids);
        row.processes = processCount(gw.pids[0]);
        log(`scaling ${id}: ${row.processes} process(es); measuring`);
        row.result = await measure(gw, { key, wrongKey, seconds, rounds, warmup, log, roots });
      } catch (error) {
        errors.push(`scaling ${id}: ${error.message}`);
        row.note = `failed: ${error.message.replace(/\s+/g, " ").slice(0, 200)}`;
        log(`scaling ${id}: FAILED ${error.message}`);
      } finally {
        await gw?.stop();
      }
    }
  }
  return rows;
}
