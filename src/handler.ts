// The request path: decide, then forward, refuse or throttle; log one line.
import type { Config } from "./_config.ts";
import { configFromEnv } from "./_env.ts";
import { forward, type Forwarded, type Passage } from "./_forward.ts";
import { decide, type Decision, type Reason } from "./_policy.ts";
import { answer, ANSWERS } from "./_responses.ts";
import { clientBucket } from "./_throttle.ts";
import { resolveConfig } from "./_config.ts";
import type { ClientInfo, Env, Gateway, GatewayOptions, LogEntry } from "./types.ts";

// The Fetch standard forbids these methods; forwarding would only fail.
const UNSENDABLE = new Set(["CONNECT", "TRACE", "TRACK"]);
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
// A host name, IPv4 or bracketed IPv6 literal, and an optional port. Some
// runtimes build request.url from Host, so "gw/admin?" there would rewrite the
// path the gateway sees and forwards.
const HOST = /^(?:[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;

interface Outcome {
  readonly response: Response;
  readonly outcome: LogEntry["outcome"];
  readonly reason?: string;
  readonly keyId?: string;
  readonly upstreamStatus?: number;
}

async function handle(request: Request, config: Config, client?: ClientInfo): Promise<Response> {
  const started = Date.now();
  const address = clientAddress(request, client, config);
  const url = requestUrl(request);
  let result: Outcome;
  if (url === undefined) {
    const response = answer(ANSWERS.badRequest, config.denyFormat, request.headers.get("accept"));
    result = { response, outcome: "denied", reason: "bad_request" };
  } else {
    const decision = decide(request, url.pathname, config);
    result = decision.allow
      ? await admit(request, url, config, client, decision)
      : await refuse(request, url, config, client, decision, address);
  }
  config.log?.({
    requestId: requestId(request),
    method: request.method,
    path: url?.pathname ?? "",
    status: result.response.status,
    outcome: result.outcome,
    reason: result.reason,
    keyId: result.keyId,
    client: address,
    durationMs: Date.now() - started,
    upstreamStatus: result.upstreamStatus,
  });
  return result.response;
}

async function admit(
  request: Request,
  url: URL,
  config: Config,
  client: ClientInfo | undefined,
  decision: Extract<Decision, { allow: true }>,
): Promise<Outcome> {
  if (UNSENDABLE.has(request.method.toUpperCase())) {
    return {
      response: answer(ANSWERS.methodNotAllowed, config.denyFormat, request.headers.get("accept")),
      outcome: "denied",
      reason: "method_not_allowed",
    };
  }
  const passage: Passage = decision.outcome === "allowed"
    ? {
      keyId: decision.keyId,
      stripAuthorization: decision.fromBearer,
      responseHeaders: sunsetHeaders(decision.policy.until, config.sunsetWarningMs),
    }
    : {};
  const forwarded = await forward(request, url, config, client, passage);
  const keyId = decision.outcome === "allowed" ? decision.keyId : undefined;
  return relayed(forwarded, decision.outcome, keyId);
}

async function refuse(
  request: Request,
  url: URL,
  config: Config,
  client: ClientInfo | undefined,
  decision: Extract<Decision, { allow: false }>,
  address: string | undefined,
): Promise<Outcome> {
  let reason: Reason | "throttled" = decision.reason;
  let retryAfter: number | undefined;
  if (config.throttle) {
    const { max, windowMs, store } = config.throttle;
    const failures = await store.add(clientBucket(address ?? "unknown"), windowMs);
    if (failures.count > max) {
      reason = "throttled";
      retryAfter = Math.max(1, Math.ceil((failures.resetAt - Date.now()) / 1000));
    }
  }
  if (config.reportOnly) {
    const forwarded = await forward(request, url, config, client, {});
    return {
      ...relayed(forwarded, "would_deny", decision.keyId),
      reason: forwarded.failure ?? reason,
    };
  }
  const accept = request.headers.get("accept");
  if (retryAfter !== undefined) {
    const response = answer(ANSWERS.throttled, config.denyFormat, accept, {
      "retry-after": String(retryAfter),
    });
    return { response, outcome: "throttled", reason, keyId: decision.keyId };
  }
  return {
    response: answer(ANSWERS.denied, config.denyFormat, accept),
    outcome: "denied",
    reason,
    keyId: decision.keyId,
  };
}

function relayed(forwarded: Forwarded, outcome: LogEntry["outcome"], keyId?: string): Outcome {
  return {
    response: forwarded.response,
    outcome: forwarded.failure ? "error" : outcome,
    reason: forwarded.failure,
    keyId,
    upstreamStatus: forwarded.upstreamStatus,
  };
}

/**
 * RFC 9745 and RFC 8594: within the warning time before a key's end,
 * responses say when it was deprecated and when it stops working.
 */
function sunsetHeaders(
  until: number | undefined,
  warningMs: number,
): Record<string, string> | undefined {
  if (until === undefined || Date.now() < until - warningMs) return undefined;
  return {
    deprecation: `@${Math.floor((until - warningMs) / 1000)}`,
    sunset: new Date(until).toUTCString(),
  };
}

/** The request's URL, or undefined when its Host or URL is malformed (400). */
function requestUrl(request: Request): URL | undefined {
  const host = request.headers.get("host");
  if (host !== null) {
    const match = HOST.exec(host);
    if (match === null || Number(match[1] ?? 0) > 65535) return undefined;
  }
  try {
    const url = new URL(request.url);
    return url.username || url.password ? undefined : url;
  } catch {
    return undefined;
  }
}

function clientAddress(
  request: Request,
  client: ClientInfo | undefined,
  config: Config,
): string | undefined {
  if (config.clientIpHeader !== undefined) {
    // A list (X-Forwarded-For style) ends with what the trusted proxy added.
    const value = request.headers.get(config.clientIpHeader)?.split(",").pop()?.trim();
    if (value) return value;
  }
  return client?.address;
}

function requestId(request: Request): string {
  const sent = request.headers.get("x-request-id");
  return sent !== null && REQUEST_ID.test(sent) ? sent : crypto.randomUUID();
}

/**
 * Builds the gateway from options. Invalid options throw a
 * {@linkcode ConfigError} at once, naming the option at fault; the returned
 * function never throws.
 *
 * @param options Upstream, keys and the optional knobs of {@linkcode GatewayOptions}.
 * @returns A handler `(request, client?) => Promise<Response>`.
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

function bind(config: Config): Gateway {
  return (request, client) =>
    handle(request, config, client).catch(() => answer(ANSWERS.internalError));
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

function fromEnv(env: Env, fixed: Partial<GatewayOptions>): Gateway {
  try {
    return gatewayFromEnv(env, fixed);
  } catch (error) {
    report(error);
    // Fail closed: every request gets a generic 500, the log says why.
    return () => Promise.resolve(answer(ANSWERS.internalError));
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
export const handler: (request: Request, env: Env, client?: ClientInfo) => Promise<Response> =
  createEnvHandler();
