// One structured line per request. Entries are built from fields the
// gateway chose, so no key, header value or query string can slip in.
import type { LogEntry, LogLevel, LogOptions } from "./types.ts";

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, off: 4 };
export const LOG_LEVELS = Object.keys(RANK) as LogLevel[];

/** Decides whether an outcome is logged, and writes its entry. */
export interface Logger {
  /** The level `outcome` is logged at, or undefined below the threshold. */
  readonly levelOf: (outcome: LogEntry["outcome"]) => LogEntry["level"] | undefined;
  readonly sink: (entry: LogEntry) => void;
}

const LEVEL_OF: Record<LogEntry["outcome"], LogEntry["level"]> = {
  allowed: "info",
  public: "info",
  preflight: "info",
  denied: "warn",
  throttled: "warn",
  would_deny: "warn",
  error: "error",
};

const toConsole = (entry: LogEntry) => console.log(JSON.stringify(entry));

/** Makes the logger; a level of "off" makes none. */
export function makeLogger(options: LogOptions = {}): Logger | undefined {
  const threshold = RANK[options.level ?? "info"];
  if (threshold === RANK.off) return undefined;
  return {
    levelOf: (outcome) => {
      const level = LEVEL_OF[outcome];
      return RANK[level] < threshold ? undefined : level;
    },
    sink: options.sink ?? toConsole,
  };
}

let isoMs = NaN;
let iso = "";

/** The time as an ISO string, made once per millisecond however many ask. */
export function isoNow(): string {
  const now = Date.now();
  if (now !== isoMs) {
    isoMs = now;
    iso = new Date(now).toISOString();
  }
  return iso;
}
