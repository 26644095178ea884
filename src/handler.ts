// The public ways to build the gateway: from options, or from an env object.
import { resolveConfig } from "./_config.ts";
import { configFromEnv } from "./_env.ts";
import { bind } from "./_gateway.ts";
import { answer, ANSWERS } from "./_responses.ts";
import type { ClientInfo, Env, Gateway, GatewayOptions } from "./types.ts";

/**
 * Builds the gateway from options. Invalid options throw a
 * {@linkcode ConfigError} at once, naming the option at fault; the returned
 * function never throws.
 *
 * @param options Upstream, keys and the optional knobs of {@linkcode GatewayOptions}.
 * @returns A handler `(request, client?) => Response | Promise<Response>`.
 *
 * @example Deny a request without the key
 * ```ts
 * import { createHandler } from "@psk-gate/psk-gate";
 * import { equal } from "node:assert/strict";
 *
 * const gateway = createHandler({
 *   upstream: "http://127.0.0.1:9000",
 *   keys: "ci:sha256:2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b",
 *   log: { level: "off" },
 * });
 * const response = await gateway(new Request("http://gw.example/"));
 * equal(response.status, 403);
 * ```
 */
export function createHandler(options: GatewayOptions): Gateway {
  return bind(resolveConfig(options));
}

/**
 * Builds the gateway from an env object. Throws {@linkcode ConfigError}
 * naming the variable at fault.
 */
export function gatewayFromEnv(env: Env, fixed: Partial<GatewayOptions> = {}): Gateway {
  return bind(configFromEnv(env, fixed));
}

/**
 * Makes an env-driven handler with some options fixed by the caller, such as
 * the Workers shim's route mode or a shim's upstream client. The
 * configuration is parsed once per env object and cached.
 */
export function createEnvHandler(
  fixed: Partial<GatewayOptions> = {},
): (request: Request, env: Env, client?: ClientInfo) => Response | Promise<Response> {
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

function fromEnv(env: Env, fixed: Partial<GatewayOptions>): Gateway {
  try {
    return gatewayFromEnv(env, fixed);
  } catch (error) {
    report(error);
    // Fail closed: every request gets a generic 500, the log says why.
    return () => answer(ANSWERS.internalError);
  }
}

function report(error: unknown): void {
  const message = error instanceof Error ? error.message : "unknown error";
  console.error(`psk-gate: invalid configuration: ${message}`);
}

/**
 * The gateway as one Web-standard function of a request and an env object
 * (`UPSTREAM_URL`, `PSK_KEYS` and the other variables in the README).
 * Invalid configuration answers 500 with a generic body and logs which
 * variable is wrong. Configuration is cached per env object: pass the same
 * object each time.
 *
 * @param request The incoming request.
 * @param env Configuration, as environment variables or Workers bindings.
 * @param client Connection facts only the runtime knows, such as the address.
 * @returns The upstream's response, or the gateway's own 403/405/429/500/502/504.
 *
 * @example A keyless request never reaches the upstream
 * ```ts
 * import { handler } from "@psk-gate/psk-gate";
 * import { equal } from "node:assert/strict";
 *
 * const env = {
 *   UPSTREAM_URL: "http://127.0.0.1:9000",
 *   PSK_KEYS: "ci:Qm9vdHN0cmFwLWtleS1mb3ItZG9jcw",
 *   PSK_LOG: "off",
 * };
 * const response = await handler(new Request("http://gw.example/"), env);
 * equal(response.status, 403);
 * ```
 */
export const handler: (
  request: Request,
  env: Env,
  client?: ClientInfo,
) => Response | Promise<Response> = createEnvHandler();
