// The Node reference: a plain node:http streaming proxy, no Web APIs. Checks
// X-Custom-PSK with ===, drops it and the hop-by-hop fields, and pipes both
// ways through a keep-alive agent.
import http from "node:http";

const upstream = new URL(process.env.UPSTREAM_URL);
const key = process.env.PSK_KEYS.slice(process.env.PSK_KEYS.indexOf(":") + 1);
const agent = new http.Agent({ keepAlive: true });
const HOP = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];

const server = http.createServer((req, res) => {
  if (req.headers["x-custom-psk"] !== key) {
    res.writeHead(403, { "content-type": "text/plain" });
    return res.end("Sorry, you have supplied an invalid key.");
  }
  const headers = { ...req.headers, host: upstream.host };
  for (const name of [...HOP, "x-custom-psk"]) delete headers[name];
  const out = http.request({
    host: upstream.hostname,
    port: upstream.port,
    method: req.method,
    path: req.url,
    headers,
    agent,
  }, (incoming) => {
    const back = { ...incoming.headers };
    for (const name of HOP) delete back[name];
    res.writeHead(incoming.statusCode, back);
    incoming.pipe(res);
  });
  out.on("error", () => {
    if (!res.headersSent) res.writeHead(502).end("Bad Gateway");
    else res.destroy();
  });
  req.pipe(out);
});
server.keepAliveTimeout = 120_000;
server.listen(Number(process.env.PORT), process.env.HOSTNAME, () => {
  console.log(`node:http proxy (node ${process.version}) listening on ${server.address().port}`);
});
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => process.exit(0));
