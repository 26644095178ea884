// Deno entry: `deno run --allow-net --allow-env shims/deno.ts`.
import { listening, type Started, startGateway, startupFailure } from "./_startup.ts";

let started: Started;
try {
  started = await startGateway(Deno.env.toObject());
} catch (error) {
  console.error(startupFailure(error));
  Deno.exit(1);
}
const { gateway, port, hostname } = started;

Deno.serve({
  port,
  hostname,
  onListen: (addr) => console.log(listening("deno", addr.hostname, addr.port)),
}, (request, info) => gateway(request, { address: (info.remoteAddr as Deno.NetAddr).hostname }));
