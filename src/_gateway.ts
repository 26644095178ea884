// The request path: decide, then forward, refuse or throttle; log one line.
import type { Config } from "./_config.ts";
import { forward, type Forwarded, type Passage } from "./_forward.ts";
import { decide, type Decision, type Reason } from "./_policy.ts";
import { answer, ANSWERS } from "./_responses.ts";
import { clientBucket } from "./_throttle.ts";
import type { ClientInfo, Gateway, LogEntry } from "./types.ts";

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

/** The gateway for a checked configuration; it answers 500 rather than throw. */
export function bind(config: Config): Gateway {
  return (request, client) =>
    handle(request, config, client).catch(() => answer(ANSWERS.internalError));
}
