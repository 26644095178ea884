// Collecting the gateway's JSON log lines, in-process or from a shim's output.
import type { LogEntry } from "../mod.ts";

const isEntry = (line: string) => line.startsWith('{"time"');

/** Parses the log entries among a process's output lines. */
export function parseLogLines(output: string): LogEntry[] {
  return output.split("\n").filter(isEntry).map((line) => JSON.parse(line) as LogEntry);
}

/** Diverts the gateway's console log lines into a list; other lines pass. */
export function captureConsoleLogs(): () => LogEntry[] {
  const entries: LogEntry[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => {
    if (args.length === 1 && typeof args[0] === "string" && isEntry(args[0])) {
      entries.push(JSON.parse(args[0]));
    } else original(...args);
  };
  return () => entries;
}
