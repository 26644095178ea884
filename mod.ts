/**
 * psk-gate: a pre-shared-key gateway as one Web-standard handler.
 *
 * A request that carries a configured key in the key header (default
 * `X-Custom-PSK`) is reverse-proxied to the upstream, minus the key; any
 * other request gets 403 and never reaches the upstream. Keys are compared
 * in constant time over SHA-256 digests, bodies stream both ways, redirects
 * and cookies pass through untouched, and no runtime API is used, so the same
 * code runs on Deno, Bun, Node and Cloudflare Workers.
 *
 * @example Put the gateway in front of an origin
 * ```ts
 * import { createHandler } from "@psk-gate/psk-gate";
 * import { equal } from "node:assert/strict";
 *
 * const gateway = createHandler({
 *   upstream: "http://127.0.0.1:9000/api",
 *   keys: "alice:Xk4TeeBMv1pTbnslAFDv6nSa8xTXQVnE",
 * });
 * const denied = await gateway(new Request("http://gw.example/orders"));
 * equal(denied.status, 403);
 * ```
 *
 * @module
 */
export { createHandler, handler } from "./src/handler.ts";
export { ConfigError } from "./src/errors.ts";
export { MemoryFailureStore } from "./src/_throttle.ts";
export type {
  ClientInfo,
  Env,
  FailureCount,
  FailureStore,
  Gateway,
  GatewayOptions,
  KeySpec,
  LogEntry,
  LogLevel,
  LogOptions,
  ThrottleOptions,
  UpstreamDecoding,
  UpstreamFetch,
} from "./src/types.ts";
