// The allow path: build the upstream request, send it, relay the answer.
import type { Config } from "./_config.ts";
import { stripHopByHop, upstreamHeaders } from "./_headers.ts";
import { badGateway, gatewayTimeout } from "./_responses.ts";
import type { ClientInfo } from "./types.ts";

// Statuses whose responses never have a body (RFC 9110 §6.4.1).
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** Forwards an authorized request to the upstream and relays its response. */
export async function forward(
  request: Request,
  config: Config,
  client: ClientInfo | undefined,
): Promise<Response> {
  const url = new URL(request.url);
  const hasBody = request.body !== null && request.method !== "GET" && request.method !== "HEAD";
  const headers = upstreamHeaders(request.headers, config.header, hasBody, {
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
    return timedOut ? gatewayTimeout() : badGateway();
  } finally {
    clearTimeout(timer);
  }
  return relay(response, request.method, config, headers.get("accept-encoding"));
}

function relay(
  upstream: Response,
  method: string,
  config: Config,
  sentAcceptEncoding: string | null,
): Response {
  const headers = new Headers(upstream.headers);
  stripHopByHop(headers);
  const codings = (headers.get("content-encoding") ?? "").split(",")
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== "" && coding !== "identity");
  if (codings.length > 0 && config.decoded(codings, sentAcceptEncoding)) {
    // The bytes are no longer what these fields describe.
    headers.delete("content-encoding");
    headers.delete("content-length");
  }
  const bodyless = method === "HEAD" || NULL_BODY.has(upstream.status);
  if (bodyless) upstream.body?.cancel().catch(() => {});
  return new Response(bodyless ? null : upstream.body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers,
  });
}
