// Bun entry: `bun shims/bun.ts`. WORKERS=N starts N processes on one port
// (reusePort: Linux spreads the connections).
import { listenFailure, listening, startOrExit } from "./_startup.ts";

const { gateway, port, hostname, reusePort, workers, flushLog } = startOrExit(
  Bun.env,
  (text) => process.stdout.write(text),
  process.exit,
);

const children = Array.from(
  { length: workers - 1 },
  () =>
    Bun.spawn([process.execPath, ...process.argv.slice(1)], {
      env: { ...Bun.env, WORKERS: "1", REUSE_PORT: "on", PSK_QUIET_LISTEN: "1" },
      stdout: "inherit",
      stderr: "inherit",
    }),
);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    for (const child of children) child.kill(signal);
    flushLog();
    process.exit(0);
  });
}

let server: ReturnType<typeof Bun.serve>;
try {
  server = Bun.serve({
    port,
    hostname,
    reusePort: reusePort || workers > 1,
    // Bun answers 413 past 128 MiB by default; a proxy streams any size.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    fetch: (request, server) => {
      const response = gateway(request, { address: server.requestIP(request)?.address });
      // Bun closes a connection idle for 10 s, even mid-exchange: a slow
      // upstream or an event stream with long pauses would be cut off. The
      // gateway's own timeout governs an exchange; Bun's, idle connections.
      // A refusal is answered at once (no promise) and needs no exemption.
      if (response instanceof Promise) server.timeout(request, 0);
      return response;
    },
  });
} catch (error) {
  console.error(listenFailure(error, hostname, port));
  process.exit(1);
}
if (!Bun.env.PSK_QUIET_LISTEN) {
  console.log(listening("bun", server.hostname ?? hostname, server.port ?? port));
}
