// U, the test upstream: a node:http server (Node, Deno and Bun all have it)
// that records each request as it arrived and answers by path.
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import zlib from "node:zlib";

export interface Seen {
  method: string;
  /** The raw request-target, as sent on the request line. */
  path: string;
  /** Raw header lines, names in the case they were sent. */
  rawHeaders: [string, string][];
  bodyLength: number;
  bodySha256: string;
  /** When the server saw the response or its connection close, ms since start. */
  closedAt?: number;
  finished?: boolean;
  startedAt: number;
}

/** 64 KiB of text, compressible. */
export const TEXT = "psk-gate compression check 0123456789\n".repeat(1725).slice(0, 65536);

export interface Upstream {
  readonly port: number;
  readonly origin: string;
  readonly seen: Seen[];
  /** Every connection ever opened to U. */
  readonly connections: number;
  /** Connections open now. */
  openConnections(): number;
  header(seen: Seen, name: string): string | undefined;
  reset(): void;
  close(): Promise<void>;
}

type Route = (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen) => void;

const routes: Record<string, Route> = {
  "/gzip": (_req, res) => {
    const body = zlib.gzipSync(TEXT);
    res.writeHead(200, gzipHeaders("gzip", body.length)).end(body);
  },
  "/br": (_req, res) => {
    const body = zlib.brotliCompressSync(TEXT);
    res.writeHead(200, gzipHeaders("br", body.length)).end(body);
  },
  "/deflate": (_req, res) => {
    const body = zlib.deflateSync(TEXT);
    res.writeHead(200, gzipHeaders("deflate", body.length)).end(body);
  },
  // Compresses with what was asked for, identity if nothing was.
  "/negotiate": (req, res) => {
    const accepted = String(req.headers["accept-encoding"] ?? "");
    const coding = /\bgzip\b/.test(accepted) ? "gzip" : /\bbr\b/.test(accepted) ? "br" : undefined;
    if (!coding) return void res.writeHead(200, { "content-type": "text/plain" }).end(TEXT);
    const body = coding === "gzip" ? zlib.gzipSync(TEXT) : zlib.brotliCompressSync(TEXT);
    res.writeHead(200, gzipHeaders(coding, body.length)).end(body);
  },
  // Two gzip members: a decoder that stops after the first loses half.
  "/gzip2": (_req, res) => {
    const half = TEXT.length / 2;
    const body = Buffer.concat([
      zlib.gzipSync(TEXT.slice(0, half)),
      zlib.gzipSync(TEXT.slice(half)),
    ]);
    res.writeHead(200, gzipHeaders("gzip", body.length)).end(body);
  },
  // gzip under odd but legal spellings of its label.
  "/coding": (req, res) => {
    const label = new URL(req.url ?? "/", "http://u").searchParams.get("label") ?? "gzip";
    const body = zlib.gzipSync(TEXT);
    res.writeHead(200, gzipHeaders(label, body.length)).end(body);
  },
  // Raw answers no well-behaved server library would write.
  "/te-cl": (req) =>
    raw(
      req,
      "200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nb\r\nhello world\r\n0\r\n\r\n",
    ),
  "/switch": (req) =>
    raw(req, "101 Switching Protocols\r\nUpgrade: x-custom\r\nConnection: Upgrade\r\n\r\n"),
  "/status-999": (req) => raw(req, "999 Odd\r\nContent-Length: 2\r\n\r\nok"),
  // Drops the first request that arrives on a reused connection, once per
  // server, as an upstream does when it closes an idle connection just as
  // the gateway reuses it.
  "/stale": (req, res) => {
    const socket = req.socket as Socket & { served?: number; server?: { dropped?: boolean } };
    const server = socket.server!;
    socket.served = (socket.served ?? 0) + 1;
    if (socket.served > 1 && !server.dropped) {
      server.dropped = true;
      return void socket.destroy();
    }
    res.writeHead(200, { "content-length": "5" }).end("fresh");
  },
  "/hop": (_req, res) => {
    res.writeHead(200, [
      ["Connection", "X-Internal"],
      ["X-Internal", "1"],
      ["Keep-Alive", "timeout=77, max=9"],
      ["Proxy-Authenticate", "Basic realm=upstream"],
      ["X-Up", "ok"],
    ]).end("hop");
  },
  "/cookies": (_req, res) => {
    res.writeHead(200, [
      ["Set-Cookie", "a=1; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly"],
      ["Set-Cookie", "b=2; Path=/; Secure"],
    ]).end("cookies");
  },
  "/login": (_req, res) => {
    res.writeHead(302, [["Location", "/home"], ["Set-Cookie", "sid=1; Path=/"]]).end();
  },
  "/submit": (_req, res) => void res.writeHead(307, { location: "/elsewhere" }).end(),
  "/teapot": (_req, res) => void res.writeHead(418, { "x-up": "1" }).end("teapot"),
  "/not-modified": (_req, res) => void res.writeHead(304, { etag: '"v1"' }).end(),
  "/no-content": (_req, res) => void res.writeHead(204).end(),
  "/stream": (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    let sent = 0;
    const timer = setInterval(() => {
      res.write(`chunk ${sent++}\n`);
      if (sent === 100) clearInterval(timer), res.end();
    }, 100);
    res.once("close", () => clearInterval(timer));
  },
  // Headers and part of the body, then a reset.
  "/reset": (req, res) => {
    res.writeHead(200, { "content-length": "100000" });
    res.write("x".repeat(1000), () => setTimeout(() => req.socket.destroy(), 50));
  },
  "/slow": (_req, res) => {
    const timer = setTimeout(() => res.writeHead(200).end("late"), 5000);
    res.once("close", () => clearTimeout(timer));
  },
  "/size": (req, res) => {
    const size = Number(new URL(req.url ?? "/", "http://u").searchParams.get("bytes"));
    res.writeHead(200, { "content-length": String(size) }).end(new Uint8Array(size).fill(97));
  },
};

