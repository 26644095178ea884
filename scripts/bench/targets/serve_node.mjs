// Node entry for the baselines, through @hono/node-server like psk-gate's
// Node shim: `node serve_node.mjs seed|hono`.
import { serve } from "@hono/node-server";
import { seedHandler } from "./seed.mjs";

const mode = process.argv[2];
const fetch = mode === "hono"
  ? (await import("./hono_app.mjs")).honoApp(process.env).fetch
  : seedHandler(process.env);
const port = Number(process.env.PORT);
serve({ port, hostname: process.env.HOSTNAME, fetch }, (info) => {
  console.log(`${mode} (node ${process.version}) listening on ${info.port}`);
});
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => process.exit(0));
