// The key ring: SHA-256 digests of the configured keys and their policies.
// A plaintext secret is hashed once and dropped.
import { ConfigError } from "./errors.ts";
import type { CheckedKey } from "./_key_list.ts";

const DIGEST_BYTES = 32;
const encoder = new TextEncoder();

/** What a key may do, besides existing. */
export interface KeyPolicy {
  readonly from?: number;
  readonly until?: number;
  readonly methods?: ReadonlySet<string>;
  readonly paths?: readonly string[];
}

/** A SHA-256 implementation: the platform's by default, or a shim's faster one. */
export type Sha256 = (data: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/** The configured keys: ids, policies, and digests packed end to end. */
export interface KeyRing {
  readonly ids: readonly string[];
  readonly policies: readonly KeyPolicy[];
  readonly digests: Uint8Array;
  readonly sha256: Sha256;
}

/** SHA-256 through Web Crypto, available on every runtime. */
export const webSha256: Sha256 = async (data) =>
  new Uint8Array(await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>));

/** Hashes the checked keys. Rejects with {@linkcode ConfigError} if two share a secret. */
export async function buildKeyRing(
  keys: readonly CheckedKey[],
  name: string,
  sha256: Sha256 = webSha256,
): Promise<KeyRing> {
  const digests = new Uint8Array(keys.length * DIGEST_BYTES);
  await Promise.all(keys.map(async (key, index) => {
    const digest = key.sha256 !== undefined
      ? fromHex(key.sha256)
      : await sha256(encoder.encode(key.secret ?? ""));
    digests.set(digest, index * DIGEST_BYTES);
  }));
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
  return { ids: keys.map((key) => key.id), policies, digests, sha256 };
}

/**
 * Returns the index of the key that `presented` matches, or -1. The
 * presented value is hashed and compared with every digest without an early
 * exit, so timing reveals neither which key nor how much of one matched.
 */
export async function verifyKey(presented: string, ring: KeyRing): Promise<number> {
  const digest = await ring.sha256(encoder.encode(presented));
  if (digest.length !== DIGEST_BYTES) return -1;
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
