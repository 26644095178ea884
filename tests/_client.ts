// Two ways to send the same request: as raw bytes over a socket to a running
// gateway (full control of the request line and header lines, which fetch
// would refuse or rewrite), or as a Request straight into the handler.
import net from "node:net";

export interface RawRequest {
  method?: string;
  /** The request-target as written on the request line. */
  target: string;
  /** Header lines in order; a Uint8Array value is sent as raw bytes. */
  headers?: [string, string | Uint8Array][];
  /** A fixed body, or chunks sent with chunked framing (unless a Content-Length is given). */
  body?: Uint8Array | (() => AsyncIterable<Uint8Array>);
  /** Hang up once this many body bytes have arrived. */
  hangUpAfterBytes?: number;
  /** Hang up this many ms after sending, whatever has arrived. */
  hangUpAfterMs?: number;
}

export interface RawResponse {
  status: number;
  /** Header lines in order, names lower-cased. */
  headers: [string, string][];
  body: Uint8Array;
  /** False when the transfer ended before its framing said it was done. */
  complete: boolean;
}

export type Send = (request: RawRequest) => Promise<RawResponse>;

export const header = (res: RawResponse, name: string) =>
  res.headers.find(([key]) => key === name.toLowerCase())?.[1];
export const headerAll = (res: RawResponse, name: string) =>
  res.headers.filter(([key]) => key === name.toLowerCase()).map(([, value]) => value);
export const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

const CRLF = "\r\n";
const latin1 = (value: string | Uint8Array) =>
  typeof value === "string" ? value : String.fromCharCode(...value);

/** Sends `request` to 127.0.0.1:`port` over a fresh connection. */
export function httpSend(port: number, request: RawRequest): Promise<RawResponse> {
  const method = request.method ?? "GET";
  const headers = [...(request.headers ?? [])];
  const has = (name: string) => headers.some(([key]) => key.toLowerCase() === name);
  if (!has("host")) headers.unshift(["Host", `127.0.0.1:${port}`]);
  const fixed = request.body instanceof Uint8Array ? request.body : undefined;
  const chunked = typeof request.body === "function" && !has("content-length");
  if (fixed && !has("content-length")) headers.push(["Content-Length", String(fixed.length)]);
  if (chunked) headers.push(["Transfer-Encoding", "chunked"]);
  if (!has("connection")) headers.push(["Connection", "close"]);
  const head = `${method} ${request.target} HTTP/1.1${CRLF}` +
    headers.map(([name, value]) => `${name}: ${latin1(value)}${CRLF}`).join("") + CRLF;

  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const parser = new ResponseParser(method);
    let continued: (() => void) | undefined;
    let settled = false;
    const done = (complete: boolean) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      const response = parser.result(complete);
      if (response) resolve(response);
      else reject(new Error(`no response (${parser.received} bytes)`));
    };
    socket.on("data", (chunk: Uint8Array) => {
      parser.push(chunk);
      if (parser.interim) continued?.();
      if (parser.done) return done(true);
      if (request.hangUpAfterBytes !== undefined && parser.bodyBytes >= request.hangUpAfterBytes) {
        done(false);
      }
    });
    socket.on("error", () => done(parser.done));
    socket.on("close", () => done(parser.done || parser.closeDelimited));
    if (request.hangUpAfterMs !== undefined) setTimeout(() => done(false), request.hangUpAfterMs);
    socket.write(Buffer.from(head, "latin1"));
    (async () => {
      if (
        headers.some(([key, value]) =>
          key.toLowerCase() === "expect" && /100-continue/i.test(latin1(value))
        )
      ) {
        // Wait for "100 Continue", as curl does, but not forever.
        await new Promise<void>((go) => ((continued = go), setTimeout(go, 1000)));
      }
      if (fixed) socket.write(fixed);
      if (chunked) {
        for await (const piece of (request.body as () => AsyncIterable<Uint8Array>)()) {
          socket.write(`${piece.length.toString(16)}${CRLF}`);
          socket.write(piece);
          socket.write(CRLF);
        }
        socket.write(`0${CRLF}${CRLF}`);
      }
    })().catch(() => socket.destroy());
  });
}

/** Incremental HTTP/1.1 response parser: head, then Content-Length, chunked or close-delimited body. */
class ResponseParser {
  received = 0;
  bodyBytes = 0;
  done = false;
  interim = false;
  #buffer = Buffer.alloc(0);
  #status = 0;
  #headers: [string, string][] = [];
  #body: Uint8Array[] = [];
  #framing: "length" | "chunked" | "close" | "none" | undefined;
  #remaining = 0;
  #needCrlf = false;
  constructor(private readonly method: string) {}

