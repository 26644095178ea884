// Header rules of a reverse proxy, after RFC 9110 §7.6.1 (hop-by-hop fields).
import type { Config } from "./_config.ts";
import type { Passage } from "./_forward.ts";

// Fields that describe one connection and never travel further. Proxy-*
// fields and Keep-Alive predate RFC 9110 but are still sent and still
// hop-by-hop (RFC 2616 §13.5.1; Proxy-Connection is a common extension).
const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];

/** Removes hop-by-hop fields, including the ones `Connection` names. */
export function stripHopByHop(headers: Headers): void {
  const connection = headers.get("connection");
  if (connection !== null) {
    for (const name of connection.split(",")) {
      const field = name.trim();
      // A field name is a token; anything else is not a name to act on.
      if (/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(field)) headers.delete(field);
    }
  }
  for (const name of HOP_BY_HOP) headers.delete(name);
}

// Forwarding facts a client could forge; the gateway states its own.
const CLIENT_FORWARDING = [
  "forwarded",
  "x-real-ip",
  "x-forwarded-port",
  "x-forwarded-prefix",
  "x-forwarded-server",
  "x-forwarded-ssl",
  "x-forwarded-scheme",
];

/** Where the client reached the gateway, for the X-Forwarded-* fields. */
export interface Forwarded {
  readonly for?: string;
  /** A trusted proxy in front: extend its X-Forwarded-For instead of replacing it. */
  readonly behindProxy: boolean;
  readonly host: string;
  readonly proto: string;
}

/**
 * Builds the upstream request's fields: the client's minus hop-by-hop ones,
 * the key and any client-sent identity; Host left to the client (it follows
 * the target URL); the identity of the matched key; and the de-facto
 * X-Forwarded-* fields, set from what this hop saw. A client's own
 * X-Forwarded-For is replaced, since it could say anything; behind a trusted
 * proxy (PSK_CLIENT_IP_HEADER) the proxy's chain is extended instead.
 */
export function upstreamHeaders(
  incoming: Headers,
  config: Config,
  passage: Passage,
  hasBody: boolean,
  forwarded: Forwarded,
): Headers {
  const headers = new Headers(incoming);
  stripHopByHop(headers);
  headers.delete(config.header);
  headers.delete("host");
  if (passage.stripAuthorization) headers.delete("authorization");
  if (config.idHeader !== undefined) {
    // Removed first, whoever sent it: only the gateway may name a key.
    headers.delete(config.idHeader);
    if (passage.keyId !== undefined) headers.set(config.idHeader, passage.keyId);
  }
  // The gateway's server already answered 100-continue; Node's fetch
  // refuses the field outright.
  headers.delete("expect");
  if (!hasBody) headers.delete("content-length");
  for (const name of CLIENT_FORWARDING) headers.delete(name);
  const chain = forwarded.behindProxy ? headers.get("x-forwarded-for") : null;
  if (forwarded.for === undefined) {
    if (!forwarded.behindProxy) headers.delete("x-forwarded-for");
  } else {
    headers.set("x-forwarded-for", chain ? `${chain}, ${forwarded.for}` : forwarded.for);
  }
  headers.set("x-forwarded-host", forwarded.host);
  headers.set("x-forwarded-proto", forwarded.proto);
  return headers;
}
