// The shared cases, in-process: the handler called directly, the way a
// library user calls it. Run by each runtime:
//   deno run -A tests/inprocess.ts · bun tests/inprocess.ts · node dist/tests/inprocess.mjs
import { handler } from "../mod.ts";
import { configCases, gatewayCases } from "./cases/mod.ts";
import { inProcessSend } from "./_client.ts";
import { BASE_PATH, reportEnv, strictEnv, type Target, testEnv } from "./_fixtures.ts";
import { captureConsoleLogs } from "./_logs.ts";
import { printResults, runCases } from "./_harness.ts";
import { startSentinel, startUpstream } from "./_upstream.ts";
import { closedPort, runtimeName, UNRESOLVABLE } from "./_runtime.ts";

const upstream = await startUpstream(BASE_PATH);
const sentinel = await startSentinel();
const logs = captureConsoleLogs();
const via = (origin: string, envOf = testEnv) => {
  const env = envOf(origin);
  return inProcessSend((request) => handler(request, env));
};
const target: Target = {
  name: `${runtimeName()} in-process`,
  kind: "in-process",
  send: via(upstream.origin + BASE_PATH),
  upstream,
  closedPort: via(`http://127.0.0.1:${await closedPort()}`),
  unresolvable: via(UNRESOLVABLE),
  sentinelPort: sentinel.port,
  sentinelHits: sentinel.hits,
  strict: via(upstream.origin + BASE_PATH, strictEnv),
  report: via(upstream.origin + BASE_PATH, reportEnv),
  logs,
};
printResults(await runCases(target, [...gatewayCases, ...configCases]));
await upstream.close();
await sentinel.close();
// Pooled keep-alive sockets would hold some runtimes open.
(globalThis as { process?: { exit(code: number): void } }).process?.exit(0);
