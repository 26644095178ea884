// Responses the gateway makes itself: short, never cached, and never
// carrying a stack, a path, an address or a key. Plain text by default; RFC
// 9457 problem details when the client accepts JSON or when configured.

/** The seed example's deny body, kept so existing clients see no change. */
export const DENY_BODY = "Sorry, you have supplied an invalid key.";

export type DenyFormat = "auto" | "text" | "problem";

/** A gateway answer: status, stable code, and the plain-text body. */
interface Answer {
  readonly status: number;
  readonly code: string;
  readonly text: string;
}

// One code per status: bodies never tell which keys exist or why a key failed.
export const ANSWERS = {
  badRequest: { status: 400, code: "bad_request", text: "Bad Request" },
  denied: { status: 403, code: "invalid_key", text: DENY_BODY },
  methodNotAllowed: { status: 405, code: "method_not_allowed", text: "Method Not Allowed" },
  throttled: { status: 429, code: "too_many_failures", text: "Too Many Requests" },
  internalError: { status: 500, code: "internal_error", text: "Internal Server Error" },
  badGateway: { status: 502, code: "bad_gateway", text: "Bad Gateway" },
  gatewayTimeout: { status: 504, code: "gateway_timeout", text: "Gateway Timeout" },
} satisfies Record<string, Answer>;

const TITLES: Record<number, string> = {
  400: "Bad Request",
  403: "Forbidden",
  405: "Method Not Allowed",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  504: "Gateway Timeout",
};

/** Builds a gateway answer in the format the client and the config call for. */
export function answer(
  { status, code, text }: Answer,
  format: DenyFormat = "text",
  accept: string | null = null,
  extra: Record<string, string> = {},
): Response {
  const problem = format === "problem" || (format === "auto" && wantsJson(accept));
  const body = problem
    ? JSON.stringify({ type: "about:blank", title: TITLES[status], status, code })
    : text;
  const type = problem ? "application/problem+json" : "text/plain; charset=utf-8";
  return new Response(body, {
    status,
    headers: { "content-type": type, "cache-control": "no-store", ...extra },
  });
}

function wantsJson(accept: string | null): boolean {
  return accept !== null && /\bapplication\/(problem\+)?json\b|\+json\b/i.test(accept);
}
