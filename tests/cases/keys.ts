// The key itself: who gets in, and that nobody else does (cases K1-K3).
import type { Case } from "../_fixtures.ts";
import { HASHED_KEY, KEY } from "../_fixtures.ts";
import { assert, assertDenied, blocked, keyed, through } from "./_assert.ts";

const latin1 = (value: string) => Uint8Array.from(value, (c) => c.charCodeAt(0));

export const keyCases: Case[] = [
  {
    id: "allow",
    title: "a configured key gets the request through, and U never sees the key",
    run: async (t) => {
      const { response, seen } = await through(t, keyed({ target: "/base-check" }));
      assert.equal(response.status, 200);
      assert.equal(seen.path, "/base/base-check");
    },
  },
  {
    id: "allow-hashed",
    title: "a key configured as ID:sha256:HEX is accepted",
    run: async (t) => {
      const { response } = await through(t, keyed({ target: "/" }, HASHED_KEY));
      assert.equal(response.status, 200);
    },
  },
  {
    id: "deny-missing",
    title: "no key: 403 with the seed's body, U never contacted",
    run: async (t) => assertDenied(await blocked(t, { target: "/x" })),
  },
  {
    id: "K1",
    title: "near-miss keys get 403, never 500: other bytes, 8 KiB, empty, prefix, suffix",
    run: async (t) => {
      const nearMisses: (string | Uint8Array)[] = [
        latin1(KEY.slice(0, -1) + "\xe0"), // same JS length, another byte length
        "k".repeat(8192),
        "",
        KEY.slice(0, 1),
        KEY.slice(0, -1),
        KEY + "x",
        KEY.toUpperCase(),
        latin1(`\xa0${KEY}\xa0`), // no-break spaces are not HTTP whitespace
        HASHED_KEY.slice(0, -1),
        "fb9c582005f28271a5ff4d9bfee26a3170fe6bacb26616be96d38647228c9f12", // the digest itself
      ];
      for (const value of nearMisses) {
        assertDenied(await blocked(t, { target: "/x", headers: [["X-Custom-PSK", value]] }));
      }
    },
  },
  {
    id: "K1-lines",
    title: "the key in two header lines, or after a comma, is not a key",
    run: async (t) => {
      const twice = await blocked(t, {
        target: "/x",
        headers: [["X-Custom-PSK", KEY], ["X-Custom-PSK", KEY]],
      });
      assertDenied(twice);
      assertDenied(await blocked(t, { target: "/x", headers: [["X-Custom-PSK", `${KEY},`]] }));
      assertDenied(await blocked(t, { target: "/x", headers: [["X-Custom-PSK", `x, ${KEY}`]] }));
    },
  },
  {
    id: "K2",
    title: "header name in any case, value padded with spaces or a tab: accepted",
    run: async (t) => {
      for (const [name, value] of [["x-CUSTOM-psk", KEY], ["X-Custom-PSK", `  ${KEY}\t`]]) {
        const { response } = await through(t, { target: "/k2", headers: [[name, value]] });
        assert.equal(response.status, 200);
      }
    },
  },
  {
    id: "K3",
    title: "OPTIONS without the key is denied; with the key it is forwarded",
    run: async (t) => {
      const preflight = {
        method: "OPTIONS",
        target: "/x",
        headers: [["Origin", "http://app.test"], ["Access-Control-Request-Method", "POST"]],
      } satisfies Parameters<typeof keyed>[0];
      assertDenied(await blocked(t, preflight));
      const { response, seen } = await through(t, keyed(preflight));
      assert.equal(response.status, 200);
      assert.equal(seen.method, "OPTIONS");
    },
  },
  {
    id: "methods",
    title: "TRACE is never forwarded, with or without the key",
    only: "http",
    run: async (t) => {
      assertDenied(await blocked(t, { method: "TRACE", target: "/x" }));
      const keyedTrace = await blocked(t, keyed({ method: "TRACE", target: "/x" }));
      assert.ok(keyedTrace.status >= 400, `TRACE answered ${keyedTrace.status}`);
    },
  },
];
