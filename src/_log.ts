// One structured line per request. Entries are built from fields the
// gateway chose, so no key, header value or query string can slip in.
import type { LogEntry, LogLevel, LogOptions } from "./types.ts";

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, off: 4 };
export const LOG_LEVELS = Object.keys(RANK) as LogLevel[];

export type Logger = (entry: Omit<LogEntry, "time" | "level">) => void;

const LEVEL_OF: Record<LogEntry["outcome"], Exclude<LogLevel, "off">> = {
  allowed: "info",
  public: "info",
  preflight: "info",
  denied: "warn",
  throttled: "warn",
  would_deny: "warn",
  error: "error",
};

const toConsole = (entry: LogEntry) => console.log(JSON.stringify(entry));

/** Makes the logger; a level of "off" makes one that does nothing. */
export function makeLogger(options: LogOptions = {}): Logger | undefined {
  const threshold = RANK[options.level ?? "info"];
  if (threshold === RANK.off) return undefined;
  const sink = options.sink ?? toConsole;
  return (fields) => {
    const level = LEVEL_OF[fields.outcome];
    if (RANK[level] < threshold) return;
    sink({ time: new Date().toISOString(), level, ...fields });
  };
}
