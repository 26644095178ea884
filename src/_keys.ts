// The key ring: SHA-256 digests of the configured keys and their policies.
// A plaintext secret is hashed once and dropped.
import { ConfigError } from "./errors.ts";
import type { CheckedKey } from "./_key_list.ts";
import { sha256Text } from "./_sha256.ts";

// A digest as eight 32-bit words: comparing words takes a quarter of the steps.
const DIGEST_WORDS = 8;

/** What a key may do, besides existing. */
export interface KeyPolicy {
  readonly from?: number;
  readonly until?: number;
  readonly methods?: ReadonlySet<string>;
  readonly paths?: readonly string[];
}

/** The configured keys: ids, policies, and digests packed end to end (as words). */
export interface KeyRing {
  readonly ids: readonly string[];
  readonly policies: readonly KeyPolicy[];
  readonly digests: Int32Array;
}

/** Hashes the checked keys. Throws {@linkcode ConfigError} if two share a secret. */
export function buildKeyRing(keys: readonly CheckedKey[], name: string): KeyRing {
  const digests = new Int32Array(keys.length * DIGEST_WORDS);
  keys.forEach((key, index) => {
    const digest = key.sha256 !== undefined ? fromHex(key.sha256) : sha256Text(key.secret ?? "");
    digests.set(digest, index * DIGEST_WORDS);
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
  const digest = sha256Text(presented);
  const digests = ring.digests;
  let match = -1;
  for (let key = 0; key < ring.ids.length; key++) {
    const offset = key * DIGEST_WORDS;
    let diff = 0;
    for (let i = 0; i < DIGEST_WORDS; i++) diff |= digest[i] ^ digests[offset + i];
    match = diff === 0 ? key : match;
  }
  return match;
}

/** 64 hex digits as eight big-endian words, like {@linkcode sha256Text}'s. */
function fromHex(hex: string): Int32Array {
  const words = new Int32Array(DIGEST_WORDS);
  for (let i = 0; i < DIGEST_WORDS; i++) words[i] = parseInt(hex.slice(i * 8, i * 8 + 8), 16);
  return words;
}

function equalAt(digests: Int32Array, a: number, b: number): boolean {
  for (let i = 0; i < DIGEST_WORDS; i++) {
    if (digests[a * DIGEST_WORDS + i] !== digests[b * DIGEST_WORDS + i]) return false;
  }
  return true;
}
