// The key ring: SHA-256 digests of the configured keys and their policies.
// A plaintext secret is hashed once and dropped.
import { ConfigError } from "./errors.ts";
import type { CheckedKey } from "./_key_list.ts";
import { sha256 } from "./_sha256.ts";

const DIGEST_BYTES = 32;
const encoder = new TextEncoder();

/** What a key may do, besides existing. */
export interface KeyPolicy {
  readonly from?: number;
  readonly until?: number;
  readonly methods?: ReadonlySet<string>;
  readonly paths?: readonly string[];
}

/** The configured keys: ids, policies, and digests packed end to end. */
export interface KeyRing {
  readonly ids: readonly string[];
  readonly policies: readonly KeyPolicy[];
  readonly digests: Uint8Array;
}

/** Hashes the checked keys. Throws {@linkcode ConfigError} if two share a secret. */
export function buildKeyRing(keys: readonly CheckedKey[], name: string): KeyRing {
  const digests = new Uint8Array(keys.length * DIGEST_BYTES);
  keys.forEach((key, index) => {
    const digest = key.sha256 !== undefined
      ? fromHex(key.sha256)
      : sha256(encoder.encode(key.secret ?? ""));
    digests.set(digest, index * DIGEST_BYTES);
  });
  for (let a = 0; a < keys.length; a++) {
    for (let b = a + 1; b < keys.length; b++) {
      if (equalAt(digests, a, b)) {
        throw new ConfigError(
          `"${name}": keys "${keys[a].id}" and "${keys[b].id}" have the same secret`,
        );
      }
    }
  }
  const policies = keys.map(({ from, until, methods, paths }) => ({ from, until, methods, paths }));
  return { ids: keys.map((key) => key.id), policies, digests };
}

/**
 * Returns the index of the key that `presented` matches, or -1. The
 * presented value is hashed and compared with every digest without an early
 * exit, so timing reveals neither which key nor how much of one matched.
 */
export function verifyKey(presented: string, ring: KeyRing): number {
  const digest = sha256(encoder.encode(presented));
  let match = -1;
  for (let key = 0; key < ring.ids.length; key++) {
    const offset = key * DIGEST_BYTES;
    let diff = 0;
    for (let i = 0; i < DIGEST_BYTES; i++) diff |= digest[i] ^ ring.digests[offset + i];
    match = diff === 0 ? key : match;
  }
  return match;
}

function fromHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(DIGEST_BYTES);
  for (let i = 0; i < DIGEST_BYTES; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function equalAt(digests: Uint8Array, a: number, b: number): boolean {
  for (let i = 0; i < DIGEST_BYTES; i++) {
    if (digests[a * DIGEST_BYTES + i] !== digests[b * DIGEST_BYTES + i]) return false;
  }
  return true;
}
