// Deno entry: `deno run --allow-net --allow-env shims/deno.ts`.
import { writeStdout } from "./_deno.ts";
import { listenFailure, listening, startOrExit } from "./_startup.ts";

const { gateway, port, hostname, reusePort, workers, flushLog } = startOrExit(
  Deno.env.toObject(),
  writeStdout,
  Deno.exit,
);
if (reusePort || workers > 1) {
  // Deno's reusePort is still unstable; `deno serve --parallel` is the stable way.
  console.error(
    "psk-gate: cannot start: on Deno, use all cores with `deno serve --parallel shims/deno_serve.ts` instead of REUSE_PORT or WORKERS",
  );
  Deno.exit(1);
}

try {
  Deno.serve({
    port,
    hostname,
    onListen: (addr) => console.log(listening("deno", addr.hostname, addr.port)),
  }, (request, info) => gateway(request, { address: (info.remoteAddr as Deno.NetAddr).hostname }));
} catch (error) {
  console.error(listenFailure(error, hostname, port));
  Deno.exit(1);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => {
    flushLog();
    Deno.exit(0);
  });
}
