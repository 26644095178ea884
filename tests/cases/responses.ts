// What comes back: redirects, odd statuses, aborts and failures (R1-R5).
import type { Case } from "../_fixtures.ts";
import { headerAll, text } from "../_client.ts";
import { KEY, TIMEOUT_MS } from "../_fixtures.ts";
import { assert, assertQuiet, eventually, keyed, responseHeader, through } from "./_assert.ts";

export const responseCases: Case[] = [
  {
    id: "R1",
    title: "a 302 with a cookie, and a 307 to a POST, reach the client as they are",
    run: async (t) => {
      const login = await through(t, keyed({ target: "/login" }));
      assert.equal(login.response.status, 302);
      assert.equal(responseHeader(login.response, "location"), "/home");
      assert.deepEqual(headerAll(login.response, "set-cookie"), ["sid=1; Path=/"]);
      const post = await through(
        t,
        keyed({ method: "POST", target: "/submit", body: new Uint8Array(10) }),
      );
      assert.equal(post.response.status, 307);
      assert.equal(responseHeader(post.response, "location"), "/elsewhere");
      assert.ok(
        !t.upstream.seen.some((s) => /home|elsewhere/.test(s.path)),
        "a redirect was followed",
      );
    },
  },
  {
    id: "R2",
    title: "a client hanging up mid-stream closes the upstream stream within 2 s, 20 at once",
    run: async (t) => {
      const before = t.upstream.seen.length;
      const responses = await Promise.all(
        Array.from(
          { length: 20 },
          () => t.send(keyed({ target: "/stream", hangUpAfterBytes: 16 })),
        ),
      );
      const hungUpAt = Date.now();
      for (const response of responses) assert.equal(response.status, 200);
      const streams = () => t.upstream.seen.slice(before);
      const closed = await eventually(
        () => streams().length === 20 && streams().every((s) => s.closedAt !== undefined),
        2000,
      );
      assert.ok(
        closed,
        `${
          streams().filter((s) => s.closedAt === undefined).length
        } of 20 streams still open after 2 s`,
      );
      assert.ok(streams().every((s) => s.finished === false), "a stream ran to its end");
      assert.ok(Date.now() - hungUpAt < 2500);
    },
  },
  {
    id: "R2-early",
    title: "a client hanging up before U answers cancels the upstream request",
    run: async (t) => {
      const before = t.upstream.seen.length;
      const sent = Date.now();
      await t.send(keyed({ target: "/slow", hangUpAfterMs: 100 })).catch(() => {});
      // Well before the gateway's own timeout, which would close U anyway.
      const closed = await eventually(
        () => t.upstream.seen[before]?.closedAt !== undefined,
        TIMEOUT_MS - 300,
      );
      assert.ok(closed, `U still held the request ${Date.now() - sent} ms after it was sent`);
    },
  },
  {
    id: "R3-unreachable",
    title: "a closed port or a name that does not resolve: a quiet 502",
    run: async (t) => {
      assertQuiet(await t.closedPort(keyed({ target: "/x" })), 502);
      assertQuiet(await t.unresolvable(keyed({ target: "/x" })), 502);
    },
  },
  {
    id: "R3-reset",
    title: "U resetting mid-body reaches the client as an aborted transfer",
    run: async (t) => {
      const response = await t.send(keyed({ target: "/reset" }));
      if (response.status === 200) assert.equal(response.complete, false, "looked complete");
      else assertQuiet(response, 502);
      assert.ok(response.body.length < 100000);
    },
  },
  {
    id: "R3-timeout",
    title: "U slower than UPSTREAM_TIMEOUT_MS: a quiet 504",
    run: async (t) => {
      const started = Date.now();
      assertQuiet(await t.send(keyed({ target: "/slow" })), 504);
      assert.ok(Date.now() - started < 4000);
    },
  },
  {
    id: "R3-timeout-body",
    title: "a POST with a body and a DELETE, U slower than UPSTREAM_TIMEOUT_MS: a quiet 504",
    run: async (t) => {
      const requests = [
        keyed({ method: "POST", target: "/slow", body: new Uint8Array(8192) }),
        keyed({ method: "DELETE", target: "/slow" }),
      ];
      for (const request of requests) {
        const started = Date.now();
        const response = await t.send(request);
        const ms = Date.now() - started;
        assertQuiet(response, 504);
        assert.ok(ms < TIMEOUT_MS + 1500, `${request.method}: 504 only after ${ms} ms`);
      }
    },
  },
  {
    id: "R3-timeout-overlap",
    title: "a slow exchange overlapping one that ends first still times out: 504",
    run: async (t) => {
      // The first exchange ends (its client leaves) while the second waits.
      const first = t.send(keyed({ target: "/stream", hangUpAfterBytes: 16 }));
      await new Promise((resolve) => setTimeout(resolve, 20));
      const started = Date.now();
      const second = t.send(keyed({ target: "/slow" }));
      await first;
      const response = await second;
      const ms = Date.now() - started;
      assert.equal(response.status, 504, `answered ${response.status} after ${ms} ms`);
      assert.ok(ms < TIMEOUT_MS + 1500, `504 only after ${ms} ms`);
    },
  },
  {
    id: "R3-odd",
    title: "answers fetch cannot carry (a 101, status 999) get a quiet 502, not a hang or a 500",
    run: async (t) => {
      for (const target of ["/switch", "/status-999"]) {
        const started = Date.now();
        assertQuiet(await t.send(keyed({ target })), 502);
        assert.ok(Date.now() - started < 3000, `${target} took ${Date.now() - started} ms`);
      }
    },
  },
  {
    id: "R3-te-cl",
    title: "U's Content-Length beside chunked framing is dropped, never trusted",
    run: async (t) => {
      const response = await t.send(keyed({ target: "/te-cl" }));
      if (response.status === 502) return;
      assert.equal(response.status, 200);
      assert.equal(text(response.body), "hello world");
      assert.ok(response.complete);
    },
  },
  {
    id: "stale-pool",
    title: "a pooled upstream connection closed just as it is reused costs no GET a 502",
    run: async (t) => {
      for (let i = 0; i < 4; i++) {
        const response = await t.send(keyed({ target: "/stale" }));
        assert.equal(response.status, 200, `request ${i + 1}`);
      }
    },
  },
  {
    id: "R4",
    title: "418 with its own header and body is relayed exactly",
    run: async (t) => {
      const { response } = await through(t, keyed({ target: "/teapot" }));
      assert.equal(response.status, 418);
      assert.equal(responseHeader(response, "x-up"), "1");
      assert.equal(text(response.body), "teapot");
    },
  },
  {
    id: "R5",
    title: "304 keeps its ETag, 204 answers a DELETE, neither with a body",
    run: async (t) => {
      const notModified = await through(
        t,
        keyed({
          target: "/not-modified",
          headers: [["If-None-Match", '"v1"']],
        }),
      );
      assert.equal(notModified.response.status, 304);
      assert.equal(responseHeader(notModified.response, "etag"), '"v1"');
      assert.equal(notModified.response.body.length, 0);
      const deleted = await through(t, keyed({ method: "DELETE", target: "/no-content" }));
      assert.equal(deleted.response.status, 204);
      assert.equal(deleted.response.body.length, 0);
    },
  },
  {
    id: "HEAD",
    title: "HEAD gets U's headers and no body",
    run: async (t) => {
      const { response, seen } = await through(
        t,
        keyed({ method: "HEAD", target: "/size?bytes=1234" }),
      );
      assert.equal(seen.method, "HEAD");
      assert.equal(response.status, 200);
      assert.equal(response.body.length, 0);
      const length = responseHeader(response, "content-length");
      if (length !== undefined) assert.equal(length, "1234");
    },
  },
  {
    id: "download",
    title: "a 3 MiB answer arrives whole with its length",
    run: async (t) => {
      const { response } = await through(t, {
        target: "/size?bytes=3145728",
        headers: [["X-Custom-PSK", KEY]],
      });
      assert.equal(response.body.length, 3145728);
      assert.ok(response.complete);
    },
  },
];
