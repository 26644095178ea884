// Turns options or an env object into a checked, immutable configuration.
// Everything that can be wrong is found here, before the first request.
import { type Decoding, decodingFor } from "./_codings.ts";
import { type UpstreamDeadlines, upstreamDeadlines } from "./_forward.ts";
import { checkKeys, parseKeyList } from "./_key_list.ts";
import { buildKeyRing, type KeyRing } from "./_keys.ts";
import { LOG_LEVELS, type Logger, makeLogger } from "./_log.ts";
import { isConfigPath, type PathRule } from "./_paths.ts";
import type { DenyFormat } from "./_responses.ts";
import { MemoryFailureStore } from "./_throttle.ts";
import { ConfigError } from "./errors.ts";
import type { FailureStore, GatewayOptions, LogLevel, UpstreamFetch } from "./types.ts";

export const DEFAULT_HEADER = "X-Custom-PSK";
export const DEFAULT_ID_HEADER = "X-PSK-Key-Id";
const DAY = 86_400_000;
const MAX_TIMEOUT_MS = 2_147_483_647; // setTimeout's limit
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/; // RFC 9110 §5.1 field-name
// A key or an id in a header the gateway rewrites or strips would never
// arrive intact.
const RESERVED_HEADERS = new Set([
  "host",
  "connection",
  "keep-alive",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "content-length",
  "content-type",
  "authorization",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
]);

export interface Config {
  /** Upstream origin and base path without a trailing "/"; undefined in route mode. */
  readonly upstream?: { readonly origin: string; readonly basePath: string };
  readonly keys: KeyRing;
  /** Lower-case header names. */
  readonly header: string;
  readonly idHeader?: string;
  readonly timeoutMs: number;
  /** The timeout's timers, shared by every request of this gateway. */
  readonly deadlines: UpstreamDeadlines;
  readonly fetch: UpstreamFetch;
  readonly decoding: Decoding;
  readonly sunsetWarningMs: number;
  readonly bearer: boolean;
  readonly publicPaths: readonly PathRule[];
  readonly corsPreflight: boolean;
  readonly throttle?: {
    readonly max: number;
    readonly windowMs: number;
    readonly store: FailureStore;
  };
  readonly clientIpHeader?: string;
  readonly reportOnly: boolean;
  readonly log?: Logger;
  readonly denyFormat: DenyFormat;
}

/** Names used in error messages: option names, or env variables. */
export type Labels = Record<keyof GatewayOptions, string>;
const OPTION_LABELS = new Proxy({} as Labels, { get: (_, name) => String(name) });

/** Checks options; throws {@linkcode ConfigError} naming the option at fault. */
export function resolveConfig(options: GatewayOptions, labels: Labels = OPTION_LABELS): Config {
  const keyList = typeof options.keys === "string"
    ? parseKeyList(options.keys, labels.keys)
    : options.keys ?? [];
  const checked = checkKeys(keyList, labels.keys);
  const idHeader = options.idHeader === false
    ? undefined
    : headerName(options.idHeader ?? DEFAULT_ID_HEADER, labels.idHeader);
  const header = headerName(options.header ?? DEFAULT_HEADER, labels.header);
  if (header === idHeader) {
    throw new ConfigError(`"${labels.idHeader}" must differ from "${labels.header}"`);
  }
  const timeoutMs = wholeNumber(options.timeoutMs ?? 30_000, labels.timeoutMs, 1, MAX_TIMEOUT_MS);
  const config: Config = {
    upstream: parseUpstream(options.upstream, options.routeMode ?? false, labels.upstream),
    header,
    idHeader,
    timeoutMs,
    deadlines: upstreamDeadlines(timeoutMs),
    fetch: options.fetch ?? ((url, init) => fetch(url, init)),
    decoding: decodingFor(options.decoding ?? (options.fetch ? "raw" : "auto")),
    sunsetWarningMs: wholeNumber(
      options.sunsetWarningMs ?? 7 * DAY,
      labels.sunsetWarningMs,
      0,
      3650 * DAY,
    ),
    bearer: options.bearer ?? false,
    publicPaths: (options.publicPaths ?? []).map((path) => pathRule(path, labels.publicPaths)),
    corsPreflight: options.corsPreflight ?? false,
    throttle: options.throttle && {
      max: wholeNumber(options.throttle.max, labels.throttle, 1, 1_000_000),
      windowMs: wholeNumber(options.throttle.windowMs, labels.throttle, 1000, 30 * DAY),
      store: options.throttle.store ?? new MemoryFailureStore(),
    },
    clientIpHeader: options.clientIpHeader === undefined
      ? undefined
      : headerName(options.clientIpHeader, labels.clientIpHeader, false),
    reportOnly: oneOf(options.mode ?? "enforce", ["enforce", "report"], labels.mode) === "report",
    log: makeLogger({
      ...options.log,
      level: oneOf(options.log?.level ?? "info", LOG_LEVELS, labels.log),
    }),
    denyFormat: oneOf(options.denyFormat ?? "auto", ["auto", "text", "problem"], labels.denyFormat),
    keys: buildKeyRing(checked, labels.keys),
  };
  return config;
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
  if (url.search || url.hash) throw new ConfigError(`"${name}" must not have a query or fragment`);
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, "") };
}

function headerName(value: string, name: string, rewritable = true): string {
  const header = value.trim().toLowerCase();
  if (!TOKEN.test(header)) throw new ConfigError(`"${name}" is not a valid header name`);
  if (rewritable && (RESERVED_HEADERS.has(header) || header.startsWith("proxy-"))) {
    throw new ConfigError(`"${name}" cannot be "${header}": the gateway rewrites that header`);
  }
  return header;
}

function pathRule(value: string, name: string): PathRule {
  const prefix = value.endsWith("/*");
  const path = prefix ? value.slice(0, -1) : value;
  if (!isConfigPath(path) || (!prefix && value.includes("*"))) {
    throw new ConfigError(
      `"${name}" must list absolute paths such as /healthz or /docs/*, not "${value}"`,
    );
  }
  // Fail closed: a rule that opens every path is a mistake, not a config.
  if (prefix && path === "/") throw new ConfigError(`"${name}": "/*" would make every path public`);
  return { path, prefix };
}

function wholeNumber(value: number, name: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`"${name}" must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function oneOf<T extends string>(value: T, allowed: readonly T[], name: string): T {
  if (!allowed.includes(value)) {
    throw new ConfigError(
      `"${name}" must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, not "${value}"`,
    );
  }
  return value;
}

export type { LogLevel };
