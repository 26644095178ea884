// Where a key may be presented: the key header, and when enabled,
// `Authorization: Bearer <key>` (RFC 6750 §2.1).

export type Credential =
  | { readonly kind: "none" }
  | { readonly kind: "conflict" }
  | { readonly kind: "malformed" }
  | { readonly kind: "key"; readonly value: string; readonly fromBearer: boolean };

const OWS = /^[ \t]+|[ \t]+$/g;
const BEARER = /^\s*bearer(\s|$)/i;
const NONE: Credential = { kind: "none" };
const CONFLICT: Credential = { kind: "conflict" };
const MALFORMED: Credential = { kind: "malformed" };

/**
 * Reads the presented key. The header value is trimmed and never split on
 * commas. A key in both places, even the same one, is a conflict: a client
 * has one way to present its key, so two means confusion or an attack.
 */
export function readCredential(headers: Headers, keyHeader: string, bearer: boolean): Credential {
  // Only HTTP's own whitespace (RFC 9110 §5.6.3): trim() would also drop
  // no-break and other Unicode spaces.
  const fromHeader = headers.get(keyHeader)?.replace(OWS, "");
  const authorization = bearerAuthorization(headers, bearer);
  if (fromHeader && authorization !== null) return CONFLICT;
  if (authorization !== null) {
    // Exactly the scheme and one token, separated by spaces.
    const parts = authorization.trim().split(/ +/);
    return parts.length === 2 ? { kind: "key", value: parts[1], fromBearer: true } : MALFORMED;
  }
  return fromHeader ? { kind: "key", value: fromHeader, fromBearer: false } : NONE;
}

/**
 * `Authorization` when it carries a Bearer credential the gateway reads (and
 * so must never pass on, even when it did not open the gate), else null.
 */
export function bearerAuthorization(headers: Headers, bearer: boolean): string | null {
  const authorization = bearer ? headers.get("authorization") : null;
  return authorization !== null && BEARER.test(authorization) ? authorization : null;
}
