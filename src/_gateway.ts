// The request path: decide, then forward, refuse or throttle; log one line.
import type { Config } from "./_config.ts";
import { isoNow } from "./_log.ts";
import { forward, type Forwarded, type Passage } from "./_forward.ts";
import { decide, type Decision } from "./_policy.ts";
import { bearerAuthorization } from "./_credentials.ts";
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
// The last Host found well formed: a gateway sees the same few, and the
// pattern costs a twentieth of a proxied request on Bun.
let wellFormedHost: string | undefined;

interface Outcome {
  readonly response: Response;
  readonly outcome: LogEntry["outcome"];
  readonly reason?: string;
  readonly keyId?: string;
  readonly upstreamStatus?: number;
}

// Synchronous where it can be: a refusal is answered in the same turn as the
// request (no promise at all), which lets the Node shim write it at once.
function handle(
  request: Request,
  config: Config,
  client?: ClientInfo,
): Response | Promise<Response> {
  const started = Date.now();
  const address = clientAddress(request, client, config);
  const url = requestUrl(request);
  if (url === undefined) {
    const response = answer(ANSWERS.badRequest, config.denyFormat, request.headers.get("accept"));
    return logged({ response, outcome: "denied", reason: "bad_request" });
  }
  const decision = decide(request, url.pathname, config);
  const result = decision.allow
    ? admit(request, url, config, client, decision)
    : refuse(request, url, config, client, decision, address);
  return after(result, logged);

  function logged(result: Outcome): Response {
    const level = config.log?.levelOf(result.outcome);
    if (level === undefined) return result.response;
    config.log!.sink({
      time: isoNow(),
      level,
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
}

function admit(
  request: Request,
  url: URL,
  config: Config,
  client: ClientInfo | undefined,
  decision: Extract<Decision, { allow: true }>,
): Outcome | Promise<Outcome> {
  const unsendable = refuseUnsendable(request, config);
  if (unsendable !== undefined) return unsendable;
  const passage: Passage = decision.outcome === "allowed"
    ? {
      keyId: decision.keyId,
      stripAuthorization: decision.fromBearer,
      responseHeaders: sunsetHeaders(decision.policy.until, config.sunsetWarningMs),
    }
    : {};
  const keyId = decision.outcome === "allowed" ? decision.keyId : undefined;
  return forward(request, url, config, client, passage).then((forwarded) =>
    relayed(forwarded, decision.outcome, keyId)
  );
}

function refuse(
  request: Request,
  url: URL,
  config: Config,
  client: ClientInfo | undefined,
  decision: Extract<Decision, { allow: false }>,
  address: string | undefined,
): Outcome | Promise<Outcome> {
  const throttle = config.throttle;
  if (throttle === undefined) return refused(request, url, config, client, decision);
  const counted = throttle.store.add(clientBucket(address ?? "unknown"), throttle.windowMs);
  return after(counted, ({ count, resetAt }) => {
    if (count <= throttle.max) return refused(request, url, config, client, decision);
    const retryAfter = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
    return refused(request, url, config, client, decision, retryAfter);
  });
}

/** The refusal itself; `retryAfter` (seconds) when the client is throttled. */
function refused(
  request: Request,
  url: URL,
  config: Config,
  client: ClientInfo | undefined,
  decision: Extract<Decision, { allow: false }>,
  retryAfter?: number,
): Outcome | Promise<Outcome> {
  const keyId = decision.keyId;
  const reason = retryAfter === undefined ? decision.reason : "throttled";
  if (config.reportOnly) {
    // Would-be denials go on as if admitted, and meet the same method rule.
    const unsendable = refuseUnsendable(request, config);
    if (unsendable !== undefined) return { ...unsendable, keyId };
    // Whatever key it carried stays here, in the header or as a Bearer token.
    const passage = {
      stripAuthorization: bearerAuthorization(request.headers, config.bearer) !== null,
    };
    return forward(request, url, config, client, passage).then((forwarded) => ({
      ...relayed(forwarded, "would_deny", keyId),
      reason: forwarded.failure ?? reason,
    }));
  }
  const accept = request.headers.get("accept");
  if (retryAfter !== undefined) {
    const response = answer(ANSWERS.throttled, config.denyFormat, accept, {
      "retry-after": String(retryAfter),
    });
    return { response, outcome: "throttled", reason, keyId };
  }
  return {
    response: answer(ANSWERS.denied, config.denyFormat, accept),
    outcome: "denied",
    reason,
    keyId,
  };
}

/** A 405 for a method that is never forwarded, else undefined. */
function refuseUnsendable(request: Request, config: Config): Outcome | undefined {
  if (!UNSENDABLE.has(request.method.toUpperCase())) return undefined;
  return {
    response: answer(ANSWERS.methodNotAllowed, config.denyFormat, request.headers.get("accept")),
    outcome: "denied",
    reason: "method_not_allowed",
  };
}

/** `next(value)`: at once for a plain value, once settled for a promise. */
function after<T, U>(
  value: T | PromiseLike<T>,
  next: (value: T) => U | Promise<U>,
): U | Promise<U> {
  return isPromiseLike(value) ? Promise.resolve(value).then(next) : next(value);
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === "function";
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
  if (host !== null && host !== wellFormedHost) {
    const match = HOST.exec(host);
    if (match === null || Number(match[1] ?? 0) > 65535) return undefined;
    wellFormedHost = host;
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
  const internalError = () => answer(ANSWERS.internalError);
  return (request, client) => {
    try {
      const response = handle(request, config, client);
      return response instanceof Promise ? response.catch(internalError) : response;
    } catch {
      return internalError();
    }
  };
}
