/**
 * Public types of psk-gate. Every option is documented here once; the runtime
 * shims and the handler only refer to these.
 *
 * @module
 */

/**
 * Configuration as environment variables, Workers vars or Workers secrets.
 * The same names apply on every runtime.
 */
export interface Env {
  /** Origin to forward to, `http(s)://host[:port][/base/path]`. Required, except in Workers route mode. */
  UPSTREAM_URL?: string;
  /** Comma-separated `ID:SECRET` or `ID:sha256:HEX` entries. Required. */
  PSK_KEYS?: string;
  /** Header that carries the key. Default `X-Custom-PSK`. */
  PSK_HEADER?: string;
  /** Milliseconds to wait for the upstream's response headers. Default `30000`. */
  UPSTREAM_TIMEOUT_MS?: string;
  /** Header naming the matched key's id to the upstream, or `off`. Default `X-PSK-Key-Id`. */
  PSK_ID_HEADER?: string;
  /** How long before a key's `until` to send `Deprecation`/`Sunset`. Default `7d`. */
  PSK_SUNSET_WARNING?: string;
  /** `on` to also take the key from `Authorization: Bearer`. Default `off`. */
  PSK_BEARER?: string;
  /** Comma-separated paths that need no key: `/healthz` exact, `/docs/*` prefix. */
  PSK_PUBLIC_PATHS?: string;
  /** `on` to forward CORS preflights without a key. Default `off`. */
  PSK_CORS_PREFLIGHT?: string;
  /** Failed attempts allowed per client and window, e.g. `10/1m`, or `off` (default). */
  PSK_THROTTLE?: string;
  /** Header holding the client's address, set by a trusted proxy (e.g. `CF-Connecting-IP`). */
  PSK_CLIENT_IP_HEADER?: string;
  /** `enforce` (default) or `report`: forward everything, log what would be denied. */
  PSK_MODE?: string;
  /** `debug`, `info` (default), `warn`, `error` or `off`. */
  PSK_LOG?: string;
  /** Deny bodies: `auto` (default: JSON when asked for), `text` or `problem`. */
  PSK_DENY_FORMAT?: string;
  /** Workers put bindings of other types beside the variables. */
  [name: string]: unknown;
}

/**
 * A configured key: a plaintext secret, or the hex SHA-256 digest of one,
 * with an optional validity window and scope.
 */
export type KeySpec = ({ readonly secret: string } | { readonly sha256: string }) & {
  /** Names the key in logs and to the upstream; 1-64 of `A-Z a-z 0-9 . _ ~ -`. */
  readonly id: string;
  /** Not valid before this instant (UTC), e.g. `"2026-01-01"` or `"2026-01-01T08:00Z"`. */
  readonly from?: string | Date;
  /** Not valid from this instant on (UTC). */
  readonly until?: string | Date;
  /** Methods the key may use, e.g. `["GET", "HEAD"]`. Default: any. */
  readonly methods?: readonly string[];
  /** Path prefixes the key may use, e.g. `["/api/"]`. Default: any. */
  readonly paths?: readonly string[];
};

/**
 * A fetch-compatible function that reaches the upstream. Shims pass faster or
 * more faithful clients than the platform `fetch`; the handler stays pure.
 */
export type UpstreamFetch = (url: string, init: RequestInit) => Promise<Response>;

/**
 * What the upstream client does with a compressed response body. The Fetch
 * standard decodes `Content-Encoding` but keeps the header, so a proxy that
 * relays such a response sends decoded bytes labelled as compressed.
 *
 * - `"raw"`: the body is the bytes the upstream sent (Bun with
 *   `decompress: false`, the Node shim's client).
 * - `"auto"`: the platform `fetch` of the runtime the handler runs on.
 * - a function: returns true when the client decoded a body that arrived with
 *   these content codings (lower-case, in header order, `identity` left out),
 *   given the `Accept-Encoding` the gateway sent.
 */
export type UpstreamDecoding =
  | "raw"
  | "auto"
  | ((codings: readonly string[], sentAcceptEncoding: string | null) => boolean);

