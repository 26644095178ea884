// PSK_KEYS syntax and the checks every configured key goes through.
//   ID:SECRET[;from=DATE][;until=DATE][;methods=GET|HEAD][;paths=/a|/b/]
//   ID:sha256:HEX[;...]
// or a JSON array of KeySpec objects.
import { ConfigError } from "./errors.ts";
import { isConfigPath } from "./_paths.ts";
import type { KeySpec } from "./types.ts";

// A key's limits: `;name=value` parameters in the string form, fields in a
// key object (KeySpec) beside its id and credential.
const LIMITS = ["from", "until", "methods", "paths"];
const KEY_FIELDS = new Set(["id", "secret", "sha256", ...LIMITS]);
const ID = /^[A-Za-z0-9._~-]{1,64}$/;
// Visible ASCII without "," (two header lines join with ", ", so no key may
// contain one) and without ";" (it starts a parameter).
const SECRET = /^[\x21-\x2b\x2d-\x3a\x3c-\x7e]{1,1024}$/;
const HEX_DIGEST = /^[0-9a-fA-F]{64}$/;
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z)?$/;
const MIN_SECRET_LENGTH = 22; // 128 bits as base64url
// Example values from docs and tutorials, the seed's among them.
const KNOWN_WEAK = [
  "mypresharedkey",
  "presharedkey",
  "changeme",
  "password",
  "passw0rd",
  "example",
  "123456",
  "qwerty",
  "letmein",
];

/** A key with its policy resolved to numbers and sets. */
export interface CheckedKey {
  readonly id: string;
  readonly secret?: string;
  readonly sha256?: string;
  readonly from?: number;
  readonly until?: number;
  readonly methods?: ReadonlySet<string>;
  readonly paths?: readonly string[];
}

/** Parses `PSK_KEYS` syntax into specs; the checks come after. */
export function parseKeyList(value: string, name: string): KeySpec[] {
  if (value.trimStart().startsWith("[")) return parseJson(value, name);
  const entries = value.split(",").map((entry) => entry.trim());
  if (entries.every((entry) => entry === "")) throw new ConfigError(`"${name}" has no keys`);
  return entries.map((entry, index) => {
    const where = `"${name}": entry ${index + 1}`;
    if (entry === "") throw new ConfigError(`Cannot parse ${where} is empty`);
    const [credential, ...params] = entry.split(";").map((part) => part.trim());
    const colon = credential.indexOf(":");
    if (colon === -1) throw new ConfigError(`Cannot parse ${where} has no ":"`);
    const id = credential.slice(0, colon);
    const rest = credential.slice(colon + 1);
    const spec: Record<string, unknown> = rest.toLowerCase().startsWith("sha256:")
      ? { id, sha256: rest.slice("sha256:".length) }
      : { id, secret: rest };
    for (const param of params) {
      const [key, ...value] = param.split("=");
      if (!LIMITS.includes(key) || value.length === 0) {
        // Never echo it: a ";" inside a secret makes its tail look like a parameter.
        throw new ConfigError(
          `Cannot parse ${where} has an unknown parameter: use ${
            LIMITS.map((limit) => `${limit}=`).join(", ")
          } (and no ";" in a secret)`,
        );
      }
      const text = value.join("=");
      spec[key] = key === "methods" || key === "paths" ? text.split("|") : text;
    }
    return spec as KeySpec;
  });
}

function parseJson(value: string, name: string): KeySpec[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new ConfigError(`Cannot parse "${name}": it starts with "[" but is not valid JSON`);
  }
  if (!Array.isArray(parsed) || !parsed.every((item) => item && typeof item === "object")) {
    throw new ConfigError(`Cannot parse "${name}": the JSON form must be an array of key objects`);
  }
  return parsed as KeySpec[];
}

