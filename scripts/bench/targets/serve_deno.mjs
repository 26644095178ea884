// Deno entry for the baselines: `deno run --allow-net --allow-env serve_deno.mjs seed|hono`.
const mode = Deno.args[0];
const env = Deno.env.toObject();
const handler = mode === "hono"
  ? (await import("./hono_app.mjs")).honoApp(env).fetch
  : (await import("./seed.mjs")).seedHandler(env);
Deno.serve({
  port: Number(env.PORT),
  hostname: env.HOSTNAME,
  onListen: ({ port }) => console.log(`${mode} (deno) listening on ${port}`),
}, handler);