  push(chunk: Uint8Array) {
    this.received += chunk.length;
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    while (this.#step());
  }

  #step(): boolean {
    if (this.done) return false;
    if (this.#framing === undefined) return this.#head();
    if (this.#framing === "close") return this.#take(this.#buffer.length), false;
    if (this.#framing === "length") {
      this.#take(Math.min(this.#remaining, this.#buffer.length));
      this.done = this.#remaining === 0;
      return false;
    }
    return this.#chunk();
  }

  #head(): boolean {
    const end = this.#buffer.indexOf("\r\n\r\n");
    if (end === -1) return false;
    const lines = this.#buffer.subarray(0, end).toString("latin1").split(CRLF);
    this.#buffer = this.#buffer.subarray(end + 4);
    const status = Number(lines[0].split(" ")[1]);
    if (status >= 100 && status < 200) return (this.interim = true);
    this.#status = status;
    this.#headers = lines.slice(1).map((line) => {
      const colon = line.indexOf(":");
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    });
    const get = (name: string) => this.#headers.find(([key]) => key === name)?.[1];
    if (this.method === "HEAD" || status === 204 || status === 304) this.#framing = "none";
    else if (/chunked/i.test(get("transfer-encoding") ?? "")) this.#framing = "chunked";
    else if (get("content-length") !== undefined) {
      this.#framing = "length";
      this.#remaining = Number(get("content-length"));
    } else this.#framing = "close";
    this.done = this.#framing === "none" || (this.#framing === "length" && this.#remaining === 0);
    return true;
  }

  #chunk(): boolean {
    if (this.#needCrlf) {
      if (this.#buffer.length < 2) return false;
      this.#buffer = this.#buffer.subarray(2);
      this.#needCrlf = false;
      return true;
    }
    if (this.#remaining > 0) {
      this.#take(Math.min(this.#remaining, this.#buffer.length));
      this.#needCrlf = this.#remaining === 0;
      return this.#needCrlf;
    }
    const end = this.#buffer.indexOf(CRLF);
    if (end === -1) return false;
    const size = parseInt(this.#buffer.subarray(0, end).toString("latin1"), 16);
    this.#buffer = this.#buffer.subarray(end + 2);
    this.done = size === 0; // trailers, if any, are ignored
    this.#remaining = size;
    return !this.done;
  }

  #take(count: number) {
    if (count === 0) return;
    this.#body.push(this.#buffer.subarray(0, count));
    this.#buffer = this.#buffer.subarray(count);
    this.#remaining -= count;
    this.bodyBytes += count;
  }

  result(complete: boolean): RawResponse | undefined {
    if (this.#framing === undefined) return undefined;
    return {
      status: this.#status,
      headers: this.#headers,
      body: Buffer.concat(this.#body),
      complete,
    };
  }

  /** A close-delimited body ends, complete, when the server closes cleanly. */
  get closeDelimited(): boolean {
    return this.#framing === "close";
  }
}

/**
 * The same request as a `Request` handed straight to `handle`: the path the
 * library user takes. A request-target in absolute form becomes the URL, as
 * runtimes do with such a request line.
 */
export function inProcessSend(handle: (request: Request) => Response | Promise<Response>): Send {
  return async (raw) => {
    const url = /^https?:\/\//.test(raw.target) ? raw.target : `http://gw.test${raw.target}`;
    const controller = new AbortController();
    const headers = new Headers();
    for (const [name, value] of raw.headers ?? []) headers.append(name, latin1(value));
    let body: BodyInit | undefined;
    // As a server runtime does, hand the handler no body on GET and HEAD.
    if (raw.method === "GET" || raw.method === "HEAD" || raw.method === undefined) body = undefined;
    else if (raw.body instanceof Uint8Array) body = raw.body as Uint8Array<ArrayBuffer>;
    else if (raw.body) body = ReadableStream.from(raw.body());
    if (raw.hangUpAfterMs !== undefined) setTimeout(() => controller.abort(), raw.hangUpAfterMs);
    const init = { method: raw.method, headers, body, signal: controller.signal, duplex: "half" };
    const response = await handle(new Request(url, init as RequestInit));
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    let complete = true;
    if (response.body) {
      const reader = response.body.getReader();
      try {
        for (let r = await reader.read(); !r.done; r = await reader.read()) {
          chunks.push(r.value);
          bytes += r.value.length;
          if (raw.hangUpAfterBytes !== undefined && bytes >= raw.hangUpAfterBytes) {
            complete = false;
            controller.abort();
            await reader.cancel();
            break;
          }
        }
      } catch {
        complete = false;
      }
    }
    return {
      status: response.status,
      headers: [...response.headers],
      body: concat(chunks),
      complete,
    };
  };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) out.set(chunk, offset), offset += chunk.length;
  return out;
}
