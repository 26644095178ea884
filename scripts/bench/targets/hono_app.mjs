// The Hono baseline: bearerAuth reading X-Custom-PSK (no prefix; hashes and
// compares like psk-gate), then proxy() from hono/proxy without the key header.
import { Hono } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { proxy } from "hono/proxy";

const DENIED = "Sorry, you have supplied an invalid key.";

export function honoApp(env) {
  const upstream = env.UPSTREAM_URL.replace(/\/$/, "");
  const token = env.PSK_KEYS.slice(env.PSK_KEYS.indexOf(":") + 1);
  const denied = { message: () => new Response(DENIED, { status: 403 }) };
  const app = new Hono();
  app.use(
    "*",
    bearerAuth({
      token,
      headerName: "X-Custom-PSK",
      prefix: "",
      noAuthenticationHeader: denied,
      invalidAuthenticationHeader: denied,
      invalidToken: denied,
    }),
  );
  app.all("*", (c) => {
    const url = new URL(c.req.url);
    return proxy(upstream + url.pathname + url.search, {
      raw: c.req.raw,
      headers: { ...c.req.header(), "x-custom-psk": undefined, host: undefined },
    });
  });
  return app;
}