function raw(req: http.IncomingMessage, rest: string): void {
  req.socket.end(`HTTP/1.1 ${rest}`);
}

function gzipHeaders(coding: string, length: number) {
  return {
    "content-type": "text/plain",
    "content-encoding": coding,
    "content-length": String(length),
  };
}

/** Starts U on a free loopback port. Paths are matched after `basePath`. */
export async function startUpstream(basePath = ""): Promise<Upstream> {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const t0 = Date.now();
  const server = http.createServer((req, res) => {
    const record: Seen = {
      method: req.method ?? "",
      path: req.url ?? "",
      rawHeaders: pairs(req.rawHeaders),
      bodyLength: 0,
      bodySha256: "",
      startedAt: Date.now() - t0,
    };
    seen.push(record);
    const hash = createHash("sha256");
    req.on("data", (chunk: Uint8Array) => {
      record.bodyLength += chunk.length;
      hash.update(chunk);
    });
    res.once("close", () => {
      record.closedAt = Date.now() - t0;
      record.finished = res.writableFinished;
      // The client (the gateway) went away mid-answer: drop the half-open socket
      // as a real server would, so open connections count only the gateway's.
      if (!res.writableFinished) req.socket.destroy();
    });
    const route = routes[(req.url ?? "").slice(basePath.length).split("?")[0]];
    req.once("end", () => {
      record.bodySha256 = hash.digest("hex");
      if (!route) res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
    // Streaming routes answer before the request body ends.
    if (route) route(req, res, record);
  });
  server.on("connection", (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    seen,
    get connections() {
      return connections;
    },
    openConnections: () => sockets.size,
    header: (record, name) =>
      record.rawHeaders.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1],
    reset: () => void (seen.length = 0),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function pairs(flat: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

/** A server that only counts connections: nothing should ever reach it. */
export async function startSentinel(): Promise<
  { port: number; hits: () => number; close: () => Promise<void> }
> {
  let hits = 0;
  const server = http.createServer((_req, res) => res.end());
  server.on("connection", () => hits++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
