// Prints results as a case × target matrix, then each failure. Returns the failure count.
import type { Result } from "./_harness.ts";

export function printMatrix(results: readonly Result[]): number {
  const targets = [...new Set(results.map((r) => r.target))];
  const ids = [...new Set(results.map((r) => r.id))];
  const cell = (target: string, id: string) => {
    const found = results.find((r) => r.target === target && r.id === id);
    return found === undefined ? "-" : found.ok ? "ok" : found.limit ? "limit" : "FAIL";
  };
  const idWidth = Math.max(...ids.map((id) => id.length));
  const widths = targets.map((t) => Math.max(t.length, 4));
  console.log(
    "\n" + "".padEnd(idWidth) + "  " + targets.map((t, i) => t.padEnd(widths[i])).join("  "),
  );
  for (const id of ids) {
    console.log(
      id.padEnd(idWidth) + "  " + targets.map((t, i) => cell(t, id).padEnd(widths[i])).join("  "),
    );
  }
  for (const r of results.filter((r) => !r.ok && r.limit)) {
    console.log(`\nlimit ${r.target} · ${r.id}: ${r.limit}\n  (${r.error})`);
  }
  const failures = results.filter((r) => !r.ok && !r.limit);
  for (const f of failures) console.log(`\nFAIL ${f.target} · ${f.id}: ${f.title}\n  ${f.error}`);
  for (const r of results.filter((r) => r.id === "runtime" && r.runtime)) {
    console.log(`${r.target} ran on ${r.runtime}`);
  }
  return failures.length;
}
