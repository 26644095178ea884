// Bun entry for the baselines: `bun serve_bun.mjs seed|hono`. Bun's 128 MiB
// body limit is lifted as in psk-gate's shim, so that the 1 GiB upload
// compares the gateways and not the limit.
const mode = process.argv[2];
const env = Bun.env;
const fetch = mode === "hono"
  ? (await import("./hono_app.mjs")).honoApp(env).fetch
  : (await import("./seed.mjs")).seedHandler(env);
const server = Bun.serve({
  port: Number(env.PORT),
  hostname: env.HOSTNAME,
  maxRequestBodySize: Number.MAX_SAFE_INTEGER,
  idleTimeout: 35,
  fetch,
});
console.log(`${mode} (bun) listening on ${server.port}`);
