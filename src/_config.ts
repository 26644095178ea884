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
import type {
  FailureStore,
  GatewayOptions,
  LogLevel,
  LogOptions,
  ThrottleOptions,
  UpstreamDecoding,
  UpstreamFetch,
} from "./types.ts";

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
// Every option there is, each labelled by its own name. Complete by type: a
// misspelt option (or an env name passed as one) is refused, not ignored
// while its default applies.
const OPTION_LABELS: Labels = {
  upstream: "upstream",
  keys: "keys",
  header: "header",
  timeoutMs: "timeoutMs",
  fetch: "fetch",
  decoding: "decoding",
  routeMode: "routeMode",
  idHeader: "idHeader",
  sunsetWarningMs: "sunsetWarningMs",
  bearer: "bearer",
  publicPaths: "publicPaths",
  corsPreflight: "corsPreflight",
  throttle: "throttle",
  clientIpHeader: "clientIpHeader",
  mode: "mode",
  log: "log",
  denyFormat: "denyFormat",
};

/** Checks options; throws {@linkcode ConfigError} naming the option at fault. */
export function resolveConfig(options: GatewayOptions, labels: Labels = OPTION_LABELS): Config {
  if (typeof options !== "object" || options === null) {
    throw new ConfigError("the options must be an object");
  }
  for (const name of Object.keys(options)) {
    if (!Object.hasOwn(OPTION_LABELS, name)) throw new ConfigError(`"${name}" is not an option`);
  }
  const keyList = typeof options.keys === "string"
    ? parseKeyList(options.keys, labels.keys)
    : options.keys ?? [];
  const checked = checkKeys(keyList, labels.keys);
  const idHeader = options.idHeader === false
    ? undefined
    : headerName(options.idHeader ?? DEFAULT_ID_HEADER, labels.idHeader);
  // "off" is the env's way to say none (read as false there); as an option
  // it would name a header.
  if (idHeader === "off") {
    throw new ConfigError(`"${labels.idHeader}" is "off": to send no such header, set it to false`);
  }
  const header = headerName(options.header ?? DEFAULT_HEADER, labels.header);
  if (header === idHeader) {
    throw new ConfigError(`"${labels.idHeader}" must differ from "${labels.header}"`);
  }
  const timeoutMs = wholeNumber(options.timeoutMs ?? 30_000, labels.timeoutMs, 1, MAX_TIMEOUT_MS);
  const config: Config = {
    upstream: parseUpstream(
      options.upstream,
      ofType(options.routeMode ?? false, "boolean", labels.routeMode),
      labels.upstream,
    ),
    header,
    idHeader,
    timeoutMs,
    deadlines: upstreamDeadlines(timeoutMs),
    fetch: options.fetch === undefined
      ? (url, init) => fetch(url, init)
      : ofType(options.fetch, "function", labels.fetch),
    decoding: decodingFor(
      decoding(options.decoding ?? (options.fetch ? "raw" : "auto"), labels.decoding),
    ),
    sunsetWarningMs: wholeNumber(
      options.sunsetWarningMs ?? 7 * DAY,
      labels.sunsetWarningMs,
      0,
      3650 * DAY,
    ),
    bearer: ofType(options.bearer ?? false, "boolean", labels.bearer),
    publicPaths: list(options.publicPaths ?? [], labels.publicPaths).map((path) =>
      pathRule(path, labels.publicPaths)
    ),
    corsPreflight: ofType(options.corsPreflight ?? false, "boolean", labels.corsPreflight),
    throttle: options.throttle === undefined ? undefined : throttle(options.throttle, labels),
    clientIpHeader: options.clientIpHeader === undefined
      ? undefined
      : headerName(options.clientIpHeader, labels.clientIpHeader, false),
    reportOnly: oneOf(options.mode ?? "enforce", ["enforce", "report"], labels.mode) === "report",
    log: logger(options.log ?? {}, labels.log),
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
  ofType(value, "string", name);
  const header = value.trim().toLowerCase();
  if (!TOKEN.test(header)) throw new ConfigError(`"${name}" is not a valid header name`);
  if (rewritable && (RESERVED_HEADERS.has(header) || header.startsWith("proxy-"))) {
    throw new ConfigError(`"${name}" cannot be "${header}": the gateway rewrites that header`);
  }
  return header;
}

function pathRule(value: string, name: string): PathRule {
  ofType(value, "string", name);
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

function throttle(options: ThrottleOptions, labels: Labels): Config["throttle"] {
  if (typeof options !== "object" || options === null) {
    throw new ConfigError(`"${labels.throttle}" must be an object { max, windowMs }`);
  }
  // Env labels name the one variable both come from; option labels, the field.
  const field = (name: string) =>
    labels.throttle === "throttle" ? `throttle.${name}` : labels.throttle;
  return {
    max: wholeNumber(options.max, field("max"), 1, 1_000_000),
    windowMs: wholeNumber(options.windowMs, field("windowMs"), 1000, 30 * DAY),
    store: options.store === undefined ? new MemoryFailureStore() : failureStore(options.store),
  };
}

function failureStore(store: FailureStore): FailureStore {
  if (typeof store?.get !== "function" || typeof store?.add !== "function") {
    throw new ConfigError(`"throttle.store" must be an object with get() and add()`);
  }
  return store;
}

function decoding(value: UpstreamDecoding, name: string): UpstreamDecoding {
  if (value !== "auto" && value !== "raw" && typeof value !== "function") {
    throw new ConfigError(`"${name}" must be "auto", "raw" or a function`);
  }
  return value;
}

function logger(options: LogOptions, name: string): Logger | undefined {
  if (typeof options !== "object" || options === null) {
    throw new ConfigError(`"${name}" must be an object { level?, sink? }`);
  }
  return makeLogger({
    level: oneOf(options.level ?? "info", LOG_LEVELS, name),
    sink: options.sink === undefined ? undefined : ofType(options.sink, "function", name),
  });
}

function list<T>(value: readonly T[], name: string): readonly T[] {
  if (!Array.isArray(value)) throw new ConfigError(`"${name}" must be an array`);
  return value;
}

function ofType<T>(value: T, type: "boolean" | "function" | "string", name: string): T {
  const actual: string = typeof value;
  if (actual !== type) throw new ConfigError(`"${name}" must be a ${type}`);
  return value;
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
