// How to start each shim over HTTP, and the checks only a whole process shows.
import type { ChildProcess } from "node:child_process";
import { httpSend, text } from "./_client.ts";
import { STARTUP_BAD_ENVS } from "./cases/config.ts";
import { KEY, testEnv } from "./_fixtures.ts";
import { run, RUNTIMES, start, stop, untilServing } from "./_spawn.ts";
import { closedPort } from "./_runtime.ts";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Shim {
  readonly name: string;
  /** Refuses to start on bad config; false where config arrives per request (Workers). */
  readonly refusesToStart: boolean;
  /** Cases this runtime cannot pass, and why: shown in the matrix, never counted as passing. */
  readonly limits?: Readonly<Record<string, string>>;
  /**
   * With UPSTREAM_TIMEOUT_MS=1000, the longest a keep-alive connection may
   * sit idle after a proxied exchange before the shim closes it; checked
   * where the shim itself sets the idle limit.
   */
  readonly idleCloseMs?: number;
  command(port: number, spare: number): [string, string[]];
}

const deno = RUNTIMES.deno;
/** Where the workerd instances keep their state; removed by {@linkcode removeShimState}. */
const WRANGLER_STATE = join(tmpdir(), `psk-gate-wrangler-${process.pid}`);

export function removeShimState(): void {
  rmSync(WRANGLER_STATE, { recursive: true, force: true });
}
const DENO_PERMISSIONS = ["--allow-net", "--allow-env"];

export const SHIMS: Shim[] = [
  { name: "node", refusesToStart: true, command: () => [RUNTIMES.node, ["dist/node.mjs"]] },
  { name: "node24", refusesToStart: true, command: () => [RUNTIMES.node24, ["dist/node.mjs"]] },
  {
    name: "deno",
    refusesToStart: true,
    command: () => [deno, ["run", ...DENO_PERMISSIONS, "shims/deno.ts"]],
  },
  {
    name: "deno-serve",
    refusesToStart: true,
    command: (
      port,
    ) => [deno, [
      "serve",
      ...DENO_PERMISSIONS,
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "shims/deno_serve.ts",
    ]],
  },
  {
    name: "bun",
    refusesToStart: true,
    // Bun.serve's idleTimeout: the upstream timeout (1 s) plus 5 s, and slack.
    idleCloseMs: 8000,
    command: () => [RUNTIMES.bun, ["shims/bun.ts"]],
  },
  {
    name: "workerd",
    refusesToStart: false,
    limits: {
      "H1-named": "workerd drops the client's Connection field before the Worker runs and keeps " +
        "the fields it names, so a Worker cannot tell them from end-to-end fields",
      "Host":
        'wrangler dev\'s local proxy rebuilds request.url from a malformed Host ("gw/admin?" ' +
        "becomes http://gw/admin?/path, with Host: gw) before the Worker runs, so the Worker sees a " +
        "valid Host and another path; Cloudflare's edge refuses such a Host itself",
      "slow-upload":
        "on workerd the timeout runs from the start, upload included: watching for the upload's " +
        "end needs a JavaScript stream in the body's path, which cuts workerd's uploads to a " +
        "tenth of their speed",
      "R2-early":
        "workerd does not notice a client that leaves before the response starts: request.signal " +
        "(on by default since compatibility date 2026-11-17) never fires, under wrangler dev or " +
        "workerd serve, so U's request runs on until U answers or UPSTREAM_TIMEOUT_MS passes",
    },
    // `npm run start:workers` itself; wrangler needs Node 22+, so Node 24 runs it.
    // Each instance keeps its own local state: several sharing .wrangler/state
    // fail at random with "SQLite database is locked".
    command: (port, spare) => [RUNTIMES.node24, [
      "scripts/start_workers.mjs",
      "--inspector-port",
      String(spare),
      "--persist-to",
      join(WRANGLER_STATE, String(port)),
    ]],
  },
];

