// Configuration: every mistake is refused by name, and fails closed. These
// run in-process on each runtime; the shims' refusal to start is checked by
// the runner against each one.
import { ConfigError, createHandler, type Env, handler } from "../../mod.ts";
import { gatewayFromEnv } from "../../src/handler.ts";
import { Deadlines } from "../../src/_deadlines.ts";
import { sha256, sha256Text } from "../../src/_sha256.ts";
import type { Case } from "../_fixtures.ts";
import { KEY } from "../_fixtures.ts";
import { text } from "../_client.ts";
import { assert, assertDenied, settle } from "./_assert.ts";

const GOOD = { UPSTREAM_URL: "http://127.0.0.1:9/", PSK_KEYS: `a:${KEY}` };

/** Bad envs, what the message must say, and a secret it must not. */
export const BAD_ENVS: [Record<string, string>, RegExp][] = [
  [{ UPSTREAM_URL: GOOD.UPSTREAM_URL }, /"PSK_KEYS" is not set/],
  [{ PSK_KEYS: GOOD.PSK_KEYS }, /"UPSTREAM_URL" is not set/],
  [{ ...GOOD, PSK_KEYS: `a:${KEY},${KEY}` }, /"PSK_KEYS": entry 2 has no ":"/],
  [{ ...GOOD, PSK_KEYS: `a:${KEY},,b:x` }, /"PSK_KEYS": entry 2 is empty/],
  [{ ...GOOD, PSK_KEYS: `a:${KEY},a:other-${KEY}` }, /"PSK_KEYS": entry 2 repeats the id "a"/],
  [
    { ...GOOD, PSK_KEYS: "a:sha256:abc" },
    /"PSK_KEYS": entry 1: "sha256:" must be followed by 64 hex digits/,
  ],
  [{ ...GOOD, PSK_KEYS: `a b:${KEY}` }, /"PSK_KEYS": entry 1 has an invalid id/],
  [{ ...GOOD, PSK_KEYS: "a:" }, /"PSK_KEYS": entry 1: the secret must be/],
  [{ ...GOOD, UPSTREAM_URL: "ftp://127.0.0.1/" }, /"UPSTREAM_URL" must use http or https/],
  [
    { ...GOOD, UPSTREAM_URL: `http://u:${KEY}@127.0.0.1/` },
    /"UPSTREAM_URL" must not contain credentials/,
  ],
  [
    { ...GOOD, UPSTREAM_URL: "127.0.0.1:9000" },
    /"UPSTREAM_URL" (is not an absolute URL|must use http)/,
  ],
  [{ ...GOOD, UPSTREAM_URL: "http://127.0.0.1/?a=1" }, /"UPSTREAM_URL" must not have a query/],
  [{ ...GOOD, PSK_HEADER: "X Bad" }, /"PSK_HEADER" is not a valid header name/],
  [{ ...GOOD, PSK_HEADER: "Host" }, /"PSK_HEADER" cannot be "host"/],
  [{ ...GOOD, UPSTREAM_TIMEOUT_MS: "soon" }, /"UPSTREAM_TIMEOUT_MS" must be a whole number/],
  [{ ...GOOD, UPSTREAM_TIMEOUT_MS: "0" }, /"UPSTREAM_TIMEOUT_MS" must be a whole number from 1/],
  // Weak secrets: short, repetitive, or a known example value.
  [
    { ...GOOD, PSK_KEYS: "seed:mypresharedkey" },
    /entry 1 \("seed"\) has a weak secret: it is shorter/,
  ],
  [{ ...GOOD, PSK_KEYS: `a:${"ab".repeat(16)}` }, /entry 1 \("a"\) has a weak secret: it repeats/],
  [{ ...GOOD, PSK_KEYS: "a:MyPresharedKey-2026-production-x9" }, /well-known example value/],
  [
    { ...GOOD, PSK_KEYS: `a:${KEY};until=tomorrow` },
    /"PSK_KEYS": entry 1: "until" must be a UTC date/,
  ],
  [
    { ...GOOD, PSK_KEYS: `a:${KEY};from=2027-01-01;until=2026-01-01` },
    /"from" must be before "until"/,
  ],
  [{ ...GOOD, PSK_KEYS: `a:${KEY};paths=admin` }, /entry 1: "paths" must list absolute paths/],
  [{ ...GOOD, PSK_KEYS: `a:${KEY};role=admin` }, /entry 1 has an unknown parameter: use from=/],
  [{ ...GOOD, PSK_KEYS: `[{"id": "a", "secret": 1}]` }, /entry 1: the secret must be/],
  [{ ...GOOD, PSK_KEYS: `[{"id":` }, /"PSK_KEYS": it starts with "\[" but is not valid JSON/],
  [{ ...GOOD, PSK_THROTTLE: "lots" }, /"PSK_THROTTLE" must be "off" or failures per window/],
  [{ ...GOOD, PSK_PUBLIC_PATHS: "/ok,healthz" }, /"PSK_PUBLIC_PATHS" must list absolute paths/],
  [{ ...GOOD, PSK_PUBLIC_PATHS: "/a/../b" }, /"PSK_PUBLIC_PATHS" must list absolute paths/],
  [{ ...GOOD, PSK_PUBLIC_PATHS: "/docs*" }, /"PSK_PUBLIC_PATHS" must list absolute paths/],
  [
    { ...GOOD, PSK_PUBLIC_PATHS: "/healthz,/*" },
    /"PSK_PUBLIC_PATHS": "\/\*" would make every path public/,
  ],
  [{ ...GOOD, PSK_KEYS: `[{"id": "a"}]` }, /entry 1 has neither "secret" nor "sha256"/],
  [{ ...GOOD, PSK_MODE: "audit" }, /"PSK_MODE" must be one of "enforce", "report"/],
  [{ ...GOOD, PSK_LOG: "loud" }, /"PSK_LOG" must be one of/],
  [{ ...GOOD, PSK_BEARER: "yes" }, /"PSK_BEARER" must be "on" or "off"/],
  [{ ...GOOD, PSK_SUNSET_WARNING: "a week" }, /"PSK_SUNSET_WARNING" must be a duration/],
  [{ ...GOOD, PSK_ID_HEADER: "X-Custom-PSK" }, /"PSK_ID_HEADER" must differ from "PSK_HEADER"/],
  [{ ...GOOD, PSK_DENY_FORMAT: "html" }, /"PSK_DENY_FORMAT" must be one of/],
  // A ";" inside a secret: its tail must not be echoed as a parameter name.
  [{ ...GOOD, PSK_KEYS: `a:${KEY.slice(0, 12)};${KEY.slice(12)}` }, /has an unknown parameter/],
  // A misspelt limit must not leave the key unlimited.
  [
    { ...GOOD, PSK_KEYS: `[{"id": "a", "secret": "${KEY}", "path": ["/api/"]}]` },
    /entry 1 has an unknown field "path"/,
  ],
];

