// The Node shim's upstream client: node:http with keep-alive agents. Unlike
// Node's fetch it relays compressed bodies as sent, adds no headers of its
// own (Accept-Language, Sec-Fetch-Mode, User-Agent), and skips the WHATWG
// stream layers on the response side for small bodies.
import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import { Deadlines } from "../src/_deadlines.ts";
import type { UpstreamFetch } from "../src/types.ts";

const agents = {
  "http:": new http.Agent({ keepAlive: true }),
  "https:": new https.Agent({ keepAlive: true }),
};
// Statuses whose responses cannot have a body (Fetch standard).
const NULL_BODY = new Set([204, 205, 304]);
// Watching a signal cost Node 20 about 20 µs of CPU per proxied request
// (making the AbortSignal, adding and removing a listener, and collecting
// them), and most exchanges are over long before anything aborts them. So
// the signal (made on first read by the gateway) is read only for an exchange
// still open after this wait; an abort raised sooner, by a timeout shorter
// than the wait, takes effect when it ends.
const WATCH_AFTER_MS = 50;
const watching = new Deadlines(WATCH_AFTER_MS);
// A body this small and of known length is read whole before the Response is
// made: @hono/node-server then writes it in one call, with no web stream in
// between (one costs tens of microseconds on Node 20).
const BUFFER_LIMIT = 64 * 1024;

type Init = RequestInit & { body?: ReadableStream<Uint8Array> | null };

/** A fetch-compatible client over node:http(s); bodies are passed raw. */
export const nodeFetch: UpstreamFetch = (url, init) => send(new URL(url), init as Init);

function send(target: URL, init: Init): Promise<Response> {
  return new Promise((resolve, reject) => {
    const client = target.protocol === "https:" ? https : http;
    const hostname = target.hostname;
    // Options, not the URL: http.request would convert it (urlToHttpOptions).
    const request = client.request({
      protocol: target.protocol,
      hostname: hostname.startsWith("[") ? hostname.slice(1, -1) : hostname,
      port: target.port || undefined,
      path: target.pathname + target.search,
      method: init.method,
      headers: outgoingHeaders(init.headers),
      agent: agents[target.protocol as "http:" | "https:"],
    });
    request.once("error", reject);
    const watch = watching.start(() => abortWith(init.signal, request));
    request.once("close", () => watch.stop());
    // A 101 nobody asked for (the gateway never forwards Upgrade).
    request.once("upgrade", (_response, socket) => {
      socket.destroy();
      reject(new Error("unexpected protocol switch"));
    });
    request.once("response", (incoming) => receive(incoming, init, resolve, reject));
    sendBody(request, init.body ?? null);
  });
}

function receive(
  incoming: http.IncomingMessage,
  init: Init,
  resolve: (response: Response) => void,
  reject: (error: Error) => void,
): void {
  const status = incoming.statusCode ?? 0;
  if (status < 200 || status > 599) {
    incoming.destroy();
    return reject(new Error("unrelayable status"));
  }
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  const respond = (body: ConstructorParameters<typeof Response>[0]) =>
    resolve(new Response(body, { status, statusText: incoming.statusMessage, headers }));
  // A reset mid-body is the upstream's doing, not a bug to print a stack for:
  // @hono/node-server stays quiet for this code and just aborts the transfer.
  incoming.once("error", (error: NodeJS.ErrnoException) => {
    error.code = "ERR_STREAM_PREMATURE_CLOSE";
  });
  const length = Number(incoming.headers["content-length"] ?? NaN);
  if (NULL_BODY.has(status) || init.method === "HEAD") {
    incoming.resume();
    respond(null);
  } else if (length <= BUFFER_LIMIT) {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.once("end", () => respond(Buffer.concat(chunks)));
    incoming.once("error", reject);
  } else {
    respond(Readable.toWeb(incoming) as ReadableStream<Uint8Array>);
  }
}

function outgoingHeaders(init: RequestInit["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  const pairs = Array.isArray(init) ? init : new Headers(init);
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    const earlier = out[key];
    out[key] = earlier === undefined
      ? value
      : `${earlier}${key === "cookie" ? "; " : ", "}${value}`;
  }
  return out;
}

/**
 * Aborting `signal` destroys the exchange, the response body included. One
 * listener, removed when the exchange closes: cheaper than http.request's
 * own `signal` option, which watches the request stream's every end.
 */
function abortWith(signal: AbortSignal | null | undefined, request: http.ClientRequest): void {
  if (!signal) return;
  const abort = () => {
    request.destroy(new DOMException("The operation was aborted", "AbortError"));
  };
  if (signal.aborted) return abort();
  signal.addEventListener("abort", abort, { once: true });
  request.once("close", () => signal.removeEventListener("abort", abort));
}

async function sendBody(request: http.ClientRequest, body: ReadableStream<Uint8Array> | null) {
  if (body === null) return request.end();
  try {
    for await (const chunk of body) {
      if (!request.write(chunk)) {
        await new Promise((resolve) => request.once("drain", resolve));
      }
    }
    request.end();
  } catch (error) {
    // The client's upload broke off: the upstream must not see a complete body.
    request.destroy(error as Error);
  }
}
