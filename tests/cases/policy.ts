// Key lifecycle and access policy: identity, validity windows, Bearer,
// scopes, public paths, preflights, throttling, report-only, logs, problem
// bodies. The main gateway runs testEnv, the others strictEnv and reportEnv.
import type { LogEntry } from "../../mod.ts";
import { header, type RawRequest, type RawResponse, text } from "../_client.ts";
import {
  ALL_KEYS,
  type Case,
  CLIENT_IP_HEADER,
  EXPIRED_KEY,
  FUTURE_KEY,
  KEY,
  SCOPED_KEY,
  SUNSET_KEY,
  type Target,
  THROTTLE_MAX,
} from "../_fixtures.ts";
import {
  assert,
  assertDenied,
  blocked,
  eventually,
  keyed,
  seenHeader,
  through,
} from "./_assert.ts";

let serial = 0;
/** Tags a request with a fresh X-Request-Id, to find its log entry. */
function tagged(request: RawRequest): [RawRequest, string] {
  const id = `case-${Date.now().toString(36)}-${serial++}`;
  return [{ ...request, headers: [...(request.headers ?? []), ["X-Request-Id", id]] }, id];
}

async function logOf(t: Target, requestId: string): Promise<LogEntry> {
  await eventually(() => t.logs().some((entry) => entry.requestId === requestId), 3000);
  const entry = t.logs().find((e) => e.requestId === requestId);
  assert.ok(entry, `no log entry for ${requestId}`);
  return entry;
}

const from = (ip: string, key?: string): RawRequest => ({
  target: "/throttle",
  headers: [[CLIENT_IP_HEADER, ip], ...(key ? [["X-Custom-PSK", key] as [string, string]] : [])],
});

