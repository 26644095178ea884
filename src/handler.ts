// The request path: read the key, verify it in constant time, deny or forward.
import { type Config, configFromEnv, resolveConfig } from "./_config.ts";
import { forward } from "./_forward.ts";
import { verifyKey } from "./_keys.ts";
import { denyResponse, internalError, methodNotAllowed } from "./_responses.ts";
import type { ClientInfo, Env, Gateway, GatewayOptions } from "./types.ts";

// The Fetch standard forbids these methods; forwarding would only fail.
const UNSENDABLE = new Set(["CONNECT", "TRACE", "TRACK"]);

async function handle(request: Request, config: Config, client?: ClientInfo): Promise<Response> {
  // Headers.get() already trims spaces and tabs; trim() also covers the
  // in-process case where a caller built the Headers itself. Two header lines
  // arrive joined by ", " and are compared as one value, which no configured
  // key can equal: secrets never contain a comma.
  const keys = await config.keys; // rejects on a bad key list: 500 for everyone
  const presented = request.headers.get(config.header)?.trim();
  const keyId = presented ? await verifyKey(presented, keys) : undefined;
  if (keyId === undefined) return denyResponse();
  if (UNSENDABLE.has(request.method.toUpperCase())) return methodNotAllowed();
  return forward(request, config, client);
}

/**
 * Builds the gateway from options. Invalid options throw a
 * {@linkcode ConfigError} at once, naming the option at fault; the returned
 * function never throws.
 *
 * @param options Upstream, keys and the optional knobs of {@linkcode GatewayOptions}.
 * @returns A handler `(request, client?) => Promise<Response>`, and `ready`,
 * which settles once the keys are hashed (rejecting if two share a secret).
 *
 * @example Deny a request without the key
 * ```ts
 * import { createHandler } from "@psk-gate/psk-gate";
 * import { equal } from "node:assert/strict";
 *
 * const gateway = createHandler({
 *   upstream: "http://127.0.0.1:9000",
 *   keys: "ci:sha256:2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b",
 * });
 * await gateway.ready;
 * const response = await gateway(new Request("http://gw.example/"));
 * equal(response.status, 403);
 * ```
 */
export function createHandler(options: GatewayOptions): Gateway {
  return bind(resolveConfig(options));
}

function bind(config: Config): Gateway {
  const gateway = (request: Request, client?: ClientInfo) =>
    handle(request, config, client).catch(() => internalError());
  return Object.assign(gateway, { ready: config.keys.then(() => {}) });
}

/**
 * Makes an env-driven handler with some options fixed by the caller, such as
 * the Workers shim's route mode or a shim's upstream client. The
 * configuration is parsed once per env object and cached.
 */
export function createEnvHandler(
  fixed: Partial<GatewayOptions> = {},
): (request: Request, env: Env, client?: ClientInfo) => Promise<Response> {
  const cache = new WeakMap<Env, Gateway>();
  return (request, env, client) => {
    let gateway = cache.get(env);
    if (gateway === undefined) {
      gateway = fromEnv(env, fixed);
      cache.set(env, gateway);
    }
    return gateway(request, client);
  };
}

/**
 * Builds the gateway from an env object. Throws {@linkcode ConfigError}
 * naming the variable at fault.
 */
export function gatewayFromEnv(env: Env, fixed: Partial<GatewayOptions> = {}): Gateway {
  return bind(configFromEnv(env, fixed));
}

function fromEnv(env: Env, fixed: Partial<GatewayOptions>): Gateway {
  try {
    const gateway = gatewayFromEnv(env, fixed);
    gateway.ready.catch((error) => report(error));
    return gateway;
  } catch (error) {
    report(error);
    // Fail closed: every request gets a generic 500, the log says why.
    return Object.assign(() => Promise.resolve(internalError()), { ready: Promise.resolve() });
  }
}

function report(error: unknown): void {
  const message = error instanceof Error ? error.message : "unknown error";
  console.error(`psk-gate: invalid configuration: ${message}`);
}

/**
 * The gateway as one Web-standard function of a request and an env object
 * (`UPSTREAM_URL`, `PSK_KEYS`, `PSK_HEADER`, `UPSTREAM_TIMEOUT_MS`). Invalid
 * configuration answers 500 with a generic body and logs which variable is
 * wrong. Configuration is cached per env object: pass the same object each time.
 *
 * @param request The incoming request.
 * @param env Configuration, as environment variables or Workers bindings.
 * @param client Connection facts only the runtime knows, such as the address.
 * @returns The upstream's response, or the gateway's own 403/405/500/502/504.
 *
 * @example A keyless request never reaches the upstream
 * ```ts
 * import { handler } from "@psk-gate/psk-gate";
 * import { equal } from "node:assert/strict";
 *
 * const env = {
 *   UPSTREAM_URL: "http://127.0.0.1:9000",
 *   PSK_KEYS: "ci:c29d1b4d9a-example-not-for-use-7Hq2",
 * };
 * const response = await handler(new Request("http://gw.example/"), env);
 * equal(response.status, 403);
 * ```
 */
export const handler: (request: Request, env: Env, client?: ClientInfo) => Promise<Response> =
  createEnvHandler();
