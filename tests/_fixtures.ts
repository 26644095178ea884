// Keys and env shared by every target of the suite.
import type { RawResponse, Send } from "./_client.ts";
import type { Upstream } from "./_upstream.ts";

/** A plaintext-configured key. */
export const KEY = "alpha-9fJ2kQ7xLm4pR8sT1vW3yZ6b";
/** A key configured only by its SHA-256. */
export const HASHED_KEY = "beta-Qm3nB8vC1xZ5lK9jH2gF7dS4a";
export const HASHED_KEY_SHA256 = "fb9c582005f28271a5ff4d9bfee26a3170fe6bacb26616be96d38647228c9f12";
export const BASE_PATH = "/base";
export const TIMEOUT_MS = 1000;

/** The env every gateway under test runs with. */
export function testEnv(upstream: string): Record<string, string> {
  return {
    UPSTREAM_URL: upstream,
    PSK_KEYS: `alpha:${KEY}, beta:sha256:${HASHED_KEY_SHA256}`,
    UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS),
  };
}

/** What a case runs against: one runtime, in-process or over HTTP. */
export interface Target {
  readonly name: string;
  readonly kind: "in-process" | "http";
  readonly send: Send;
  readonly upstream: Upstream;
  /** Gateways whose upstream is a closed port, and a name that does not resolve. */
  readonly closedPort: Send;
  readonly unresolvable: Send;
  /** A port that must never see a connection. */
  readonly sentinelPort: number;
  readonly sentinelHits: () => number;
}

export interface Case {
  readonly id: string;
  readonly title: string;
  /** Only where a request can be expressed: a TRACE request line, say, has no `Request`. */
  readonly only?: Target["kind"];
  readonly run: (target: Target) => Promise<void> | void;
}

export type { RawResponse };