export interface Running {
  readonly port: number;
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `shim` with `env` on a free port and waits until it serves, and
 * says so on that port: a port picked free a moment ago may have been taken
 * since (wrangler opens ports of its own), and another server's answer must
 * not pass for this one's. Such a start is tried again on other ports.
 */
export async function launch(shim: Shim, env: Record<string, string>, tries = 3): Promise<Running> {
  const port = await closedPort();
  const [command, args] = shim.command(port, await closedPort());
  const child = start(command, args, { ...env, PORT: String(port), HOSTNAME: "127.0.0.1" });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const serving = await untilServing(port, child, () => output.includes(`:${port}`));
  const running = { port, child, output: () => output, stop: () => stop(child) };
  if (serving) return running;
  await running.stop();
  if (tries > 1 && /in use/i.test(output)) return launch(shim, env, tries - 1);
  throw new Error(`${shim.name} did not start: ${output.trim().slice(-400) || "(no output)"}`);
}

/** A shim refuses each bad env by name (or, on Workers, fails every request closed). */
export async function checkStartupRefusal(shim: Shim): Promise<void> {
  // A Worker meets its env per request: it cannot refuse to start, only fail closed.
  const envs = shim.refusesToStart ? STARTUP_BAD_ENVS : STARTUP_BAD_ENVS.slice(2, 3);
  await Promise.all(envs.map(async ([env, message]) => {
    const full = { UPSTREAM_URL: "", PSK_KEYS: "", ...env };
    if (!shim.refusesToStart) return checkFailsClosed(shim, full, message);
    const port = await closedPort();
    const [command, args] = shim.command(port, await closedPort());
    const result = await run(command, args, {
      env: { ...full, PORT: String(port), HOSTNAME: "127.0.0.1" },
      timeoutMs: 20_000,
    });
    assert.notEqual(result.code, 0, `started with ${JSON.stringify(Object.keys(env))}`);
    assert.match(result.stderr, message);
    assert.ok(!(result.stdout + result.stderr).includes(KEY), "the output holds the secret");
  }));
}

async function checkFailsClosed(shim: Shim, env: Record<string, string>, message: RegExp) {
  const running = await launch(shim, env);
  try {
    const response = await httpSend(running.port, {
      target: "/",
      headers: [["X-Custom-PSK", KEY]],
    });
    assert.equal(response.status, 500);
    assert.equal(text(response.body), "Internal Server Error");
    // The Worker's log line reaches wrangler's output a moment later.
    const end = Date.now() + 5000;
    while (!message.test(running.output()) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(running.output(), message);
  } finally {
    await running.stop();
  }
}

/** The shim reads PSK_HEADER: the key is taken from the configured header only. */
export async function checkCustomHeader(shim: Shim, upstream: string): Promise<void> {
  const running = await launch(shim, { ...testEnv(upstream), PSK_HEADER: "X-Api-Key" });
  try {
    const allowed = await httpSend(running.port, { target: "/", headers: [["X-Api-Key", KEY]] });
    assert.equal(allowed.status, 200);
    const denied = await httpSend(running.port, { target: "/", headers: [["X-Custom-PSK", KEY]] });
    assert.equal(denied.status, 403);
  } finally {
    await running.stop();
  }
}

/**
 * A connection that carried a proxied exchange and then sits idle is closed
 * within `shim.idleCloseMs`: no exchange may leave its connection open for
 * good (one public path would let anyone hold every socket).
 */
export async function checkIdleClose(shim: Shim, upstream: string): Promise<void> {
  const running = await launch(shim, testEnv(upstream));
  const socket = connect(running.port, "127.0.0.1");
  try {
    const closed = new Promise<number>((resolve) =>
      socket.once("close", () => resolve(Date.now()))
    );
    socket.on("error", () => {});
    let answer = "";
    const answered = new Promise<void>((resolve) =>
      socket.on("data", (chunk) => {
        answer += chunk;
        if (answer.includes("ok")) resolve();
      })
    );
    socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Custom-PSK: ${KEY}\r\n\r\n`);
    await answered;
    assert.match(answer, /^HTTP\/1\.1 200 /);
    const idleSince = Date.now();
    const limit = shim.idleCloseMs!;
    const timer = new Promise<number>((resolve) => setTimeout(() => resolve(NaN), limit + 1000));
    const at = await Promise.race([closed, timer]);
    assert.ok(!Number.isNaN(at), `still open after ${limit + 1000} ms idle`);
    assert.ok(at - idleSince <= limit, `closed only after ${at - idleSince} ms idle`);
  } finally {
    socket.destroy();
    await running.stop();
  }
}
