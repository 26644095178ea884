// Responses the gateway makes itself: short, plain, never cached, and never
// carrying a stack, a path, an address or a key.

/** The seed example's deny body, kept so existing clients see no change. */
export const DENY_BODY = "Sorry, you have supplied an invalid key.";

function plain(status: number, body: string): Response {
  return new Response(body, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}

/** 403: no key, a wrong key, or any key the gateway will not accept. */
export const denyResponse = (): Response => plain(403, DENY_BODY);
/** 405: methods `fetch` refuses to send (CONNECT, TRACE, TRACK). */
export const methodNotAllowed = (): Response => plain(405, "Method Not Allowed");
/** 500: the gateway is misconfigured; the log says why. */
export const internalError = (): Response => plain(500, "Internal Server Error");
/** 502: the upstream could not be reached, or answered something unrelayable. */
export const badGateway = (): Response => plain(502, "Bad Gateway");
/** 504: the upstream did not answer in time. */
export const gatewayTimeout = (): Response => plain(504, "Gateway Timeout");
