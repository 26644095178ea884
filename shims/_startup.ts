// Start-up shared by the listening shims. Portable: each shim hands in its
// runtime's environment and does the exiting itself.
import { ConfigError } from "../src/errors.ts";
import { gatewayFromEnv } from "../src/handler.ts";
import type { Env, Gateway, GatewayOptions } from "../src/types.ts";

export interface Started {
  readonly gateway: Gateway;
  readonly port: number;
  readonly hostname: string;
  /** REUSE_PORT=on: several processes may listen on the port (Linux spreads connections). */
  readonly reusePort: boolean;
  /** WORKERS: processes to serve from (the Node shim forks them with node:cluster). */
  readonly workers: number;
}

/**
 * Validates the whole configuration, listen address included, and hashes
 * the keys, so that a bad env stops the process before it listens.
 */
export async function startGateway(
  env: Env,
  fixed: Partial<GatewayOptions> = {},
): Promise<Started> {
  const port = parsePort(env.PORT);
  const hostname = parseHostname(env.HOSTNAME);
  const reusePort = parseOnOff(env.REUSE_PORT, "REUSE_PORT");
  const workers = parseWorkers(env.WORKERS);
  const gateway = gatewayFromEnv(env, fixed);
  await gateway.ready;
  return { gateway, port, hostname, reusePort, workers };
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

/** The line a shim prints before exiting on a start-up error. */
export function startupFailure(error: unknown): string {
  if (error instanceof ConfigError) return `psk-gate: cannot start: ${error.message}`;
  throw error;
}

/** The line a shim prints once it listens. Tests read the port from it. */
export function listening(runtime: string, hostname: string, port: number): string {
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return `psk-gate (${runtime}) listening on http://${host}:${port}/`;
}
