// Bun entry: `bun shims/bun.ts`. WORKERS=N starts N processes on one port
// (reusePort: Linux spreads the connections).
import { listenFailure, listening, startOrExit } from "./_startup.ts";

const { gateway, port, hostname, reusePort, workers, timeoutMs, flushLog } = startOrExit(
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

// Bun closes a connection idle for 10 s by default, even mid-exchange. Its
// limit here outlasts the upstream timeout, so that the gateway's own 504
// comes first; a streamed body that pauses for longer is cut, as nginx's
// proxy_read_timeout would cut it, and a connection left idle is closed.
// 255 s is Bun's maximum: past it, a proxied exchange waits with the limit
// off and has it back once its response starts. (A limit switched off stays
// off for the connection: a socket that carried one exchange would never be
// closed for idleness again.)
const IDLE_SECONDS = Math.ceil(timeoutMs / 1000) + 5;
const idleTimeout = Math.min(255, IDLE_SECONDS);
const waitsLonger = IDLE_SECONDS > idleTimeout;

let server: ReturnType<typeof Bun.serve>;
try {
  server = Bun.serve({
    port,
    hostname,
    reusePort: reusePort || workers > 1,
    // Bun answers 413 past 128 MiB by default; a proxy streams any size.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    idleTimeout,
    fetch: (request, server) => {
      const response = gateway(request, { address: server.requestIP(request)?.address });
      if (!waitsLonger || !(response instanceof Promise)) return response;
      server.timeout(request, 0);
      return response.then((answer) => {
        server.timeout(request, idleTimeout);
        return answer;
      });
    },
  });
} catch (error) {
  console.error(listenFailure(error, hostname, port));
  process.exit(1);
}
if (!Bun.env.PSK_QUIET_LISTEN) {
  console.log(listening("bun", server.hostname ?? hostname, server.port ?? port));
}
