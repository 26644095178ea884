// Which content codings an upstream client decodes by itself. The Fetch
// standard decodes a compressed body but keeps Content-Encoding and
// Content-Length, so a relay must know when the bytes no longer match those
// headers. Each runtime's fetch differs; these tables were measured, and the
// compression cases of the shared suite re-check them on every runtime.
import type { UpstreamDecoding } from "./types.ts";

/** True when the client decoded a body sent with these content codings. */
export type Decoded = (codings: readonly string[], sentAcceptEncoding: string | null) => boolean;

const never: Decoded = () => false;

// undici (Node's fetch) decodes every layer it knows, whatever
// Accept-Encoding said; zstd only from Node 23, whose zlib has it.
const UNDICI = new Set(["gzip", "x-gzip", "deflate", "br"]);
const undici = (zstd: boolean): Decoded => (codings) =>
  codings.every((coding) => UNDICI.has(coding) || (zstd && coding === "zstd"));

// Deno decodes a single gzip or br layer, unless the request said exactly
// "identity"; it leaves deflate, x-gzip, zstd and stacked codings alone.
const deno: Decoded = (codings, sent) =>
  codings.length === 1 && (codings[0] === "gzip" || codings[0] === "br") &&
  sent?.trim().toLowerCase() !== "identity";

/** Resolves a {@linkcode UpstreamDecoding} option to a predicate. */
export function decodingFor(option: UpstreamDecoding): Decoded {
  if (typeof option === "function") return option;
  if (option === "raw") return never;
  return platformDecoding(globalThis.navigator?.userAgent ?? "");
}

// workerd decodes a gzip or br layer and re-encodes on the way out whatever
// the client accepts (it tells the Worker "br, gzip" for every client), so
// the body is relayed decoded; Cloudflare's edge compresses for clients that
// ask for it.
const workerd: Decoded = (codings) =>
  codings.length === 1 && (codings[0] === "gzip" || codings[0] === "br");

/**
 * The platform fetch's behaviour, told by `navigator.userAgent` (a Web API;
 * Node 20 has no `navigator`). Bun is asked not to decode (`decompress:
 * false`), so it relays raw.
 */
export function platformDecoding(userAgent: string): Decoded {
  if (userAgent.startsWith("Deno/")) return deno;
  if (userAgent === "Cloudflare-Workers") return workerd;
  if (userAgent.startsWith("Bun/")) return never;
  const node = /^Node\.js\/(\d+)/.exec(userAgent);
  return undici(node !== null && Number(node[1]) >= 23);
}
