// `npm test`: static checks, the shared cases in-process on every runtime,
// and over HTTP against every shim; then the runtime × case matrix.
import { gatewayCases } from "./cases/mod.ts";
import { httpSend } from "./_client.ts";
import { BASE_PATH, reportEnv, strictEnv, type Target, testEnv } from "./_fixtures.ts";
import { parseLogLines } from "./_logs.ts";
import { printMatrix } from "./_matrix.ts";
import { type Result, RESULT_PREFIX, runCases } from "./_harness.ts";
import { STATIC_CHECKS } from "./_static.ts";
import {
  checkCustomHeader,
  checkIdleClose,
  checkStartupRefusal,
  launch,
  removeShimState,
  type Running,
  type Shim,
  SHIMS,
} from "./_shims.ts";
import { missingRuntimes, run, RUNTIMES } from "./_spawn.ts";
import { closedPort, UNRESOLVABLE } from "./_runtime.ts";
import { startSentinel, startUpstream } from "./_upstream.ts";

const IN_PROCESS: [string, string, string[]][] = [
  ["node", RUNTIMES.node, ["dist/tests/inprocess.mjs"]],
  ["node24", RUNTIMES.node24, ["dist/tests/inprocess.mjs"]],
  ["deno", RUNTIMES.deno, ["run", "-A", "tests/inprocess.ts"]],
  ["bun", RUNTIMES.bun, ["tests/inprocess.ts"]],
];

const started = Date.now();
const results: Result[] = [];
const only = process.argv[2]; // e.g. "static", "in-process", "http", or a shim name

const SELECTIONS = ["static", "in-process", "http", ...SHIMS.map((shim) => shim.name)];
if (process.argv.length > 3) {
  console.error(`one selection at a time, not ${process.argv.slice(2).join(" ")}`);
  process.exit(2);
}
if (only !== undefined && !SELECTIONS.includes(only)) {
  // A mistyped selection would run nothing and pass.
  console.error(`unknown selection "${only}"; one of: ${SELECTIONS.join(", ")}`);
  process.exit(2);
}

const missing = missingRuntimes();
if (missing.length > 0) {
  console.error(`missing runtimes: ${missing.join(", ")}; run "npm install" first`);
  process.exit(1);
}

if (!only || only === "static") {
  const found: Result[] = [];
  for (const check of STATIC_CHECKS) found.push(await check());
  results.push(...progress("static checks", found));
}
if (!only || only === "in-process") {
  for (const [name, command, args] of IN_PROCESS) {
    results.push(...progress(`${name} in-process`, await inProcess(name, command, args)));
  }
}
for (const shim of SHIMS) {
  if (!only || only === "http" || only === shim.name) {
    results.push(...progress(`${shim.name} http`, await overHttp(shim)));
  }
}

