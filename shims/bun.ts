// Bun entry: `bun shims/bun.ts`.
import { listening, type Started, startGateway, startupFailure } from "./_startup.ts";

let started: Started;
try {
  started = await startGateway(Bun.env);
} catch (error) {
  console.error(startupFailure(error));
  process.exit(1);
}
const { gateway, port, hostname } = started;
const timeoutMs = Number(Bun.env.UPSTREAM_TIMEOUT_MS || 30_000);

const server = Bun.serve({
  port,
  hostname,
  // Bun answers 413 past 128 MiB by default; a proxy streams any size.
  maxRequestBodySize: Number.MAX_SAFE_INTEGER,
  // Bun closes a connection idle for 10 s, shorter than a slow upstream may
  // legitimately take; 255 s is Bun's maximum.
  idleTimeout: Math.min(255, Math.ceil(timeoutMs / 1000) + 5),
  fetch: (request, server) => gateway(request, { address: server.requestIP(request)?.address }),
});
console.log(listening("bun", server.hostname ?? hostname, server.port ?? port));
