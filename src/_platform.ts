// Which runtime the portable code is running on, told once from
// `navigator.userAgent` (a Web API; Node 20 has no `navigator`). Only the
// facts the request path must know depend on it: how the platform fetch
// treats compressed bodies, and whether an upload can be watched cheaply.

export type Platform = "node" | "deno" | "bun" | "workerd";

/** The runtime behind a user agent string; anything unknown is taken for Node. */
export function platformOf(userAgent: string): { platform: Platform; major: number } {
  const major = Number(/\/(\d+)/.exec(userAgent)?.[1] ?? 0);
  if (userAgent.startsWith("Deno/")) return { platform: "deno", major };
  if (userAgent.startsWith("Bun/")) return { platform: "bun", major };
  if (userAgent === "Cloudflare-Workers") return { platform: "workerd", major };
  return { platform: "node", major };
}

/** The runtime this module runs on. */
export const PLATFORM = platformOf(globalThis.navigator?.userAgent ?? "");
