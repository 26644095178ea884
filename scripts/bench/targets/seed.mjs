// The seed: Cloudflare's Workers example "Auth with headers", with the
// upstream taken from UPSTREAM_URL: the naive gateway psk-gate replaces.
// Reads the same env as psk-gate (PSK_KEYS = "id:secret", one key).

/** A fetch handler: the example's `===` check, then `fetch(new Request(...))`. */
export function seedHandler(env) {
  const UPSTREAM = env.UPSTREAM_URL.replace(/\/$/, "");
  const PRESHARED_KEY = env.PSK_KEYS.slice(env.PSK_KEYS.indexOf(":") + 1);
  return (request) => {
    if (request.headers.get("X-Custom-PSK") === PRESHARED_KEY) {
      const url = new URL(request.url);
      return fetch(new Request(UPSTREAM + url.pathname + url.search, request));
    }
    return new Response("Sorry, you have supplied an invalid key.", { status: 403 });
  };
}
