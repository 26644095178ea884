// Header hygiene (cases H1-H5) and where requests go (T1-T2).
import type { Case } from "../_fixtures.ts";
import { headerAll } from "../_client.ts";
import { KEY } from "../_fixtures.ts";
import { assert, blocked, keyed, responseHeader, seenHeader, settle, through } from "./_assert.ts";

const HOP_REQUEST: [string, string][] = [
  ["Connection", "keep-alive, X-Hop"],
  ["X-Hop", "1"],
  ["Keep-Alive", "timeout=5"],
  ["TE", "trailers"],
  ["Proxy-Authorization", "Basic Zm9vOmJhcg=="],
  ["Proxy-Connection", "keep-alive"],
  ["Upgrade", "h2c"],
  ["X-Trace", "7"],
];

export const headerCases: Case[] = [
  {
    id: "H1",
    title: "hop-by-hop fields stop at the gateway both ways, with those U's Connection names",
    run: async (t) => {
      const { response, seen } = await through(t, keyed({ target: "/hop", headers: HOP_REQUEST }));
      assert.equal(seenHeader(seen, "x-trace"), "7");
      for (
        const name of ["keep-alive", "te", "proxy-authorization", "proxy-connection", "upgrade"]
      ) {
        assert.equal(seenHeader(seen, name), undefined, `U got ${name}`);
      }
      assert.doesNotMatch(seenHeader(seen, "connection") ?? "", /x-hop|upgrade/i);
      assert.equal(response.status, 200);
      assert.equal(responseHeader(response, "x-up"), "ok");
      assert.equal(responseHeader(response, "x-internal"), undefined, "client got X-Internal");
      assert.equal(
        responseHeader(response, "proxy-authenticate"),
        undefined,
        "client got Proxy-Authenticate",
      );
      // The gateway's server may send its own Keep-Alive for its own connection.
      assert.notEqual(
        responseHeader(response, "keep-alive"),
        "timeout=77, max=9",
        "client got U's Keep-Alive",
      );
    },
  },
  {
    id: "H1-named",
    title: "a request field that the client's Connection names stops at the gateway",
    run: async (t) => {
      const { seen } = await through(t, keyed({ target: "/hop", headers: HOP_REQUEST }));
      assert.equal(seenHeader(seen, "x-hop"), undefined, "U got X-Hop");
      assert.equal(seenHeader(seen, "x-trace"), "7");
    },
  },
  {
    id: "H2",
    title: "a plain GET that asks for a WebSocket upgrade still gets U's answer",
    run: async (t) => {
      const { response, seen } = await through(
        t,
        keyed({
          target: "/h2",
          headers: [["Connection", "Upgrade"], ["Upgrade", "websocket"]],
        }),
      );
      assert.equal(response.status, 200);
      assert.equal(seenHeader(seen, "upgrade"), undefined);
    },
  },
  {
    id: "H3",
    title: "the key in a lower-case header name: 200, and stripped in every casing",
    run: async (t) => {
      const { response } = await through(t, { target: "/h3", headers: [["x-custom-psk", KEY]] });
      assert.equal(response.status, 200);
    },
  },
  {
    id: "H4",
    title: "two Set-Cookie lines, one with an Expires comma, arrive byte-identical and in order",
    run: async (t) => {
      const { response } = await through(t, keyed({ target: "/cookies" }));
      assert.deepEqual(headerAll(response, "set-cookie"), [
        "a=1; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly",
        "b=2; Path=/; Secure",
      ]);
    },
  },
  {
    id: "H5",
    title: "U gets its own authority as Host; the client's travels as X-Forwarded-Host",
    run: async (t) => {
      const { seen } = await through(
        t,
        keyed({ target: "/h5", headers: [["Host", "gw.example"]] }),
      );
      assert.equal(seenHeader(seen, "host"), `127.0.0.1:${t.upstream.port}`);
      assert.equal(seenHeader(seen, "x-forwarded-host"), "gw.example");
    },
  },
  {
    id: "XFF",
    title: "X-Forwarded-For names the connection; a client's forwarding fields are not trusted",
    run: async (t) => {
      const forged: [string, string][] = [
        ["X-Forwarded-For", "203.0.113.9"],
        ["Forwarded", "for=203.0.113.9;host=admin.internal;proto=https"],
        ["X-Real-IP", "203.0.113.9"],
        ["X-Forwarded-Port", "8443"],
        ["X-Forwarded-Prefix", "/admin"],
      ];
      const { seen } = await through(t, keyed({ target: "/xff", headers: forged }));
      const chain = seenHeader(seen, "x-forwarded-for");
      if (t.kind === "http") assert.match(chain ?? "", /^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/);
      else assert.equal(chain, undefined, "no connection address, so no X-Forwarded-For");
      for (const name of ["forwarded", "x-real-ip", "x-forwarded-port", "x-forwarded-prefix"]) {
        assert.equal(seenHeader(seen, name), undefined, `U got the client's ${name}`);
      }
      assert.equal(seenHeader(seen, "x-forwarded-proto"), "http");
      // Behind a trusted proxy (the strict gateway names one), its chain is extended.
      const before = t.upstream.seen.length;
      await t.strict(
        keyed({
          target: "/xff",
          headers: [["X-Forwarded-For", "203.0.113.9"], ["X-Client-IP", "203.0.113.9"]],
        }),
      );
      assert.match(
        seenHeader(t.upstream.seen[before], "x-forwarded-for") ?? "",
        /^203\.0\.113\.9(, |$)/,
      );
    },
  },
  {
    id: "Host",
    title: "a Host that is not a host (a path, a fragment, a port past 65535) gets 400",
    run: async (t) => {
      for (const host of ["gw/admin?", "gw#", "gw:99999", "gw@evil", "a, b"]) {
        const response = await blocked(
          t,
          keyed({ target: "/public/page", headers: [["Host", host]] }),
        );
        assert.equal(response.status, 400, `Host: ${host}`);
      }
    },
  },
  {
    id: "T1",
    title: "an absolute-form request line or a //host path never picks the destination",
    run: async (t) => {
      for (
        const target of [
          `http://127.0.0.1:${t.sentinelPort}/x?y=1`,
          `//127.0.0.1:${t.sentinelPort}/x?y=1`,
        ]
      ) {
        const before = t.upstream.seen.length;
        const response = await t.send(keyed({ target }));
        await settle();
        assert.equal(t.sentinelHits(), 0, "the other port was contacted");
        if (response.status === 400) continue;
        const seen = t.upstream.seen.slice(before);
        assert.equal(seen.length, 1);
        assert.match(seen[0].path, /^\/base\/(\/127\.0\.0\.1:\d+\/)?x\?y=1$/);
      }
    },
  },
  {
    id: "T2",
    title: "the upstream's base path is kept: /a/b?c=d reaches U as /base/a/b?c=d",
    run: async (t) => {
      const { seen } = await through(t, keyed({ target: "/a/b?c=d" }));
      assert.equal(seen.path, "/base/a/b?c=d");
    },
  },
  {
    id: "T3",
    title: "dot segments, plain or percent-encoded, cannot climb out of the base path",
    run: async (t) => {
      for (const target of ["/../../etc/passwd", "/%2e%2e/%2E%2E/x", "/a/./../../b"]) {
        const before = t.upstream.seen.length;
        const response = await t.send(keyed({ target }));
        if (response.status === 400) continue;
        const seen = t.upstream.seen.slice(before);
        assert.equal(seen.length, 1);
        assert.match(seen[0].path, /^\/base\//, `U got ${seen[0].path}`);
      }
    },
  },
  {
    id: "deny-header-only",
    title: "a keyless request with a body is denied before any of it reaches U",
    run: async (t) => {
      const response = await blocked(t, {
        method: "POST",
        target: "/x",
        body: new Uint8Array(1024),
      });
      assert.equal(response.status, 403);
    },
  },
];
