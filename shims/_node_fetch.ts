// The Node shim's upstream client: node:http with keep-alive agents. Unlike
// Node's fetch it relays compressed bodies as sent, adds no headers of its
// own (Accept-Language, Sec-Fetch-Mode, User-Agent), and skips the WHATWG
// stream layers on the request side.
import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import type { UpstreamFetch } from "../src/types.ts";

const agents = {
  "http:": new http.Agent({ keepAlive: true }),
  "https:": new https.Agent({ keepAlive: true }),
};
// Statuses whose responses cannot have a body (Fetch standard).
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
// A body this small and of known length is read whole before the Response is
// made: @hono/node-server then writes it in one call, with no web stream in
// between (one costs tens of microseconds on Node 20).
const BUFFER_LIMIT = 64 * 1024;

/** A fetch-compatible client over node:http(s); bodies are passed raw. */
export const nodeFetch: UpstreamFetch = (url, init) =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === "https:" ? https : http;
    const request = client.request(target, {
      method: init.method,
      headers: outgoingHeaders(init.headers as Headers),
      agent: agents[target.protocol as "http:" | "https:"],
      signal: init.signal ?? undefined,
    });
    request.once("error", reject);
    request.once("response", (incoming) => {
      const status = incoming.statusCode ?? 502;
      const headers = new Headers();
      const raw = incoming.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
      const respond = (body: ConstructorParameters<typeof Response>[0]) =>
        resolve(new Response(body, { status, statusText: incoming.statusMessage, headers }));
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
    });
    sendBody(request, init.body as ReadableStream<Uint8Array> | null);
  });

function outgoingHeaders(headers: Headers): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of headers) out[name] = value;
  return out;
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
