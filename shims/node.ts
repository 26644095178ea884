// Node entry, through @hono/node-server: `node dist/node.mjs` (built by
// `npm run build`; Node 20 cannot run TypeScript). WORKERS=N forks N
// processes with node:cluster, which share the port.
import { serve } from "@hono/node-server";
import cluster from "node:cluster";
import { nodeFetch } from "./_node_fetch.ts";
import { listenFailure, listening, startOrExit } from "./_startup.ts";

const { gateway, port, hostname, workers, flushLog } = startOrExit(
  process.env,
  (text) => process.stdout.write(text),
  process.exit,
  {
    fetch: nodeFetch,
    decoding: "raw",
  },
);

if (workers > 1 && cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on("exit", (worker, code) => {
    console.error(`psk-gate: worker ${worker.process.pid} exited (${code}); starting another`);
    cluster.fork();
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      cluster.removeAllListeners("exit");
      for (const worker of Object.values(cluster.workers ?? {})) worker?.kill(signal);
      process.exit(0);
    });
  }
} else {
  const server = serve({
    port,
    hostname,
    fetch: (request, { incoming }) => gateway(request, { address: incoming.socket.remoteAddress }),
  }, (info) => {
    if (cluster.isPrimary || cluster.worker?.id === 1) {
      console.log(listening("node", info.address, info.port));
    }
  });
  server.once("error", (error) => {
    console.error(listenFailure(error, hostname, port));
    process.exit(1);
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      flushLog();
      server.close(() => process.exit(0));
    });
  }
}
