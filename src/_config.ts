// Turns options or an env object into a checked, immutable configuration.
// Everything that can be wrong is found here, before the first request.
import { ConfigError } from "./errors.ts";
import { buildKeyRing, type KeyRing, parseKeyList } from "./_keys.ts";
import { type Decoded, decodingFor } from "./_codings.ts";
import type { Env, GatewayOptions, UpstreamFetch } from "./types.ts";

export const DEFAULT_HEADER = "X-Custom-PSK";
export const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_TIMEOUT_MS = 2_147_483_647; // setTimeout's limit
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/; // RFC 9110 §5.1 field-name
// A key in a header the gateway rewrites or strips would never arrive intact.
const RESERVED_HEADERS = new Set([
  "host",
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "content-length",
  "content-type",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
]);

/** Names used in error messages: env variables or option names. */
interface Labels {
  upstream: string;
  keys: string;
  header: string;
  timeout: string;
}
const OPTION_LABELS: Labels = {
  upstream: "upstream",
  keys: "keys",
  header: "header",
  timeout: "timeoutMs",
};
const ENV_LABELS: Labels = {
  upstream: "UPSTREAM_URL",
  keys: "PSK_KEYS",
  header: "PSK_HEADER",
  timeout: "UPSTREAM_TIMEOUT_MS",
};

export interface Config {
  /** Upstream origin and base path without a trailing "/"; undefined in route mode. */
  readonly upstream?: { readonly origin: string; readonly basePath: string };
  readonly keys: Promise<KeyRing>;
  /** Lower-case header name. */
  readonly header: string;
  readonly timeoutMs: number;
  readonly fetch: UpstreamFetch;
  readonly decoded: Decoded;
}

/** Checks options; throws {@linkcode ConfigError} naming the option at fault. */
export function resolveConfig(options: GatewayOptions, labels = OPTION_LABELS): Config {
  const keys = typeof options.keys === "string"
    ? parseKeyList(options.keys, labels.keys)
    : options.keys ?? [];
  const config: Config = {
    upstream: parseUpstream(options.upstream, options.routeMode ?? false, labels.upstream),
    header: parseHeaderName(options.header ?? DEFAULT_HEADER, labels.header),
    timeoutMs: parseTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, labels.timeout),
    fetch: options.fetch ?? ((url, init) => fetch(url, init)),
    decoded: decodingFor(options.decoding ?? (options.fetch ? "raw" : "auto")),
    keys: buildKeyRing(keys, labels.keys),
  };
  // A rejected digest promise is awaited per request; keep it from being
  // reported as unhandled before the first one arrives.
  config.keys.catch(() => {});
  return config;
}

/**
 * Reads the documented variables from an env object into options. Unset and
 * empty variables mean "use the default".
 */
export function optionsFromEnv(env: Env): GatewayOptions {
  const text = (name: EnvName) => {
    const value = env[name];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") throw new ConfigError(`"${name}" must be a string`);
    return value;
  };
  const timeout = text("UPSTREAM_TIMEOUT_MS");
  const keys = text("PSK_KEYS");
  if (keys === undefined) throw new ConfigError(`"PSK_KEYS" is not set`);
  return {
    upstream: text("UPSTREAM_URL"),
    keys,
    header: text("PSK_HEADER"),
    timeoutMs: timeout === undefined ? undefined : parseInteger(timeout, "UPSTREAM_TIMEOUT_MS"),
  };
}

type EnvName = "UPSTREAM_URL" | "PSK_KEYS" | "PSK_HEADER" | "UPSTREAM_TIMEOUT_MS";

/** {@linkcode resolveConfig} for an env object, with errors naming variables. */
export function configFromEnv(env: Env, extra: Partial<GatewayOptions> = {}): Config {
  return resolveConfig({ ...optionsFromEnv(env), ...extra }, ENV_LABELS);
}

function parseUpstream(value: string | URL | undefined, routeMode: boolean, name: string) {
  if (value === undefined || value === "") {
    if (routeMode) return undefined;
    throw new ConfigError(`"${name}" is not set`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`"${name}" is not an absolute URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`"${name}" must use http or https, not "${url.protocol}"`);
  }
  // Never echo the URL here: it may hold the very credentials being refused.
  if (url.username || url.password) throw new ConfigError(`"${name}" must not contain credentials`);
  if (url.search || url.hash) {
    throw new ConfigError(`"${name}" must not have a query or fragment`);
  }
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, "") };
}

function parseHeaderName(value: string, name: string): string {
  const header = value.trim().toLowerCase();
  if (!TOKEN.test(header)) throw new ConfigError(`"${name}" is not a valid header name`);
  if (RESERVED_HEADERS.has(header) || header.startsWith("proxy-")) {
    throw new ConfigError(`"${name}" cannot be "${header}": the gateway rewrites that header`);
  }
  return header;
}

function parseTimeout(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT_MS) {
    throw new ConfigError(
      `"${name}" must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`,
    );
  }
  return value;
}

function parseInteger(value: string, name: string): number {
  if (!/^\d+$/.test(value.trim())) {
    throw new ConfigError(`"${name}" must be a whole number, not "${value}"`);
  }
  return Number(value.trim());
}
