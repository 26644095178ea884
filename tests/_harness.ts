// Runs cases against one target and reports each result as a JSON line, so
// that a runner in another process (and runtime) can draw the matrix.
import type { Case, Target } from "./_fixtures.ts";
import { runtimeName } from "./_runtime.ts";

export interface Result {
  target: string;
  id: string;
  title: string;
  ok: boolean;
  ms: number;
  error?: string;
  /** The runtime that ran the case, with its version. */
  runtime?: string;
  /** A documented platform limitation: the case failed for this reason. */
  limit?: string;
}

export const RESULT_PREFIX = "@@psk-gate-result ";
const CASE_TIMEOUT_MS = 30_000;

export async function runCases(target: Target, cases: readonly Case[]): Promise<Result[]> {
  const results: Result[] = [];
  for (const { id, title, run, only } of cases) {
    if (only !== undefined && only !== target.kind) continue;
    const started = Date.now();
    let error: string | undefined;
    try {
      await withTimeout(Promise.resolve().then(() => run(target)), CASE_TIMEOUT_MS);
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
    const ms = Date.now() - started;
    results.push({
      target: target.name,
      id,
      title,
      ok: error === undefined,
      ms,
      error,
      runtime: runtimeName(),
    });
  }
  return results;
}

export function printResults(results: readonly Result[]): void {
  for (const result of results) console.log(RESULT_PREFIX + JSON.stringify(result));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
