// Start-up shared by the listening shims. Portable: each shim hands in its
// runtime's environment and stdout, and does the listening and exiting.
import { configFromEnv } from "../src/_env.ts";
import { ConfigError } from "../src/errors.ts";
import type { Config } from "../src/_config.ts";
import { bind } from "../src/_gateway.ts";
import type { Env, Gateway, GatewayOptions, LogEntry } from "../src/types.ts";

export interface Started {
  readonly gateway: Gateway;
  readonly port: number;
  readonly hostname: string;
  /** REUSE_PORT=on: several processes may listen on the port (Linux spreads connections). */
  readonly reusePort: boolean;
  /** WORKERS: processes to serve from. */
  readonly workers: number;
  /** UPSTREAM_TIMEOUT_MS, checked. */
  readonly timeoutMs: number;
  /** Writes out log lines still waiting for their batch. */
  readonly flushLog: () => void;
}

/**
 * Validates the whole configuration, listen address included, so that a
 * bad env stops the process before it listens; prints what an operator
 * should know (report-only mode, keys already expired). Log lines go to
 * `write` in batches (see {@linkcode batchedLines}).
 */
export function startGateway(
  env: Env,
  write: (text: string) => void,
  fixed: Partial<GatewayOptions> = {},
): Started {
  const port = parsePort(env.PORT);
  const hostname = parseHostname(env.HOSTNAME);
  const reusePort = parseOnOff(env.REUSE_PORT, "REUSE_PORT");
  const workers = parseWorkers(env.WORKERS);
  const { sink, flush } = batchedLines(write);
  const config = configFromEnv(env, { ...fixed, log: { sink } });
  for (const note of notes(config)) console.error(`psk-gate: ${note}`);
  return {
    gateway: bind(config),
    port,
    hostname,
    reusePort,
    workers,
    timeoutMs: config.timeoutMs,
    flushLog: flush,
  };
}

function notes(config: Config): string[] {
  const now = Date.now();
  const found = config.keys.ids.flatMap((id, i) => {
    const until = config.keys.policies[i].until;
    return until !== undefined && until <= now
      ? [`key "${id}" expired on ${new Date(until).toISOString()}; it is denied`]
      : [];
  });
  if (config.reportOnly) {
    found.push("PSK_MODE=report: nothing is denied; would-be denials are only logged");
  }
  return found;
}

// Writes to a pipe or file are synchronous on Linux and cost far more than
// the line itself: measured here, one write per event-loop turn still took a
// quarter of the deny path's time. Lines wait up to 50 ms, or 1,000 lines.
const FLUSH_MS = 50;
const FLUSH_LINES = 1000;

function batchedLines(write: (text: string) => void) {
  let pending: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const text = pending.join("\n") + "\n";
    pending = [];
    write(text);
  };
  const sink = (entry: LogEntry) => {
    const count = pending.push(JSON.stringify(entry));
    if (count >= FLUSH_LINES) flush();
    else if (timer === undefined) timer = setTimeout(flush, FLUSH_MS);
  };
  return { sink, flush };
}

function parsePort(value: unknown): number {
  if (value === undefined || value === "") return 8000;
  const port = Number(value);
  if (typeof value !== "string" || !/^\d+$/.test(value) || port > 65535) {
    throw new ConfigError(`"PORT" must be a whole number from 0 to 65535, not "${value}"`);
  }
  return port;
}

function parseHostname(value: unknown): string {
  if (value === undefined || value === "") return "0.0.0.0";
  if (typeof value !== "string" || !/^[A-Za-z0-9.:_-]+$/.test(value)) {
    throw new ConfigError(`"HOSTNAME" is not a host name or IP address`);
  }
  return value;
}

function parseOnOff(value: unknown, name: string): boolean {
  if (value === undefined || value === "" || value === "off") return false;
  if (value === "on") return true;
  throw new ConfigError(`"${name}" must be "on" or "off", not "${value}"`);
}

function parseWorkers(value: unknown): number {
  if (value === undefined || value === "") return 1;
  const workers = Number(value);
  if (typeof value !== "string" || !/^\d+$/.test(value) || workers < 1 || workers > 256) {
    throw new ConfigError(`"WORKERS" must be a whole number from 1 to 256, not "${value}"`);
  }
  return workers;
}

/**
 * {@linkcode startGateway}, or on a configuration error the reason on stderr
 * and `exit(1)`: what every shim does first.
 */
export function startOrExit(
  env: Env,
  write: (text: string) => void,
  exit: (code: number) => never,
  fixed: Partial<GatewayOptions> = {},
): Started {
  try {
    return startGateway(env, write, fixed);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`psk-gate: cannot start: ${error.message}`);
    return exit(1);
  }
}

/** The line a shim prints when it cannot listen: the cause, not a stack. */
export function listenFailure(error: unknown, hostname: string, port: number): string {
  const code = String(
    (error as { code?: string; name?: string })?.code ?? (error as Error)?.name ?? "",
  );
  const message = String((error as Error)?.message ?? "");
  const where = `${hostname}:${port}`;
  let why = `cannot listen on ${where}`;
  if (/EADDRINUSE|AddrInUse/.test(code) || /in use/i.test(message)) {
    why = `port ${port} is already in use`;
  } else if (/EACCES|PermissionDenied/.test(code)) why = `no permission to listen on ${where}`;
  else if (/EADDRNOTAVAIL|AddrNotAvailable|ENOTFOUND|EAI_AGAIN/.test(code)) {
    why = `"HOSTNAME" ${hostname} is not an address of this machine`;
  }
  return `psk-gate: cannot start: ${why}`;
}

/** The line a shim prints once it listens. Tests read the port from it. */
export function listening(runtime: string, hostname: string, port: number): string {
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return `psk-gate (${runtime}) listening on http://${host}:${port}/`;
}
