// `npm run start:workers`: the Worker under `wrangler dev`, local and offline,
// listening on PORT and HOSTNAME like the other shims. Wrangler passes the
// variables named in wrangler.jsonc from this environment to the Worker.
import { spawn } from "node:child_process";

// Route mode (no UPSTREAM_URL) needs a real Workers route; locally the
// request would come back to the Worker, or go wherever its Host says.
if (!process.env.UPSTREAM_URL) {
  console.error(
    'psk-gate: cannot start: "UPSTREAM_URL" is not set (route mode works only deployed on a route)',
  );
  process.exit(1);
}

const args = [
  "node_modules/wrangler/bin/wrangler.js",
  "dev",
  "--local",
  "--ip",
  process.env.HOSTNAME || "0.0.0.0",
  "--port",
  process.env.PORT || "8000",
  "--show-interactive-dev-session=false",
  ...process.argv.slice(2),
];
const child = spawn(process.execPath, args, {
  stdio: "inherit",
  env: {
    ...process.env,
    WRANGLER_SEND_METRICS: "false",
    CLOUDFLARE_CF_FETCH_ENABLED: "false", // no download of the Request.cf data
    WRANGLER_LOG_PATH: process.env.WRANGLER_LOG_PATH || ".wrangler/logs",
  },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 1));
