// The allow path: build the upstream request, send it, relay the answer.
import type { Config } from "./_config.ts";
import { stripHopByHop, upstreamHeaders } from "./_headers.ts";
import { answer, ANSWERS } from "./_responses.ts";
import type { ClientInfo } from "./types.ts";

// Statuses whose responses never have a body (RFC 9110 §6.4.1).
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

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
  const hasBody = request.body !== null && request.method !== "GET" && request.method !== "HEAD";
  const headers = upstreamHeaders(request.headers, config, passage, hasBody, {
    for: client?.address,
    host: request.headers.get("host") ?? url.host,
    proto: url.protocol.slice(0, -1),
  });
  // Concatenation, not `new URL(path, base)`: a path such as "//evil/x" must
  // stay a path on the upstream instead of naming another authority.
  const target = config.upstream
    ? config.upstream.origin + config.upstream.basePath + url.pathname + url.search
    : url.href;

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, config.timeoutMs);
  // Stays attached after the headers arrive, so that a client hanging up
  // mid-body also cancels the upstream transfer.
  const onClientAbort = () => controller.abort();
  if (request.signal.aborted) onClientAbort();
  request.signal.addEventListener("abort", onClientAbort, { once: true });

  let response: Response;
  try {
    response = await config.fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? request.body : null,
      redirect: "manual",
      signal: controller.signal,
      // Streams the request body (Node's fetch refuses a stream without it).
      duplex: "half",
      // Bun only: relay compressed bodies as they are.
      decompress: false,
    } as RequestInit);
  } catch {
    const accept = request.headers.get("accept");
    return timedOut
      ? {
        response: answer(ANSWERS.gatewayTimeout, config.denyFormat, accept),
        failure: "upstream_timeout",
      }
      : {
        response: answer(ANSWERS.badGateway, config.denyFormat, accept),
        failure: "upstream_unreachable",
      };
  } finally {
    clearTimeout(timer);
  }
  const relayed = relay(response, request.method, config, headers.get("accept-encoding"), passage);
  return { response: relayed, upstreamStatus: response.status };
}

function relay(
  upstream: Response,
  method: string,
  config: Config,
  sentAcceptEncoding: string | null,
  passage: Passage,
): Response {
  if (method !== "HEAD" && !NULL_BODY.has(upstream.status)) {
    // Edit the upstream's response where its headers may be changed (a
    // shim's client): no second Response, no re-wrapped body. The Fetch
    // standard makes fetch()'s headers immutable, and the first edit throws.
    try {
      editHeaders(upstream.headers, config, sentAcceptEncoding, passage);
      return upstream;
    } catch {
      // Fall through to a copy.
    }
  }
  const headers = new Headers(upstream.headers);
  editHeaders(headers, config, sentAcceptEncoding, passage);
  const bodyless = method === "HEAD" || NULL_BODY.has(upstream.status);
  if (bodyless) upstream.body?.cancel().catch(() => {});
  // No statusText: HTTP/2 and 3 have none, and no server shim sends it.
  return new Response(bodyless ? null : upstream.body, { status: upstream.status, headers });
}

function editHeaders(
  headers: Headers,
  config: Config,
  sentAcceptEncoding: string | null,
  passage: Passage,
): void {
  stripHopByHop(headers);
  const encoding = headers.get("content-encoding");
  if (encoding !== null) {
    const codings = encoding.split(",")
      .map((coding) => coding.trim().toLowerCase())
      .filter((coding) => coding !== "" && coding !== "identity");
    if (codings.length > 0 && config.decoded(codings, sentAcceptEncoding)) {
      // The bytes are no longer what these fields describe.
      headers.delete("content-encoding");
      headers.delete("content-length");
    }
  }
  for (const [name, value] of Object.entries(passage.responseHeaders ?? {})) {
    headers.set(name, value);
  }
}
