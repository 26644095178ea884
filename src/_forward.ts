// The allow path: build the upstream request, send it, relay the answer.
import type { Config } from "./_config.ts";
import { type DeadlineQueue, Deadlines, OwnTimers, type Stoppable } from "./_deadlines.ts";
import { endToEnd, upstreamHeaders } from "./_headers.ts";
import { PLATFORM } from "./_platform.ts";
import { answer, ANSWERS } from "./_responses.ts";
import type { ClientInfo, UpstreamFetch } from "./types.ts";

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS"]);
const ON_WORKERD = PLATFORM.platform === "workerd";
// Upstream clients whose responses' headers were found immutable.
const IMMUTABLE = new WeakSet<UpstreamFetch>();
// Statuses whose responses never have a body (RFC 9110 §6.4.1).
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** The upstream timeout's two stages, as queues of one fixed delay each. */
export interface UpstreamDeadlines {
  /** Until the client is watched. */
  readonly watch: DeadlineQueue;
  /** From then until the timeout. */
  readonly rest: DeadlineQueue;
}

// Reading request.signal costs a fifth of a proxied request on Bun, which
// builds the signal on first use. Most upstreams answer well within this, so
// only a slower answer is raced against the client leaving; a client that
// leaves mid-body is seen anyway, since every runtime then cancels the body
// it was sending, and with it the upstream transfer.
const WATCH_CLIENT_AFTER_MS = 50;

/** Makes the queues for a gateway whose upstream timeout is `timeoutMs`. */
export function upstreamDeadlines(timeoutMs: number): UpstreamDeadlines {
  const watchAfter = Math.min(WATCH_CLIENT_AFTER_MS, timeoutMs);
  const Queue = ON_WORKERD ? OwnTimers : Deadlines;
  return { watch: new Queue(watchAfter), rest: new Queue(timeoutMs - watchAfter) };
}

/** What the gateway adds to a forwarded exchange. */
export interface Passage {
  /** Id of the matched key, named to the upstream in the identity header. */
  readonly keyId?: string;
  /** The key came as `Authorization: Bearer`: strip it. */
  readonly stripAuthorization?: boolean;
  /** Fields for the client's response, such as Deprecation and Sunset. */
  readonly responseHeaders?: Readonly<Record<string, string>>;
}

export interface Forwarded {
  readonly response: Response;
  /** The upstream's status, when it answered. */
  readonly upstreamStatus?: number;
  readonly failure?: "upstream_unreachable" | "upstream_timeout";
}

/** Forwards an admitted request to the upstream and relays its response. */
export async function forward(
  request: Request,
  url: URL,
  config: Config,
  client: ClientInfo | undefined,
  passage: Passage,
): Promise<Forwarded> {
  // Method first: reading `body` makes @hono/node-server build a full Request.
  const hasBody = request.method !== "GET" && request.method !== "HEAD" && request.body !== null;
  const headers = upstreamHeaders(request.headers, config, passage, hasBody, {
    for: client?.address,
    behindProxy: config.clientIpHeader !== undefined,
    host: request.headers.get("host") ?? url.host,
    proto: url.protocol.slice(0, -1),
  });
  // Concatenation, not `new URL(path, base)`: a path such as "//evil/x" must
  // stay a path on the upstream instead of naming another authority.
  const target = config.upstream
    ? config.upstream.origin + config.upstream.basePath + url.pathname + url.search
    : url.href;

  // UPSTREAM_TIMEOUT_MS runs from when the request, body included, has been
  // sent: a long upload is not a slow upstream. First a short wait; only then
  // is the client watched (see WATCH_CLIENT_AFTER_MS).
  const controller = new AbortController();
  // workerd: ends the wait for an upstream that fetch() has no signal for.
  let giveUp: ((reason: unknown) => void) | undefined;
  const abort = () => {
    controller.abort();
    giveUp?.(controller.signal.reason);
  };
  let timedOut = false;
  let deadline: Stoppable | undefined;
  const startTimer = () => {
    deadline = config.deadlines.watch.start(() => {
      watchClient(request, abort);
      deadline = config.deadlines.rest.start(() => {
        timedOut = true;
        abort();
      });
    });
  };
  // On workerd a JavaScript stream in the body's path cuts uploads to a tenth
  // of their speed; there the upload's end is not watched, and the timeout
  // runs from the start, upload included.
  const watchUpload = hasBody && !ON_WORKERD;
  const body = !hasBody
    ? null
    : watchUpload
    ? request.body!.pipeThrough(new TransformStream({ flush: startTimer }))
    : request.body;
  if (!watchUpload) startTimer();

  const init = {
    method: request.method,
    headers,
    body,
    redirect: "manual",
    // Made on first read: Node 20 spends several microseconds making a
    // signal, and the Node shim's client reads it only for an exchange still
    // open after a short wait (shims/_node_fetch.ts). On workerd, handing
    // fetch() a signal costs about a tenth of a proxied request's CPU time
    // (measured under load: 240 µs with it, 219 µs without); there the wait
    // is given up instead, and workerd cancels a subrequest left behind when
    // the request it served ends.
    get signal() {
      return ON_WORKERD ? undefined : controller.signal;
    },
    // Streams the request body (Node's fetch refuses a stream without it).
    duplex: "half",
    // Bun only: relay compressed bodies as they are.
    decompress: false,
  } as RequestInit;
  let response: Response;
  try {
    const sent = config.fetch(target, init).catch((error) => {
      // A pooled connection the upstream closed just as it was reused fails
      // before any answer; a request with no body and no side effects may
      // safely go once more (RFC 9110 §9.2.2), as nginx and Deno's fetch do.
      if (hasBody || !IDEMPOTENT.has(request.method) || controller.signal.aborted) throw error;
      return config.fetch(target, init);
    });
    response = await (ON_WORKERD
      ? Promise.race([sent, new Promise<never>((_, reject) => (giveUp = reject))])
      : sent);
  } catch {
    return failed(timedOut ? "upstream_timeout" : "upstream_unreachable", request, config);
  } finally {
    deadline?.stop();
  }
  try {
    const sentAcceptEncoding = config.decoding.acceptEncoding ??
      request.headers.get("accept-encoding");
    const relayed = relay(response, request.method, config, sentAcceptEncoding, passage);
    return { response: relayed, upstreamStatus: response.status };
  } catch {
    // An answer with no honest relay: a status outside 200-599, a 101 nobody
    // asked for, a compression whose fate is unknown.
    response.body?.cancel().catch(() => {});
    return { ...failed("upstream_unreachable", request, config), upstreamStatus: response.status };
  }
}

