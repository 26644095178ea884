// Bodies both ways (cases B1, B3, B4) and compression (C1, C2).
import { createHash } from "node:crypto";
import zlib from "node:zlib";
import type { Case, Target } from "../_fixtures.ts";
import { text } from "../_client.ts";
import { TEXT } from "../_upstream.ts";
import type { RawRequest, RawResponse } from "../_client.ts";
import { assert, keyed, responseHeader, seenHeader, through } from "./_assert.ts";

const MiB = 1024 * 1024;
const payload = (size: number) => {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 10)) & 0xff;
  return bytes;
};
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const BODY = payload(8 * MiB);
const BODY_SHA = sha256(BODY);

/** The first 64 KiB in 1 KiB pieces, a little apart; then 1 MiB pieces. */
async function* dribble(): AsyncIterable<Uint8Array> {
  for (let at = 0; at < 64 * 1024; at += 1024) {
    yield BODY.subarray(at, at + 1024);
    if (at % 8192 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  for (let at = 64 * 1024; at < BODY.length; at += MiB) yield BODY.subarray(at, at + MiB);
}

/**
 * Either U's exact compressed bytes under their label, or decoded bytes with
 * no label; with `refusable`, also a 502 for a label of unknown fate.
 */
function assertHonestCoding(response: RawResponse, refusable = false): void {
  if (refusable && response.status === 502) return;
  assert.equal(response.status, 200);
  const length = responseHeader(response, "content-length");
  if (length !== undefined) {
    assert.equal(Number(length), response.body.length, "Content-Length is wrong");
  }
  const decode: Record<string, (b: Uint8Array) => Uint8Array> = {
    gzip: zlib.gunzipSync,
    br: zlib.brotliDecompressSync,
    deflate: zlib.inflateSync,
  };
  const label = responseHeader(response, "content-encoding") ?? "";
  const codings = label.split(",").map((c) => c.trim().toLowerCase()).filter((c) =>
    c && c !== "identity"
  );
  let body = response.body;
  for (const coding of codings.reverse()) {
    assert.ok(decode[coding], `unexpected Content-Encoding ${label}`);
    assert.doesNotThrow(
      () => (body = decode[coding](body)),
      `bytes labelled ${label} are not ${coding}`,
    );
  }
  assert.equal(text(body), TEXT, "the body is not U's text");
}

/** Uploads BODY; U must get every byte, and any Content-Length it sees must be true. */
async function assertUploaded(t: Target, body: RawRequest["body"]): Promise<void> {
  const { response, seen } = await through(t, keyed({ method: "POST", target: "/upload", body }));
  assert.equal(response.status, 200);
  assert.equal(seen.bodyLength, BODY.length);
  assert.equal(seen.bodySha256, BODY_SHA);
  const length = seenHeader(seen, "content-length");
  if (length !== undefined) assert.equal(Number(length), BODY.length);
}

export const bodyCases: Case[] = [
  {
    id: "B1-length",
    title: "8 MiB POST with Content-Length arrives whole, with its true length",
    run: (t) => assertUploaded(t, BODY),
  },
  {
    id: "B1-chunked",
    title: "8 MiB chunked POST, dribbled at first, arrives whole (B4: Transfer-Encoding: chunked)",
    run: (t) => assertUploaded(t, dribble),
  },
  {
    id: "B1-bodyless",
    title: "GET and HEAD arrive with no body, even when the client sent one",
    run: async (t) => {
      for (const method of ["GET", "HEAD"]) {
        const { seen } = await through(
          t,
          keyed({
            method,
            target: "/nobody",
            headers: [["Content-Length", "5"]],
            body: new TextEncoder().encode("hello"),
          }),
        );
        assert.equal(seen.bodyLength, 0);
        assert.ok(
          !["5"].includes(seenHeader(seen, "content-length") ?? ""),
          "U was promised a body",
        );
        assert.equal(seenHeader(seen, "transfer-encoding"), undefined);
      }
    },
  },
  {
    id: "B3",
    title: "an upload with Expect: 100-continue arrives intact",
    run: async (t) => {
      const body = BODY.subarray(0, 2 * MiB);
      const { response, seen } = await through(
        t,
        keyed({
          method: "PUT",
          target: "/upload",
          headers: [["Expect", "100-continue"]],
          body,
        }),
      );
      assert.equal(response.status, 200);
      assert.equal(seen.bodySha256, sha256(body));
      assert.equal(seenHeader(seen, "expect"), undefined);
    },
  },
  {
    id: "C1",
    title: "a gzip, br or deflate answer is relayed as U's bytes, or decoded and unlabelled",
    run: async (t) => {
      for (const coding of ["gzip", "br", "deflate", "gzip2"]) {
        const { response } = await through(
          t,
          keyed({
            target: `/${coding}`,
            headers: [["Accept-Encoding", "gzip, br, deflate"]],
          }),
        );
        assertHonestCoding(response);
      }
    },
  },
  {
    id: "C1-labels",
    title:
      "gzip under odd labels (GZIP, identity-then-gzip, a trailing comma) is relayed honestly or refused",
    run: async (t) => {
      for (const label of ["GZIP", "identity, gzip", "gzip,", " gzip"]) {
        const response = await t.send(keyed({
          target: `/coding?label=${encodeURIComponent(label)}`,
          headers: [["Accept-Encoding", "gzip"]],
        }));
        assertHonestCoding(response, true);
      }
    },
  },
  {
    id: "slow-upload",
    title:
      "an upload slower than UPSTREAM_TIMEOUT_MS still arrives: the timeout starts once it is sent",
    run: async (t) => {
      const body = BODY.subarray(0, 64 * 1024);
      async function* slowly() {
        for (let at = 0; at < body.length; at += 8192) {
          yield body.subarray(at, at + 8192);
          await new Promise((resolve) => setTimeout(resolve, 250)); // 2 s in all
        }
      }
      const { response, seen } = await through(
        t,
        keyed({ method: "POST", target: "/upload", body: slowly }),
      );
      assert.equal(response.status, 200);
      assert.equal(seen.bodySha256, sha256(body));
    },
  },
  {
    id: "C2",
    title: "a client that sends no Accept-Encoding gets identity bytes",
    run: async (t) => {
      const { response } = await through(t, keyed({ target: "/negotiate" }));
      assert.equal(responseHeader(response, "content-encoding"), undefined);
      assertHonestCoding(response);
    },
  },
  {
    id: "C2-identity",
    title: "a client that accepts only identity gets identity bytes",
    run: async (t) => {
      const { response } = await through(
        t,
        keyed({
          target: "/negotiate",
          headers: [["Accept-Encoding", "identity"]],
        }),
      );
      assert.equal(responseHeader(response, "content-encoding"), undefined);
      assertHonestCoding(response);
    },
  },
];
