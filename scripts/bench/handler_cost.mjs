// The handlers' own cost, with no network: psk-gate (the built npm library)
// and the seed, each handed Requests like a server's and an upstream that
// answers at once with a canned 1 KiB response. What is left is the work of
// the check, the header rules, the timeout, the log line: µs per request.
// Runs on Node, Deno and Bun alike; prints one JSON line.
//
//   <runtime> scripts/bench/handler_cost.mjs [requests]
import { createHandler } from "../../dist/npm/mod.js";

// On Node, the shims run under @hono/node-server, whose light Response
// replaces undici's (which costs 10-30 µs to make); do the same here.
if (globalThis.process?.release?.name === "node" && !globalThis.Bun && !globalThis.Deno) {
  const { getRequestListener } = await import("@hono/node-server");
  getRequestListener(() => new Response(null));
}

const N = Number(globalThis.process?.argv?.[2] ?? globalThis.Deno?.args?.[0] ?? 50_000);
const KEY = "Qm7xT2pLk9vR4sWz8nB3cY6dF1gH5jK0";
const WRONG = "Wr0ngT2pLk9vR4sWz8nB3cY6dF1gH5jK";
const BODY = new Uint8Array(1024);
const UPSTREAM_FIELDS = [
  ["server", "nginx/1.22.1"],
  ["date", "Thu, 03 Dec 2026 12:00:00 GMT"],
  ["content-type", "text/plain"],
  ["content-length", "1024"],
  ["connection", "keep-alive"],
];
const canned = () => Promise.resolve(new Response(BODY, { headers: UPSTREAM_FIELDS }));

const psk = createHandler({
  upstream: "http://127.0.0.1:9",
  keys: `bench:${KEY}`,
  fetch: canned,
  // Lines are made as in production, then dropped: no I/O is timed.
  log: { level: "info", sink: () => {} },
});
// The seed example's logic, with the same canned upstream.
const seed = (request) => {
  if (request.headers.get("X-Custom-PSK") !== KEY) {
    return new Response("Sorry, you have supplied an invalid key.", { status: 403 });
  }
  const url = new URL(request.url);
  return canned(new Request("http://127.0.0.1:9" + url.pathname + url.search, request));
};

const request = (key) =>
  new Request("http://127.0.0.1:8000/orders?page=2", {
    headers: { host: "127.0.0.1:8000", "user-agent": "wrk", accept: "*/*", "x-custom-psk": key },
  });

/** µs per request of `handle`; requests are made beforehand, in batches. */
async function cost(handle, key) {
  const batch = 5_000;
  let spent = 0;
  for (let done = -batch; done < N; done += batch) { // the first batch warms up
    const requests = Array.from({ length: batch }, () => request(key));
    const t = performance.now();
    for (const r of requests) {
      const response = await handle(r, { address: "127.0.0.1" });
      if (response.status !== (key === KEY ? 200 : 403)) throw new Error(`got ${response.status}`);
    }
    if (done >= 0) spent += performance.now() - t;
  }
  return (spent * 1000) / N;
}

const result = {};
for (const [name, handle] of [["seed", seed], ["psk", psk]]) {
  result[`${name}Accepted`] = await cost(handle, KEY);
  result[`${name}Rejected`] = await cost(handle, WRONG);
}
console.log(JSON.stringify(result));