/** Checks each key; throws {@linkcode ConfigError} naming the entry and what is wrong, never the secret. */
export function checkKeys(specs: readonly KeySpec[], name: string): CheckedKey[] {
  if (!Array.isArray(specs)) {
    throw new ConfigError(`"${name}" must be a key list string or an array of key objects`);
  }
  if (specs.length === 0) throw new ConfigError(`"${name}" has no keys`);
  const ids = new Set<string>();
  return specs.map((spec, index) => {
    const where = `"${name}": entry ${index + 1}`;
    if (typeof spec !== "object" || spec === null) {
      throw new ConfigError(`Cannot parse ${where} is not a key object`);
    }
    // A misspelt limit ("path" for "paths") must not leave the key unlimited.
    const unknown = Object.keys(spec).find((field) => !KEY_FIELDS.has(field));
    if (unknown !== undefined) {
      throw new ConfigError(
        `Cannot parse ${where} has an unknown field "${unknown}": use ${
          [...KEY_FIELDS].join(", ")
        }`,
      );
    }
    if (typeof spec.id !== "string" || !ID.test(spec.id)) {
      throw new ConfigError(
        `Cannot parse ${where} has an invalid id: use 1-64 letters, digits, ".", "_", "~" or "-"`,
      );
    }
    if (ids.has(spec.id)) {
      throw new ConfigError(`Cannot parse ${where} repeats the id "${spec.id}"`);
    }
    ids.add(spec.id);
    return { id: spec.id, ...checkCredential(spec, where), ...checkPolicy(spec, where) };
  });
}

function checkCredential(spec: KeySpec, where: string): { secret?: string; sha256?: string } {
  if ("sha256" in spec) {
    if (typeof spec.sha256 !== "string" || !HEX_DIGEST.test(spec.sha256)) {
      throw new ConfigError(`Cannot parse ${where}: "sha256:" must be followed by 64 hex digits`);
    }
    return { sha256: spec.sha256 };
  }
  const secret = (spec as { secret?: unknown }).secret;
  if (secret === undefined) {
    throw new ConfigError(`Cannot parse ${where} has neither "secret" nor "sha256"`);
  }
  if (typeof secret !== "string" || !SECRET.test(secret)) {
    throw new ConfigError(
      `Cannot parse ${where}: the secret must be 1-1024 visible ASCII characters without "," or ";"`,
    );
  }
  const weakness = weaknessOf(secret);
  if (weakness) {
    throw new ConfigError(
      `${where} ("${spec.id}") has a weak secret: ${weakness}; make one with "npm run keygen"`,
    );
  }
  return { secret };
}

/** Why a plaintext secret is too weak to accept, if it is. */
export function weaknessOf(secret: string): string | undefined {
  if (secret.length < MIN_SECRET_LENGTH) {
    return `it is shorter than ${MIN_SECRET_LENGTH} characters (128 bits)`;
  }
  if (new Set(secret).size < 10) return "it repeats too few characters";
  const lower = secret.toLowerCase();
  if (KNOWN_WEAK.some((weak) => lower.includes(weak))) {
    return "it contains a well-known example value";
  }
  return undefined;
}

function checkPolicy(spec: KeySpec, where: string) {
  const from = instant(spec.from, `${where}: "from"`);
  const until = instant(spec.until, `${where}: "until"`);
  if (from !== undefined && until !== undefined && from >= until) {
    throw new ConfigError(`Cannot parse ${where}: "from" must be before "until"`);
  }
  let methods: Set<string> | undefined;
  if (spec.methods !== undefined) {
    if (
      !Array.isArray(spec.methods) ||
      !spec.methods.every((m) => typeof m === "string" && METHOD.test(m))
    ) {
      throw new ConfigError(
        `Cannot parse ${where}: "methods" must list method names, e.g. GET|HEAD`,
      );
    }
    methods = new Set(spec.methods.map((m) => m.toUpperCase()));
  }
  if (
    spec.paths !== undefined &&
    (!Array.isArray(spec.paths) ||
      !spec.paths.every((p) => typeof p === "string" && isConfigPath(p)))
  ) {
    throw new ConfigError(
      `Cannot parse ${where}: "paths" must list absolute paths without dot segments, e.g. /api/|/status`,
    );
  }
  return { from, until, methods, paths: spec.paths ? [...spec.paths] : undefined };
}

function instant(value: string | Date | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const time = value instanceof Date ? value.getTime() : DATE.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) {
    throw new ConfigError(
      `Cannot parse ${what} must be a UTC date like 2026-07-01 or 2026-07-01T12:00Z`,
    );
  }
  return time;
}
