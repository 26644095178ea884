// Keys and env shared by every target of the suite.
import type { RawResponse, Send } from "./_client.ts";
import type { Upstream } from "./_upstream.ts";
import type { LogEntry } from "../mod.ts";

/** A plaintext-configured key. */
export const KEY = "alpha-9fJ2kQ7xLm4pR8sT1vW3yZ6b";
/** A key configured only by its SHA-256. */
export const HASHED_KEY = "beta-Qm3nB8vC1xZ5lK9jH2gF7dS4a";
export const HASHED_KEY_SHA256 = "fb9c582005f28271a5ff4d9bfee26a3170fe6bacb26616be96d38647228c9f12";
/** Keys with a policy: a scope, a window in the past, one in the future, one ending soon. */
export const SCOPED_KEY = "scoped-Hq8Zt2Wm5Xr7Kp3Nv9Lc4Bd";
export const EXPIRED_KEY = "expired-Jt6Vy1Qs8Gm3Rk5Wp2Zh7C";
export const FUTURE_KEY = "future-Pn4Xc9Lb2Ty7Dm5Hs8Kw3F";
export const SUNSET_KEY = "sunset-Rb7Mq3Wz9Ck2Xv5Jg8Tn4H";
export const ALL_KEYS = [KEY, HASHED_KEY, SCOPED_KEY, EXPIRED_KEY, FUTURE_KEY, SUNSET_KEY];
export const BASE_PATH = "/base";
export const TIMEOUT_MS = 1000;
/** The strict gateway takes the client's address from this header. */
export const CLIENT_IP_HEADER = "X-Client-IP";
export const THROTTLE_MAX = 3;

/** The env of the main gateway under test: every key, public paths, Bearer on. */
export function testEnv(upstream: string): Record<string, string> {
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 16) + "Z";
  return {
    UPSTREAM_URL: upstream,
    PSK_KEYS: [
      `alpha:${KEY}`,
      `beta:sha256:${HASHED_KEY_SHA256}`,
      `scoped:${SCOPED_KEY};methods=GET|HEAD;paths=/public/|/status`,
      `expired:${EXPIRED_KEY};until=2020-01-01`,
      `future:${FUTURE_KEY};from=2099-01-01T00:00Z`,
      `sunset:${SUNSET_KEY};from=2020-01-01;until=${tomorrow}`,
    ].join(", "),
    UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS),
    PSK_PUBLIC_PATHS: "/healthz, /docs/*",
    PSK_BEARER: "on",
  };
}

/** The strict gateway: throttling by a trusted client-address header, CORS preflights, problem+json. */
export function strictEnv(upstream: string): Record<string, string> {
  return {
    ...testEnv(upstream),
    PSK_THROTTLE: `${THROTTLE_MAX}/1m`,
    PSK_CLIENT_IP_HEADER: CLIENT_IP_HEADER,
    PSK_CORS_PREFLIGHT: "on",
    PSK_DENY_FORMAT: "problem",
    PSK_ID_HEADER: "X-Key",
  };
}

/** The report-only gateway. */
export function reportEnv(upstream: string): Record<string, string> {
  return { ...testEnv(upstream), PSK_MODE: "report", PSK_BEARER: "on" };
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
  /** Gateways on the same upstream with strictEnv and reportEnv. */
  readonly strict: Send;
  readonly report: Send;
  /** Every log entry the gateways under test wrote so far. */
  readonly logs: () => LogEntry[];
}

export interface Case {
  readonly id: string;
  readonly title: string;
  /** Only where a request can be expressed: a TRACE request line, say, has no `Request`. */
  readonly only?: Target["kind"];
  readonly run: (target: Target) => Promise<void> | void;
}

export type { RawResponse };
