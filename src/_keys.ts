// Key parsing and constant-time verification. Only SHA-256 digests are kept:
// a plaintext secret is hashed once and dropped.
import { ConfigError } from "./errors.ts";
import type { KeySpec } from "./types.ts";

const DIGEST_BYTES = 32;
const ID = /^[A-Za-z0-9._~-]{1,64}$/;
// Visible ASCII without ",": a comma would let two header lines, which runtimes
// join with ", ", spell a configured key.
const SECRET = /^[\x21-\x2b\x2d-\x7e]{1,1024}$/;
const HEX_DIGEST = /^[0-9a-fA-F]{64}$/;
const encoder = new TextEncoder();

/** The configured keys: ids, and their digests packed end to end. */
export interface KeyRing {
  readonly ids: readonly string[];
  readonly digests: Uint8Array;
}

/** Parses `PSK_KEYS` syntax (`ID:SECRET` or `ID:sha256:HEX`, comma-separated). */
export function parseKeyList(value: string, name: string): KeySpec[] {
  const entries = value.split(",").map((entry) => entry.trim());
  if (entries.every((entry) => entry === "")) {
    throw new ConfigError(`"${name}" has no keys`);
  }
  return entries.map((entry, index) => {
    const where = `"${name}": entry ${index + 1}`;
    if (entry === "") throw new ConfigError(`Cannot parse ${where} is empty`);
    const colon = entry.indexOf(":");
    if (colon === -1) throw new ConfigError(`Cannot parse ${where} has no ":"`);
    const id = entry.slice(0, colon);
    const rest = entry.slice(colon + 1);
    if (rest.toLowerCase().startsWith("sha256:")) {
      return { id, sha256: rest.slice("sha256:".length) };
    }
    return { id, secret: rest };
  });
}

/** Checks every key and hashes the plaintext ones. Throws {@linkcode ConfigError}. */
export function buildKeyRing(specs: readonly KeySpec[], name: string): Promise<KeyRing> {
  if (specs.length === 0) throw new ConfigError(`"${name}" has no keys`);
  const ids = new Set<string>();
  for (const [index, spec] of specs.entries()) {
    const where = `"${name}": entry ${index + 1}`;
    if (!ID.test(spec.id)) {
      throw new ConfigError(
        `Cannot parse ${where} has an invalid id: use 1-64 letters, digits, ".", "_", "~" or "-"`,
      );
    }
    if (ids.has(spec.id)) {
      throw new ConfigError(`Cannot parse ${where} repeats the id "${spec.id}"`);
    }
    ids.add(spec.id);
    if ("sha256" in spec) {
      if (!HEX_DIGEST.test(spec.sha256)) {
        throw new ConfigError(`Cannot parse ${where}: "sha256:" must be followed by 64 hex digits`);
      }
    } else if (!SECRET.test(spec.secret)) {
      throw new ConfigError(
        `Cannot parse ${where}: the secret must be 1-1024 visible ASCII characters without ","`,
      );
    }
  }
  return hashAll(specs, name);
}

async function hashAll(specs: readonly KeySpec[], name: string): Promise<KeyRing> {
  const digests = new Uint8Array(specs.length * DIGEST_BYTES);
  await Promise.all(specs.map(async (spec, index) => {
    const digest = "sha256" in spec ? fromHex(spec.sha256) : await sha256(spec.secret);
    digests.set(digest, index * DIGEST_BYTES);
  }));
  for (let a = 0; a < specs.length; a++) {
    for (let b = a + 1; b < specs.length; b++) {
      if (equalAt(digests, a, b)) {
        throw new ConfigError(
          `"${name}": keys "${specs[a].id}" and "${specs[b].id}" have the same secret`,
        );
      }
    }
  }
  return { ids: specs.map((spec) => spec.id), digests };
}

/**
 * Returns the id of the key that `presented` matches, or `undefined`. The
 * presented value is hashed and compared with every digest without an early
 * exit, so timing reveals neither which key nor how much of one matched.
 */
export async function verifyKey(presented: string, ring: KeyRing): Promise<string | undefined> {
  const digest = await sha256(presented);
  let match = -1;
  for (let key = 0; key < ring.ids.length; key++) {
    const offset = key * DIGEST_BYTES;
    let diff = 0;
    for (let i = 0; i < DIGEST_BYTES; i++) diff |= digest[i] ^ ring.digests[offset + i];
    match = diff === 0 ? key : match;
  }
  return match === -1 ? undefined : ring.ids[match];
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
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
