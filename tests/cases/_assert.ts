// Assertions shared by the cases.
import assert from "node:assert/strict";
import { header, type RawRequest, type RawResponse, text } from "../_client.ts";
import { HASHED_KEY, KEY, type Target } from "../_fixtures.ts";
import type { Seen } from "../_upstream.ts";

export { assert };

/** The request with the key added in the default header. */
export function keyed(request: RawRequest, key = KEY): RawRequest {
  return { ...request, headers: [...(request.headers ?? []), ["X-Custom-PSK", key]] };
}

/** Sends `request` and returns what U saw of it (exactly one request). */
export async function through(t: Target, request: RawRequest) {
  const before = t.upstream.seen.length;
  const response = await t.send(request);
  const seen = t.upstream.seen.slice(before);
  assert.equal(seen.length, 1, `U saw ${seen.length} requests, expected 1`);
  assertNoKey(t, response, seen[0]);
  return { response, seen: seen[0] };
}

/** Sends `request` and checks that U never heard of it. */
export async function blocked(t: Target, request: RawRequest): Promise<RawResponse> {
  const before = t.upstream.seen.length;
  const response = await t.send(request);
  await settle();
  assert.equal(t.upstream.seen.length, before, "U was contacted");
  return response;
}

export function assertDenied(response: RawResponse): void {
  assert.equal(response.status, 403);
  assert.equal(text(response.body), "Sorry, you have supplied an invalid key.");
}

/** No key, in any header name or value U saw, nor anywhere in the response. */
export function assertNoKey(t: Target, response: RawResponse, seen: Seen): void {
  for (const [name, value] of seen.rawHeaders) {
    assert.notEqual(name.toLowerCase(), "x-custom-psk", "U saw the key header");
    for (const key of [KEY, HASHED_KEY]) {
      assert.ok(!value.includes(key), `U saw the key in ${name}`);
    }
  }
  const wire = response.headers.map(([n, v]) => `${n}: ${v}`).join("\n") + text(response.body);
  for (const key of [KEY, HASHED_KEY]) assert.ok(!wire.includes(key), "the response holds the key");
  void t;
}

/** A gateway error: short, plain, with no stack, address or path in it. */
export function assertQuiet(response: RawResponse, status: number): void {
  assert.equal(response.status, status);
  const body = text(response.body);
  assert.ok(body.length < 64, `error body is ${body.length} bytes`);
  assert.doesNotMatch(body, /\bat |127\.0\.0\.1|localhost|invalid\b|:\d{2,5}\b|\/base|Error/);
}

export function seenHeader(seen: Seen, name: string): string | undefined {
  return seen.rawHeaders.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
}

export const responseHeader = header;

/** Gives a connection that should not happen a moment to show up. */
export const settle = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds or `ms` pass. */
export async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await settle(25);
  }
  return check();
}
