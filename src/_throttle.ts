// Failed-attempt throttling: counts per client address, in fixed windows.
import type { FailureCount, FailureStore } from "./types.ts";

/**
 * The default {@linkcode FailureStore}: a map in this process (Node, Bun,
 * Deno) or this isolate (Workers, Deno Deploy), so each instance counts
 * alone. Holds at most `maxClients` entries, forgetting the oldest first.
 *
 * @example
 * ```ts
 * import { MemoryFailureStore } from "@psk-gate/psk-gate";
 * import { equal } from "node:assert/strict";
 *
 * const store = new MemoryFailureStore();
 * store.add("203.0.113.9", 60_000);
 * equal(store.get("203.0.113.9", 60_000).count, 1);
 * ```
 */
export class MemoryFailureStore implements FailureStore {
  #windows = new Map<string, FailureCount>();
  readonly #maxClients: number;

  /**
   * Makes an empty store.
   *
   * @param maxClients Most clients remembered at once. Default 100,000.
   */
  constructor(maxClients = 100_000) {
    this.#maxClients = maxClients;
  }

  /** Failures of `client` in the current window. */
  get(client: string, windowMs: number): FailureCount {
    const now = Date.now();
    const window = this.#windows.get(client);
    return window && window.resetAt > now ? window : { count: 0, resetAt: now + windowMs };
  }

  /** Adds one failure for `client`; returns the new count. */
  add(client: string, windowMs: number): FailureCount {
    const current = this.get(client, windowMs);
    const next = { count: current.count + 1, resetAt: current.resetAt };
    this.#windows.delete(client); // re-inserted last: the map stays oldest-first
    this.#windows.set(client, next);
    if (this.#windows.size > this.#maxClients) {
      this.#windows.delete(this.#windows.keys().next().value as string);
    }
    return next;
  }
}

/**
 * The bucket a client address counts in: IPv4 addresses alone, IPv6 by their
 * /64 (one subscriber's whole network), IPv4-mapped IPv6 as IPv4.
 */
export function clientBucket(address: string): string {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return mapped[1];
  if (!bare.includes(":")) return bare;
  const [head, tail = ""] = bare.split("::");
  const left = head ? head.split(":") : [];
  const right = bare.includes("::") && tail ? tail.split(":") : [];
  const groups = bare.includes("::")
    ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right]
    : left;
  return groups.slice(0, 4).map((g) => parseInt(g || "0", 16).toString(16)).join(":") + "::/64";
}
