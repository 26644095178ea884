// Cloudflare Workers entry (module syntax); see wrangler.jsonc. Without
// UPSTREAM_URL the request goes to its own URL: on a route, the origin.
import { createEnvHandler } from "../src/handler.ts";
import type { Env } from "../src/types.ts";

const handle = createEnvHandler({ routeMode: true });

export default {
  // Cloudflare sets CF-Connecting-IP itself; a client cannot forge it.
  fetch: (request: Request, env: Env): Response | Promise<Response> =>
    handle(request, env, { address: request.headers.get("cf-connecting-ip") ?? undefined }),
};
