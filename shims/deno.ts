// Deno entry: `deno run --allow-net --allow-env shims/deno.ts`.
import { listening, type Started, startGateway, startupFailure } from "./_startup.ts";

let started: Started;
try {
  started = await startGateway(Deno.env.toObject());
} catch (error) {
  console.error(startupFailure(error));
  Deno.exit(1);
}
const { gateway, port, hostname, reusePort, workers } = started;
if (reusePort || workers > 1) {
  // Deno's reusePort is still unstable; `deno serve --parallel` is the stable way.
  console.error(
    "psk-gate: cannot start: on Deno, use all cores with `deno serve --parallel shims/deno_serve.ts` instead of REUSE_PORT or WORKERS",
  );
  Deno.exit(1);
}

Deno.serve({
  port,
  hostname,
  onListen: (addr) => console.log(listening("deno", addr.hostname, addr.port)),
}, (request, info) => gateway(request, { address: (info.remoteAddr as Deno.NetAddr).hostname }));
