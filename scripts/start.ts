// `npm start`. With UPSTREAM_URL and PSK_KEYS unset it is a demo: a small
// origin on loopback, a fresh key, and the Node gateway in front of it. With
// either set it is the Node gateway itself (dist/node.mjs), which refuses to
// start on incomplete config; the shims never fall back to a demo.
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

if (!process.env.UPSTREAM_URL && !process.env.PSK_KEYS) {
  const origin = await startDemoOrigin();
  const key = randomBytes(32).toString("base64url");
  const port = process.env.PORT || "8000";
  Object.assign(process.env, {
    UPSTREAM_URL: `http://127.0.0.1:${origin}/`,
    PSK_KEYS: `demo:${key}`,
    HOSTNAME: process.env.HOSTNAME || "127.0.0.1",
    PORT: port,
  });
  const url = `http://127.0.0.1:${port}/hello`;
  console.log(`
psk-gate DEMO: no UPSTREAM_URL or PSK_KEYS set, so a demo origin runs on
127.0.0.1:${origin} behind the gateway, with a key made for this run only.

  allowed:  curl -i -H 'X-Custom-PSK: ${key}' ${url}
  denied:   curl -i -H 'X-Custom-PSK: wrong' ${url}

The origin echoes what it received: note that the key is not among it.
For real use set UPSTREAM_URL and PSK_KEYS (see README.md). Ctrl-C stops.
`);
}
// @ts-ignore: built next to this file by scripts/build.mjs
await import("./node.mjs");

async function startDemoOrigin(): Promise<number> {
  const server = http.createServer((req, res) => {
    const body = JSON.stringify(
      { origin: "psk-gate demo", method: req.method, path: req.url, headers: req.headers },
      null,
      2,
    );
    res.writeHead(200, { "content-type": "application/json" }).end(body + "\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}
