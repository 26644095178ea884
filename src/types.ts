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
  /** Workers put bindings of other types beside the variables. */
  [name: string]: unknown;
}

/** A configured key: a plaintext secret, or the hex SHA-256 digest of one. */
export type KeySpec =
  | { readonly id: string; readonly secret: string }
  | { readonly id: string; readonly sha256: string };

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
}

/** Facts about the connection that only the runtime knows. */
export interface ClientInfo {
  /** The client's IP address, appended to `X-Forwarded-For`. */
  readonly address?: string;
}

/** The gateway: a Web-standard request handler. */
export interface Gateway {
  (request: Request, client?: ClientInfo): Promise<Response>;
  /** Settles once the keys are hashed; rejects if two entries share a secret. */
  readonly ready: Promise<void>;
}