export const policyCases: Case[] = [
  {
    id: "P-identity",
    title: "U learns the matched key's id; a client-sent id never survives",
    run: async (t) => {
      const forged: RawRequest = { target: "/id", headers: [["X-PSK-Key-Id", "admin"]] };
      const { seen } = await through(t, keyed(forged));
      assert.equal(seenHeader(seen, "x-psk-key-id"), "alpha");
      const open = await through(t, { ...forged, target: "/healthz" });
      assert.equal(seenHeader(open.seen, "x-psk-key-id"), undefined);
      const renamed = await t.strict({
        target: "/id",
        headers: [["X-Custom-PSK", KEY], ["X-Key", "admin"], [CLIENT_IP_HEADER, "192.0.2.40"]],
      });
      assert.equal(renamed.status, 200);
      const last = t.upstream.seen[t.upstream.seen.length - 1];
      assert.equal(seenHeader(last, "x-key"), "alpha", "PSK_ID_HEADER was not honoured");
    },
  },
  {
    id: "P-window",
    title: "an expired or not-yet-valid key is denied like a wrong one; the log says which",
    run: async (t) => {
      for (
        const [key, reason, id] of [[EXPIRED_KEY, "key_expired", "expired"], [
          FUTURE_KEY,
          "key_not_yet_valid",
          "future",
        ]]
      ) {
        const [request, requestId] = tagged(keyed({ target: "/window" }, key));
        assertDenied(await blocked(t, request));
        const entry = await logOf(t, requestId);
        assert.equal(entry.reason, reason);
        assert.equal(entry.keyId, id);
        assert.equal(entry.outcome, "denied");
      }
    },
  },
  {
    id: "P-sunset",
    title: "a key near its end gets Deprecation and Sunset on every response; others none",
    run: async (t) => {
      const { response } = await through(t, keyed({ target: "/sunset" }, SUNSET_KEY));
      assert.equal(response.status, 200);
      assert.match(header(response, "deprecation") ?? "", /^@\d{10}$/);
      const sunset = Date.parse(header(response, "sunset") ?? "");
      assert.ok(
        sunset > Date.now() && sunset < Date.now() + 2 * 86_400_000,
        "Sunset is not tomorrow",
      );
      const plain = await through(t, keyed({ target: "/sunset" }));
      assert.equal(header(plain.response, "deprecation"), undefined);
    },
  },
  {
    id: "P-bearer",
    title: "Authorization: Bearer carries a key; two places or two tokens are denied",
    run: async (t) => {
      for (const scheme of ["Bearer", "bearer", "BEARER"]) {
        const { response, seen } = await through(t, {
          target: "/b",
          headers: [["Authorization", `${scheme} ${KEY}`]],
        });
        assert.equal(response.status, 200);
        assert.equal(seenHeader(seen, "authorization"), undefined, "U got the Bearer key");
      }
      const denials: [string, string][][] = [
        [["Authorization", `Bearer ${KEY} extra`]],
        [["Authorization", `Bearer ${KEY}`], ["X-Custom-PSK", KEY]],
        [["Authorization", `Bearer ${SCOPED_KEY}`], ["X-Custom-PSK", KEY]],
        [["Authorization", "Bearer wrong-key-wrong-key-wrong-key"]],
      ];
      for (const headers of denials) assertDenied(await blocked(t, { target: "/b", headers }));
      const basic = await through(
        t,
        keyed({ target: "/b", headers: [["Authorization", "Basic dTpw"]] }),
      );
      assert.equal(
        seenHeader(basic.seen, "authorization"),
        "Basic dTpw",
        "another scheme is the upstream's",
      );
    },
  },
  {
    id: "P-scope",
    title: "a scoped key works only for its methods and paths, however the path is spelled",
    run: async (t) => {
      for (
        const target of ["/public/x", "/status", "/status/y", "/admin/../public/z", "/public/%78"]
      ) {
        const { response } = await through(t, keyed({ target }, SCOPED_KEY));
        assert.equal(response.status, 200, target);
      }
      const outside = [
        { target: "/admin" },
        { target: "/statusx" },
        { target: "/public" },
        { target: "/public/..%2Fadmin" },
        { target: "/public%2F..%2Fadmin" },
        { target: "/public/%2e%2e/admin" },
        { target: "/public/..%5Cadmin" },
        { target: "/public//x" },
        { method: "POST", target: "/public/x", body: new Uint8Array(3) },
      ];
      for (const request of outside) {
        const [tagged_, requestId] = tagged(keyed(request, SCOPED_KEY));
        const response = await t.send(tagged_);
        const entry = await logOf(t, requestId);
        if (response.status === 400) continue; // the runtime refused the path itself
        assertDenied(response);
        assert.equal(entry.reason, "out_of_scope", request.target);
        assert.equal(entry.keyId, "scoped");
      }
    },
  },
  {
    id: "P-public",
    title: "public paths need no key, exactly as configured, and nothing else does",
    run: async (t) => {
      for (const target of ["/healthz", "/docs/a", "/docs/a/b?x=1", "/%68ealthz"]) {
        const { response, seen } = await through(t, { target });
        assert.equal(response.status, 200, target);
        assert.equal(seenHeader(seen, "x-psk-key-id"), undefined);
      }
      for (
        const target of [
          "/healthz/x",
          "/healthzx",
          "/docs",
          "/healthz%2F..%2Fadmin",
          "/docs/..%2Fadmin",
        ]
      ) {
        const response = await blocked(t, { target });
        if (response.status !== 400) assertDenied(response);
      }
    },
  },
  {
    id: "P-preflight",
    title: "with CORS preflights on, a real preflight passes keyless; nothing else does",
    run: async (t) => {
      const preflight = [["Origin", "http://app.test"], [
        "Access-Control-Request-Method",
        "PUT",
      ]] as [string, string][];
      const before = t.upstream.seen.length;
      const response = await t.strict({
        method: "OPTIONS",
        target: "/cors",
        headers: [...preflight, [CLIENT_IP_HEADER, "192.0.2.50"]],
      });
      assert.equal(response.status, 200);
      assert.equal(t.upstream.seen.length, before + 1);
      assert.equal(t.upstream.seen[before].method, "OPTIONS");
      for (
        const request of [
          { method: "OPTIONS", target: "/cors", headers: [preflight[0]] },
          { method: "GET", target: "/cors", headers: preflight },
        ]
      ) {
        const denied = await t.strict({
          ...request,
          headers: [...request.headers, [CLIENT_IP_HEADER, "192.0.2.51"]],
        });
        assert.equal(denied.status, 403);
      }
      assert.equal(t.upstream.seen.length, before + 1);
    },
  },
  {
    id: "P-throttle",
    title: "failures past the budget get 429 and Retry-After; a valid key never does",
    run: async (t) => {
      const before = t.upstream.seen.length;
      for (let i = 0; i < THROTTLE_MAX; i++) {
        assert.equal((await t.strict(from("198.51.100.7", "wrong"))).status, 403);
      }
      const [request, requestId] = tagged(from("198.51.100.7", "wrong"));
      const throttled = await t.strict(request);
      assert.equal(throttled.status, 429);
      const retry = Number(header(throttled, "retry-after"));
      assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 60, `Retry-After ${retry}`);
      assert.equal(t.upstream.seen.length, before, "a failure reached U");
      assert.equal(
        (await t.strict(from("198.51.100.7", KEY))).status,
        200,
        "a valid key was throttled",
      );
      assert.equal(
        (await t.strict(from("198.51.100.8", "wrong"))).status,
        403,
        "another client was throttled",
      );
      const entry = await logOf(t, requestId);
      assert.equal(entry.outcome, "throttled");
      assert.equal(entry.client, "198.51.100.7");
      // IPv6 counts per /64.
      for (let i = 0; i < THROTTLE_MAX; i++) {
        await t.strict(from(`2001:db8:1:2::${i + 1}`, "wrong"));
      }
      assert.equal((await t.strict(from("2001:db8:1:2:ffff::9", "wrong"))).status, 429);
      assert.equal((await t.strict(from("2001:db8:1:3::1", "wrong"))).status, 403);
    },
  },
  {
    id: "P-report",
    title: "report-only forwards what it would deny, logs why, still strips the key",
    run: async (t) => {
      const before = t.upstream.seen.length;
      const [request, requestId] = tagged({
        target: "/report",
        headers: [["X-Custom-PSK", "wrong-key"]],
      });
      const response = await t.report(request);
      assert.equal(response.status, 200);
      assert.equal(t.upstream.seen.length, before + 1);
      assert.equal(seenHeader(t.upstream.seen[before], "x-custom-psk"), undefined);
      assert.equal(seenHeader(t.upstream.seen[before], "x-psk-key-id"), undefined);
      const entry = await logOf(t, requestId);
      assert.equal(entry.outcome, "would_deny");
      assert.equal(entry.reason, "invalid_key");
      // A Bearer key that would be denied (wrong, or beside the header) never
      // reaches U either.
      for (
        const headers of [
          [["Authorization", "Bearer wrong-key"]],
          [["Authorization", `Bearer ${KEY}`], ["X-Custom-PSK", KEY]],
        ] as [string, string][][]
      ) {
        const at = t.upstream.seen.length;
        assert.equal((await t.report({ target: "/report", headers })).status, 200);
        assert.equal(seenHeader(t.upstream.seen[at], "authorization"), undefined);
        assert.equal(seenHeader(t.upstream.seen[at], "x-custom-psk"), undefined);
      }
    },
  },
  {
    id: "P-report-methods",
    title: "report-only never forwards TRACE, keyed or not: 405, U never contacted",
    only: "http",
    run: async (t) => {
      const before = t.upstream.seen.length;
      for (const headers of [[], [["X-Custom-PSK", "wrong-key"]]] as [string, string][][]) {
        const response = await t.report({ method: "TRACE", target: "/report", headers });
        assert.equal(response.status, 405);
      }
      assert.equal(t.upstream.seen.length, before);
    },
  },
  {
    id: "P-problem",
    title: "deny bodies are problem+json when asked for or configured, naming no key",
    run: async (t) => {
      const asked = await blocked(t, {
        target: "/p",
        headers: [["Accept", "application/json"], ["X-Custom-PSK", SCOPED_KEY.slice(1)]],
      });
      assertProblem(asked, 403, "invalid_key");
      const configured = await t.strict({
        target: "/p",
        headers: [[CLIENT_IP_HEADER, "192.0.2.60"]],
      });
      assertProblem(configured, 403, "invalid_key");
      const plain = await blocked(t, { target: "/p", headers: [["Accept", "text/html"]] });
      assertDenied(plain);
    },
  },
  {
    id: "P-log",
    title: "one JSON line per request, with no key, query or header value in it",
    run: async (t) => {
      const [request, requestId] = tagged(keyed({ target: `/logged?token=${KEY}` }));
      await through(t, request);
      const entry = await logOf(t, requestId);
      assert.equal(entry.method, "GET");
      assert.equal(entry.path, "/logged");
      assert.equal(entry.status, 200);
      assert.equal(entry.outcome, "allowed");
      assert.equal(entry.keyId, "alpha");
      assert.equal(entry.upstreamStatus, 200);
      assert.ok(Number.isFinite(entry.durationMs) && entry.durationMs >= 0);
      assert.ok(!Number.isNaN(Date.parse(entry.time)));
      const all = JSON.stringify(t.logs());
      for (const key of ALL_KEYS) assert.ok(!all.includes(key), "a key is in the log");
    },
  },
];

function assertProblem(response: RawResponse, status: number, code: string) {
  assert.equal(response.status, status);
  assert.equal(header(response, "content-type"), "application/problem+json");
  const body = JSON.parse(text(response.body));
  assert.equal(body.status, status);
  assert.equal(body.code, code);
  for (const word of ["alpha", "beta", "scoped", "expired"]) {
    assert.ok(!text(response.body).includes(word));
  }
}
