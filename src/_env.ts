// The env contract: the documented variables, read into GatewayOptions. The
// same names on every runtime; errors name the variable, never its value
// when it may be secret.
import { type Config, type Labels, resolveConfig } from "./_config.ts";
import { ConfigError } from "./errors.ts";
import type { Env, GatewayOptions, LogLevel } from "./types.ts";

const ENV_LABELS: Labels = {
  upstream: "UPSTREAM_URL",
  keys: "PSK_KEYS",
  header: "PSK_HEADER",
  timeoutMs: "UPSTREAM_TIMEOUT_MS",
  idHeader: "PSK_ID_HEADER",
  sunsetWarningMs: "PSK_SUNSET_WARNING",
  bearer: "PSK_BEARER",
  publicPaths: "PSK_PUBLIC_PATHS",
  corsPreflight: "PSK_CORS_PREFLIGHT",
  throttle: "PSK_THROTTLE",
  clientIpHeader: "PSK_CLIENT_IP_HEADER",
  mode: "PSK_MODE",
  log: "PSK_LOG",
  denyFormat: "PSK_DENY_FORMAT",
  fetch: "fetch",
  decoding: "decoding",
  routeMode: "routeMode",
};
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Reads the documented variables from an env object into options. Unset and
 * empty variables mean "use the default".
 */
export function optionsFromEnv(env: Env): GatewayOptions {
  const text = (name: keyof Env & string) => {
    const value = env[name];
    if (value === undefined || value === null || value === "") return undefined;
    // Workers vars may be JSON numbers or booleans ("UPSTREAM_TIMEOUT_MS": 5000).
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    if (typeof value !== "string") throw new ConfigError(`"${name}" must be a string`);
    return value.trim();
  };
  const keys = text("PSK_KEYS");
  if (keys === undefined) throw new ConfigError(`"PSK_KEYS" is not set`);
  const idHeader = text("PSK_ID_HEADER");
  const sunset = text("PSK_SUNSET_WARNING");
  const throttle = text("PSK_THROTTLE");
  const timeout = text("UPSTREAM_TIMEOUT_MS");
  const log = text("PSK_LOG");
  return {
    upstream: text("UPSTREAM_URL"),
    keys,
    header: text("PSK_HEADER"),
    timeoutMs: timeout === undefined ? undefined : integer(timeout, "UPSTREAM_TIMEOUT_MS"),
    idHeader: idHeader?.toLowerCase() === "off" ? false : idHeader,
    sunsetWarningMs: sunset === undefined ? undefined : duration(sunset, "PSK_SUNSET_WARNING"),
    bearer: onOff(text("PSK_BEARER"), "PSK_BEARER"),
    publicPaths: text("PSK_PUBLIC_PATHS")?.split(",").map((path) => path.trim()),
    corsPreflight: onOff(text("PSK_CORS_PREFLIGHT"), "PSK_CORS_PREFLIGHT"),
    throttle: throttle === undefined || throttle === "off" ? undefined : budget(throttle),
    clientIpHeader: text("PSK_CLIENT_IP_HEADER"),
    mode: text("PSK_MODE") as GatewayOptions["mode"],
    log: log === undefined ? undefined : { level: log as LogLevel },
    denyFormat: text("PSK_DENY_FORMAT") as GatewayOptions["denyFormat"],
  };
}

/** {@linkcode resolveConfig} for an env object, with errors naming variables. */
export function configFromEnv(env: Env, fixed: Partial<GatewayOptions> = {}): Config {
  const options = optionsFromEnv(env);
  // A shim's log sink joins the level PSK_LOG chose.
  const log = { ...options.log, ...fixed.log };
  return resolveConfig({ ...options, ...fixed, log }, ENV_LABELS);
}

function integer(value: string, name: string): number {
  if (!/^\d+$/.test(value)) {
    throw new ConfigError(`"${name}" must be a whole number, not "${value}"`);
  }
  return Number(value);
}

function duration(value: string, name: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(value);
  if (!match) {
    throw new ConfigError(
      `"${name}" must be a duration such as 90s, 15m, 12h or 7d, not "${value}"`,
    );
  }
  return Number(match[1]) * UNITS[match[2]];
}

function onOff(value: string | undefined, name: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === "on" || value === "true") return true;
  if (value === "off" || value === "false") return false;
  throw new ConfigError(`"${name}" must be "on" or "off" ("true" or "false"), not "${value}"`);
}

function budget(value: string) {
  const match = /^(\d+)\/(\d+(?:ms|s|m|h|d))$/.exec(value);
  if (!match) {
    throw new ConfigError(
      `"PSK_THROTTLE" must be "off" or failures per window such as 10/1m, not "${value}"`,
    );
  }
  return { max: Number(match[1]), windowMs: duration(match[2], "PSK_THROTTLE") };
}