console.log(`\nruntimes: ${await versions()}`);
removeShimState();
const failed = printMatrix(results);
console.log(`\nruntime × case matrix done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
const limited = results.filter((r) => r.limit).length;
const passed = results.filter((r) => r.ok).length;
if (limited > 0) {
  console.log(`${limited} documented platform limitation(s), counted as neither passed nor failed`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

/** Prints one line per finished column, so a long run shows it is alive. */
function progress(label: string, found: Result[]): Result[] {
  const failed = found.filter((r) => !r.ok && !r.limit).length;
  const limits = found.filter((r) => r.limit).length;
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const limited = limits > 0 ? `, ${limits} documented limit(s)` : "";
  console.log(
    `${label}: ${found.length - failed - limits} of ${found.length} ok${limited} (${seconds} s)`,
  );
  return found;
}

async function inProcess(name: string, command: string, args: string[]): Promise<Result[]> {
  const label = `${name} in-process`;
  const finished = await run(command, args, { timeoutMs: 240_000 });
  const lines = finished.stdout.split("\n").filter((line) => line.startsWith(RESULT_PREFIX));
  const found = lines.map((line) => JSON.parse(line.slice(RESULT_PREFIX.length)) as Result);
  for (const result of found) result.target = label;
  if (finished.code !== 0 || found.length === 0) {
    const tail = (finished.stderr || finished.stdout).trim().slice(-600);
    found.push(failure(label, "runtime", `exited ${finished.code}: ${tail}`));
  } else {
    const ranOn = found[0]?.runtime ?? "?";
    found.unshift({
      target: label,
      id: "runtime",
      title: "the runtime starts",
      ok: true,
      ms: 0,
      runtime: ranOn,
    });
  }
  return found;
}

async function overHttp(shim: Shim): Promise<Result[]> {
  const label = `${shim.name} http`;
  const upstream = await startUpstream(BASE_PATH);
  const sentinel = await startSentinel();
  const running: Running[] = [];
  try {
    const origin = upstream.origin + BASE_PATH;
    const launched = await Promise.allSettled([
      launch(shim, testEnv(origin)),
      launch(shim, testEnv(`http://127.0.0.1:${await closedPort()}`)),
      launch(shim, testEnv(UNRESOLVABLE)),
      launch(shim, strictEnv(origin)),
      launch(shim, reportEnv(origin)),
    ]);
    for (const result of launched) if (result.status === "fulfilled") running.push(result.value);
    const failed = launched.find((result) => result.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const [main, closed, unresolvable, strict, report] = running;
    upstream.reset();
    const target: Target = {
      name: label,
      kind: "http",
      send: (request) => httpSend(main.port, request),
      upstream,
      closedPort: (request) => httpSend(closed.port, request),
      unresolvable: (request) => httpSend(unresolvable.port, request),
      sentinelPort: sentinel.port,
      sentinelHits: sentinel.hits,
      strict: (request) => httpSend(strict.port, request),
      report: (request) => httpSend(report.port, request),
      logs: () => [main, strict, report].flatMap((r) => parseLogLines(r.output())),
    };
    const found = await runCases(target, gatewayCases);
    for (const result of found) {
      const reason = shim.limits?.[result.id];
      if (reason !== undefined && !result.ok) result.limit = reason;
    }
    found.unshift({ target: label, id: "runtime", title: "the shim starts", ok: true, ms: 0 });
    // What only a whole process shows, each with a fresh one.
    const processChecks: [string, string, () => Promise<void>][] = [
      [
        "startup-refused",
        "bad config: refuses to start, naming the variable",
        () => checkStartupRefusal(shim),
      ],
      ["PSK_HEADER", "the shim reads PSK_HEADER", () => checkCustomHeader(shim, origin)],
    ];
    if (shim.idleCloseMs !== undefined) {
      processChecks.push([
        "idle-close",
        "an idle connection is closed after a proxied exchange",
        () => checkIdleClose(shim, origin),
      ]);
    }
    for (const [id, title, check] of processChecks) {
      found.push(await timed(label, id, title, check));
    }
    return found;
  } catch (error) {
    return [failure(label, "runtime", error instanceof Error ? error.message : String(error))];
  } finally {
    await Promise.all(running.map((r) => r.stop()));
    await upstream.close();
    await sentinel.close();
  }
}

async function timed(
  target: string,
  id: string,
  title: string,
  check: () => Promise<void>,
): Promise<Result> {
  const t0 = Date.now();
  try {
    await check();
    return { target, id, title, ok: true, ms: Date.now() - t0 };
  } catch (error) {
    return {
      ...failure(target, id, error instanceof Error ? error.message : String(error)),
      title,
      ms: Date.now() - t0,
    };
  }
}

function failure(target: string, id: string, error: string): Result {
  return { target, id, title: id, ok: false, ms: 0, error };
}

async function versions(): Promise<string> {
  const ask = async (bin: string, args = ["--version"]) =>
    (await run(bin, args, { timeoutMs: 30_000 })).stdout.split("\n")[0].trim();
  const [node, node24, deno, bun, workerd] = await Promise.all([
    ask(RUNTIMES.node),
    ask(RUNTIMES.node24),
    ask(RUNTIMES.deno),
    ask(RUNTIMES.bun),
    ask("node_modules/.bin/workerd"),
  ]);
  return `node ${node} · node24 ${node24} · ${deno} · bun ${bun} · ${workerd}`;
}
