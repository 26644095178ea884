// What an upstream client does with a compressed response. The Fetch
// standard decodes a body but keeps Content-Encoding and Content-Length, so a
// relay must know when the bytes no longer match those headers. Each
// runtime's fetch differs; these rules were measured, and the compression
// cases of the shared suite re-check them on every runtime. Where the answer
// is not known for sure, the response is refused (502) rather than relayed
// with a label that may be false.
import { PLATFORM, type platformOf } from "./_platform.ts";
import type { UpstreamDecoding } from "./types.ts";

/** What became of a body that arrived with a Content-Encoding. */
export type Verdict = "raw" | "decoded" | "unknown";

export interface Decoding {
  /**
   * Accept-Encoding to send upstream in place of the client's, for a client
   * that cannot relay compressed bodies faithfully.
   */
  readonly acceptEncoding?: string;
  /** Judges a response by its Content-Encoding exactly as received. */
  readonly judge: (contentEncoding: string, sentAcceptEncoding: string | null) => Verdict;
}

const RAW: Decoding = { judge: () => "raw" };

/** The codings in a Content-Encoding value, lower-cased, `identity` left out. */
export function codingsOf(value: string): string[] {
  return value.split(",").map((c) => c.trim().toLowerCase()).filter((c) =>
    c !== "" && c !== "identity"
  );
}

// undici (Node's fetch) splits the value on commas, trims and lower-cases
// each item, and decodes only when it knows every one of them (an "identity"
// or an empty item stops it), whatever Accept-Encoding said; zstd only from
// Node 23, whose zlib has it. Beyond five layers its versions differ.
function undici(zstd: boolean): Decoding {
  const known = new Set(["gzip", "x-gzip", "deflate", "br", ...(zstd ? ["zstd"] : [])]);
  return {
    judge: (value) => {
      const items = value.toLowerCase().split(",").map((item) => item.trim());
      if (items.length > 5) return "unknown";
      return items.every((item) => known.has(item)) ? "decoded" : "raw";
    },
  };
}

// Deno decodes gzip and br unless the request said exactly "identity", and
// does it badly: it keeps only the first member of a multi-member gzip body
// and ends a truncated one as if complete. So the gateway asks for identity:
// Deno then decodes nothing, and whatever the upstream sends is relayed raw.
const deno: Decoding = { acceptEncoding: "identity", judge: () => "raw" };

// workerd decodes a body labelled exactly "gzip" or "br", and re-encodes on
// the way out whatever the client accepts (it tells every Worker "br, gzip"),
// so decoded bodies go out unlabelled; Cloudflare's edge compresses for
// clients that ask. Other spellings that name gzip or br have no known fate.
const workerd: Decoding = {
  judge: (value) => {
    const exact = value.trim();
    if (exact === "gzip" || exact === "br") return "decoded";
    return codingsOf(value).some((c) => c === "gzip" || c === "br") ? "unknown" : "raw";
  },
};

/** Resolves a {@linkcode UpstreamDecoding} option. */
export function decodingFor(option: UpstreamDecoding): Decoding {
  if (typeof option === "function") {
    return {
      judge: (value, sent) => {
        const codings = codingsOf(value);
        return codings.length > 0 && option(codings, sent) ? "decoded" : "raw";
      },
    };
  }
  if (option === "raw") return RAW;
  return platformDecoding(PLATFORM);
}

/**
 * The platform fetch's behaviour. Bun is asked not to decode (`decompress:
 * false`), so it relays raw.
 */
function platformDecoding({ platform, major }: ReturnType<typeof platformOf>): Decoding {
  if (platform === "deno") return deno;
  if (platform === "workerd") return workerd;
  if (platform === "bun") return RAW;
  return undici(major >= 23);
}