function watchClient(request: Request, abort: () => void): void {
  const signal = request.signal;
  if (signal.aborted) abort();
  else signal.addEventListener("abort", abort, { once: true });
}

function failed(
  failure: NonNullable<Forwarded["failure"]>,
  request: Request,
  config: Config,
): Forwarded {
  const answered = failure === "upstream_timeout" ? ANSWERS.gatewayTimeout : ANSWERS.badGateway;
  return { response: answer(answered, config.denyFormat, request.headers.get("accept")), failure };
}

function relay(
  upstream: Response,
  method: string,
  config: Config,
  sentAcceptEncoding: string | null,
  passage: Passage,
): Response {
  const { status, headers } = upstream;
  if (status < 200 || status > 599) throw new RangeError("unrelayable status");
  const extra = passage.responseHeaders;
  const keep = relayable(headers, config, sentAcceptEncoding, extra);
  const bodyless = method === "HEAD" || NULL_BODY.has(status);
  // Edit the upstream's response where its headers may be changed (a shim's
  // client): no second Response, no re-wrapped body. The Fetch standard makes
  // fetch()'s headers immutable, and the first edit throws; once a client's
  // have, the attempt (and its exception) is skipped.
  if (!bodyless && !IMMUTABLE.has(config.fetch)) {
    const dropped: string[] = [];
    headers.forEach((_, name) => {
      if (!keep(name)) dropped.push(name);
    });
    try {
      for (const name of dropped) headers.delete(name);
      for (const name in extra) headers.set(name, extra[name]);
      return upstream;
    } catch {
      IMMUTABLE.add(config.fetch);
    }
  }
  const fields: [string, string][] = [];
  let dropped = 0;
  headers.forEach((value, name) => keep(name) ? fields.push([name, value]) : dropped++);
  // Nothing to change: the runtime's own response streams on untouched.
  if (!bodyless && dropped === 0 && extra === undefined) return upstream;
  for (const name in extra) fields.push([name, extra[name]]);
  if (bodyless) upstream.body?.cancel().catch(() => {});
  // No statusText: HTTP/2 and 3 have none, and no server shim sends it.
  return new Response(bodyless ? null : upstream.body, { status, headers: fields });
}

/**
 * Which of the upstream's fields the client may see. Throws when the body's
 * encoding cannot be told truthfully.
 */
function relayable(
  headers: Headers,
  config: Config,
  sentAcceptEncoding: string | null,
  extra: Passage["responseHeaders"],
): (name: string) => boolean {
  const endToEndField = endToEnd(headers);
  // A length beside a transfer coding is void (RFC 9112 §6.3).
  let lengthVoid = headers.has("transfer-encoding");
  let decoded = false;
  const encoding = headers.get("content-encoding");
  if (encoding !== null) {
    const verdict = config.decoding.judge(encoding, sentAcceptEncoding);
    if (verdict === "unknown") throw new TypeError("content coding of unknown fate");
    // The bytes are no longer what these fields describe.
    decoded = verdict === "decoded";
    lengthVoid ||= decoded;
  }
  return (name) =>
    endToEndField(name) &&
    !(lengthVoid && name === "content-length") &&
    !(decoded && name === "content-encoding") &&
    !(extra !== undefined && Object.hasOwn(extra, name));
}
