// Deno entry: `deno run --allow-net --allow-env shims/deno.ts`.
import {
  listenFailure,
  listening,
  type Started,
  startGateway,
  startupFailure,
} from "./_startup.ts";

let started: Started;
try {
  started = startGateway(Deno.env.toObject(), writeStdout);
} catch (error) {
  console.error(startupFailure(error));
  Deno.exit(1);
}
const { gateway, port, hostname, reusePort, workers, flushLog } = started;
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

function writeStdout(text: string): void {
  const bytes = new TextEncoder().encode(text);
  for (let written = 0; written < bytes.length;) {
    written += Deno.stdout.writeSync(bytes.subarray(written));
  }
}