/** The bad envs each shim is started with: it must refuse every one. */
export const STARTUP_BAD_ENVS = [0, 1, 2, 4, 5, 9, 16, 20, 27, 29].map((i) => BAD_ENVS[i]);

export const configCases: Case[] = [
  {
    id: "config-refused",
    title: "each bad env is refused with a message naming the variable, never the secret",
    run: () => {
      for (const [env, message] of BAD_ENVS) {
        assert.throws(() => gatewayFromEnv(env), (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, message);
          for (let i = 0; i + 12 <= KEY.length; i++) {
            assert.ok(
              !error.message.includes(KEY.slice(i, i + 12)),
              "the message holds the secret",
            );
          }
          return true;
        });
      }
    },
  },
  {
    id: "config-env-values",
    title: "Workers vars given as JSON numbers or booleans, and PSK_ID_HEADER=OFF, are understood",
    run: async (t) => {
      const env = {
        UPSTREAM_URL: t.upstream.origin,
        PSK_KEYS: `a:${KEY}`,
        UPSTREAM_TIMEOUT_MS: 5000,
        PSK_BEARER: true,
        PSK_ID_HEADER: "OFF",
        PSK_LOG: "off",
      } as unknown as Env;
      const gateway = gatewayFromEnv(env);
      const before = t.upstream.seen.length;
      const response = await gateway(
        new Request("http://gw.test/env", { headers: { authorization: `Bearer ${KEY}` } }),
      );
      assert.equal(response.status, 200);
      await response.arrayBuffer();
      const seen = t.upstream.seen[before];
      assert.equal(t.upstream.header(seen, "x-psk-key-id"), undefined);
      assert.equal(t.upstream.header(seen, "off"), undefined);
      assert.equal(t.upstream.header(seen, "authorization"), undefined);
    },
  },
  {
    id: "config-same-secret",
    title: "two ids with the same secret, one of them hashed, are refused",
    run: async () => {
      const digest = Array.from(
        new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(KEY))),
        (b) => b.toString(16).padStart(2, "0"),
      ).join("");
      assert.throws(
        () => gatewayFromEnv({ ...GOOD, PSK_KEYS: `a:${KEY},b:sha256:${digest}` }),
        /keys "a" and "b" have the same secret/,
      );
    },
  },
  {
    id: "sha256",
    title:
      "the gateway's SHA-256 agrees with Web Crypto on every length around block edges, for bytes and for text",
    run: async () => {
      // Long before short: the scratch buffer must not leak a longer message's bytes.
      for (const length of [0, 1, 31, 55, 56, 63, 64, 65, 119, 120, 1000, 8192, 3, 64]) {
        const data = crypto.getRandomValues(new Uint8Array(length));
        const expected = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
        assert.deepEqual(sha256(data), expected, `length ${length}`);
      }
      const texts = ["", "secret-a", "secret-\xE0", "k\u00A0ey", "π≈3.14159", "🔑".repeat(20)];
      for (const text of [...texts, "x".repeat(9000), "a"]) {
        const bytes = new TextEncoder().encode(text);
        const expected = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
        const words = sha256Text(text);
        const got = new Uint8Array(32);
        words.forEach((word, i) => new DataView(got.buffer).setInt32(i * 4, word));
        assert.deepEqual(got, expected, `text of ${text.length} characters`);
      }
    },
  },
  {
    id: "deadlines",
    title:
      "the shared timeout queue fires late deadlines in order, skips stopped ones, leaves no timer",
    only: "in-process",
    run: async () => {
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      const deadlines = new Deadlines(40);
      const fired: string[] = [];
      const a = deadlines.start(() => fired.push("a"));
      const b = deadlines.start(() => fired.push("b"));
      await sleep(15);
      deadlines.start(() => fired.push("c"));
      b.stop();
      b.stop(); // twice is harmless
      await sleep(35); // a is due (40 ms), c is not (55 ms)
      assert.deepEqual(fired, ["a"]);
      await sleep(30);
      assert.deepEqual(fired, ["a", "c"]);
      a.stop(); // after firing: nothing
      // Every deadline stopped before its time: nothing fires, and the queue's
      // timer is cleared with the last one (a timer left behind would hold
      // the process open).
      const clear = globalThis.clearTimeout;
      let clears = 0;
      globalThis.clearTimeout = (id) => {
        clears++;
        clear(id);
      };
      try {
        const many = Array.from(
          { length: 3000 },
          (_, i) => deadlines.start(() => fired.push(`m${i}`)),
        );
        for (const deadline of many.slice(0, -1)) deadline.stop();
        assert.equal(clears, 0, "cleared while a deadline was still live");
        many.at(-1)!.stop();
        assert.equal(clears, 1, "the timer outlived the last deadline");
      } finally {
        globalThis.clearTimeout = clear;
      }
      await sleep(60);
      assert.deepEqual(fired, ["a", "c"]);
      // A deadline started by another's firing still fires.
      const chained = new Deadlines(5);
      await new Promise<void>((resolve) => chained.start(() => chained.start(resolve)));
    },
  },
  {
    id: "config-fail-closed",
    title: "the env handler answers a bad env with a generic 500 and contacts nobody",
    run: async (t) => {
      const before = t.upstream.seen.length;
      const env = { UPSTREAM_URL: t.upstream.origin, PSK_KEYS: `a:${KEY},broken` };
      const errors: unknown[] = [];
      const original = console.error;
      console.error = (...args: unknown[]) => void errors.push(args.join(" "));
      try {
        const request = new Request("http://gw.test/", { headers: { "x-custom-psk": KEY } });
        const response = await handler(request, env);
        assert.equal(response.status, 500);
        assert.equal(await response.text(), "Internal Server Error");
      } finally {
        console.error = original;
      }
      await settle();
      assert.equal(t.upstream.seen.length, before);
      assert.match(String(errors[0]), /"PSK_KEYS": entry 2 has no ":"/);
    },
  },
  {
    id: "config-options",
    title: "createHandler names options, takes KeySpec lists and a custom header",
    run: async (t) => {
      assert.throws(() => createHandler({ keys: `a:${KEY}` }), /"upstream" is not set/);
      assert.throws(
        () => createHandler({ upstream: t.upstream.origin, keys: [] }),
        /"keys" has no keys/,
      );
      // Wrong types and unknown names fail closed instead of falling back to
      // a default ("off" is truthy: bearer would have been switched on).
      const base = { upstream: t.upstream.origin, keys: `a:${KEY}` };
      const refused: [Record<string, unknown>, RegExp][] = [
        [{ bearer: "off" }, /"bearer" must be a boolean/],
        [{ corsPreflight: "on" }, /"corsPreflight" must be a boolean/],
        [{ idHeader: "off" }, /"idHeader" is "off": to send no such header, set it to false/],
        [{ header: 42 }, /"header" must be a string/],
        [{ fetch: "http://x" }, /"fetch" must be a function/],
        [{ throttle: "10/1m" }, /"throttle" must be an object/],
        [{ throttle: { max: 10, windowMs: 1 } }, /"throttle.windowMs" must be a whole number/],
        [{ publicPaths: "/healthz" }, /"publicPaths" must be an array/],
        [{ routeMode: 1 }, /"routeMode" must be a boolean/],
        [{ log: "off" }, /"log" must be an object/],
        [{ PSK_HEADER: "X-Other" }, /"PSK_HEADER" is not an option/],
        [{ keys: 42 }, /"keys" must be a key list string or an array/],
        [{ keys: [null] }, /"keys": entry 1 is not a key object/],
        [{ keys: [{ id: "a", secret: KEY, method: ["GET"] }] }, /unknown field "method"/],
        [{ decoding: "Raw" }, /"decoding" must be "auto", "raw" or a function/],
        [{ throttle: { max: 5, windowMs: 60_000, store: "redis" } }, /"throttle.store" must be/],
      ];
      for (const [extra, message] of refused) {
        assert.throws(
          () => createHandler({ ...base, ...extra } as Parameters<typeof createHandler>[0]),
          (error: unknown) => error instanceof ConfigError && message.test(error.message),
          JSON.stringify(extra),
        );
      }
      const gateway = createHandler({
        upstream: `${t.upstream.origin}/base`,
        keys: [{ id: "a", secret: KEY }],
        header: "X-Api-Key",
      });
      const before = t.upstream.seen.length;
      const denied = await gateway(
        new Request("http://gw.test/", { headers: { "x-custom-psk": KEY } }),
      );
      assertDenied({
        status: denied.status,
        headers: [],
        body: new Uint8Array(await denied.arrayBuffer()),
        complete: true,
      });
      const allowed = await gateway(
        new Request("http://gw.test/c", { headers: { "X-API-KEY": KEY } }),
      );
      assert.equal(allowed.status, 200);
      assert.equal(text(new Uint8Array(await allowed.arrayBuffer())), "ok");
      assert.equal(t.upstream.seen.length, before + 1);
      assert.equal(t.upstream.header(t.upstream.seen[before], "x-api-key"), undefined);
    },
  },
  {
    id: "route-mode",
    title: "route mode forwards to the request's own URL; elsewhere no UPSTREAM_URL is an error",
    run: async (t) => {
      const gateway = createHandler({ keys: `a:${KEY}`, routeMode: true });
      const before = t.upstream.seen.length;
      const request = new Request(`${t.upstream.origin}/routed?q=1`, {
        headers: { "x-custom-psk": KEY },
      });
      assert.equal((await gateway(request)).status, 200);
      assert.equal(t.upstream.seen[before]?.path, "/routed?q=1");
      assert.throws(() => gatewayFromEnv({ PSK_KEYS: `a:${KEY}` }), /"UPSTREAM_URL" is not set/);
    },
  },
];