/** Options of {@linkcode createHandler}. */
export interface GatewayOptions {
  /**
   * Origin to forward to; may carry a base path (`http://10.0.0.5:9000/api`
   * sends `/x` to `/api/x`). Required unless `routeMode` is set.
   */
  upstream?: string | URL;
  /** Keys in `PSK_KEYS` syntax, or as a list. At least one is required. */
  keys: string | readonly KeySpec[];
  /** Header that carries the key, case-insensitive. Default `"X-Custom-PSK"`. */
  header?: string;
  /** Milliseconds to wait for response headers before answering 504. Default `30000`. */
  timeoutMs?: number;
  /** Client used to reach the upstream. Default: the platform `fetch`. */
  fetch?: UpstreamFetch;
  /** How `fetch` treats compressed bodies. Default `"auto"` with the platform fetch, else `"raw"`. */
  decoding?: UpstreamDecoding;
  /**
   * Workers route mode: with no `upstream`, forward to the request's own URL,
   * that is, the origin behind the Workers route. Only safe on Workers, where
   * such a subrequest reaches the origin instead of the Worker again.
   * Default `false`.
   */
  routeMode?: boolean;
  /** Header naming the matched key's id to the upstream, or `false`. Default `"X-PSK-Key-Id"`. */
  idHeader?: string | false;
  /** Milliseconds before a key's `until` from which responses carry `Deprecation`/`Sunset`. Default 7 days. */
  sunsetWarningMs?: number;
  /** Also take the key from `Authorization: Bearer <key>`. Default `false`. */
  bearer?: boolean;
  /** Paths that need no key: exact (`"/healthz"`) or prefix (`"/docs/*"`). Default none. */
  publicPaths?: readonly string[];
  /** Forward CORS preflights (OPTIONS with Origin and Access-Control-Request-Method) without a key. Default `false`. */
  corsPreflight?: boolean;
  /** Answer 429 once a client has failed this often. Default: no throttling. */
  throttle?: ThrottleOptions;
  /**
   * Header holding the client's address, set by a trusted proxy in front
   * (e.g. `"CF-Connecting-IP"`), for throttling and logs. Default: the
   * connection's address. Only set it when every request passes that proxy,
   * or clients can pick their own address.
   */
  clientIpHeader?: string;
  /** `"report"` forwards everything and logs what would have been denied. Default `"enforce"`. */
  mode?: "enforce" | "report";
  /** Where and how much to log. Default: JSON lines on the console at `"info"`. */
  log?: LogOptions;
  /** Deny bodies: `"auto"` (problem+json when the client accepts JSON), `"text"` or `"problem"`. Default `"auto"`. */
  denyFormat?: "auto" | "text" | "problem";
}

/** Failed-attempt throttling. */
export interface ThrottleOptions {
  /** Failures allowed per client address (IPv6 grouped by /64) in one window. */
  readonly max: number;
  /** The window, in milliseconds. */
  readonly windowMs: number;
  /** Where failures are counted. Default: an in-memory store, one per gateway. */
  readonly store?: FailureStore;
}

/**
 * Counts failed attempts per client. The in-memory store counts per process
 * or isolate; a deployment on many machines plugs in a shared one (Workers
 * Durable Objects, Deno KV, Redis) by implementing this interface.
 */
export interface FailureStore {
  /** Failures of `client` in the current window, and when it ends (epoch ms). */
  get(client: string, windowMs: number): Promise<FailureCount> | FailureCount;
  /** Adds one failure for `client` and returns the new count. */
  add(client: string, windowMs: number): Promise<FailureCount> | FailureCount;
}

/** A client's failures in the current window. */
export interface FailureCount {
  /** Failures so far in this window. */
  readonly count: number;
  /** When the window ends, in epoch milliseconds. */
  readonly resetAt: number;
}

/** Log level names, from most to least verbose. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "off";

/** Logging options. */
export interface LogOptions {
  /** Least severe entry to write. Default `"info"`. */
  readonly level?: LogLevel;
  /** Receives each entry. Default: one JSON line on the console. */
  readonly sink?: (entry: LogEntry) => void;
}

/**
 * One entry per request. It never holds a key or a header value that could
 * hold one, nor the query string.
 */
export interface LogEntry {
  /** When the response was ready, ISO 8601 UTC. */
  readonly time: string;
  /** `info` for admitted requests, `warn` for refusals, `error` for upstream failures. */
  readonly level: Exclude<LogLevel, "off">;
  /** The client's `X-Request-Id` when it is a plain token, else a fresh UUID. */
  readonly requestId: string;
  /** The request method. */
  readonly method: string;
  /** The request path, without the query. */
  readonly path: string;
  /** The status sent to the client. */
  readonly status: number;
  /** What the gateway did. */
  readonly outcome:
    | "allowed"
    | "public"
    | "preflight"
    | "denied"
    | "throttled"
    | "would_deny"
    | "error";
  /**
   * Why, as a stable code: `missing_key`, `invalid_key`, `conflicting_keys`,
   * `key_not_yet_valid`, `key_expired`, `out_of_scope`, `throttled`,
   * `method_not_allowed`, `upstream_unreachable`, `upstream_timeout`,
   * `misconfigured`.
   */
  readonly reason?: string;
  /** The id of the key presented, when it matched one (even if refused for its window or scope). */
  readonly keyId?: string;
  /** The client's address, from the connection or the trusted header. */
  readonly client?: string;
  /** Milliseconds from the request to the response headers. */
  readonly durationMs: number;
  /** The upstream's status, when it answered. */
  readonly upstreamStatus?: number;
}

/** Facts about the connection that only the runtime knows. */
export interface ClientInfo {
  /** The client's IP address, appended to `X-Forwarded-For`. */
  readonly address?: string;
}

/**
 * The gateway: a Web-standard request handler that never throws or rejects.
 * A refusal is returned as a plain `Response`, so that a server can write it
 * in the same turn; anything forwarded comes as a promise. `await` takes both.
 */
export type Gateway = (request: Request, client?: ClientInfo) => Response | Promise<Response>;
