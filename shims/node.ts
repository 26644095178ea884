// Node entry, through @hono/node-server: `node dist/node.mjs` (built by
// `npm run build`; Node 20 cannot run TypeScript).
import { serve } from "@hono/node-server";
import { createHash } from "node:crypto";
import { nodeFetch } from "./_node_fetch.ts";
import { listening, type Started, startGateway, startupFailure } from "./_startup.ts";

let started: Started;
try {
  started = await startGateway(process.env, {
    fetch: nodeFetch,
    decoding: "raw",
    // Synchronous: Web Crypto's digest is a thread-pool round trip on Node.
    sha256: (data) => createHash("sha256").update(data).digest(),
  });
} catch (error) {
  console.error(startupFailure(error));
  process.exit(1);
}
const { gateway, port, hostname } = started;

const server = serve({
  port,
  hostname,
  fetch: (request, { incoming }) => gateway(request, { address: incoming.socket.remoteAddress }),
}, (info) => console.log(listening("node", info.address, info.port)));

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
