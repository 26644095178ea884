// Who may pass: public paths, CORS preflights, then the key and its policy.
import type { Config } from "./_config.ts";
import { readCredential } from "./_credentials.ts";
import { type KeyPolicy, verifyKey } from "./_keys.ts";
import { canonicalPath, matchesRule, underPrefix } from "./_paths.ts";

export type Reason =
  | "missing_key"
  | "invalid_key"
  | "conflicting_keys"
  | "key_not_yet_valid"
  | "key_expired"
  | "out_of_scope";

export type Decision =
  | { readonly allow: true; readonly outcome: "public" | "preflight" }
  | {
    readonly allow: true;
    readonly outcome: "allowed";
    readonly keyId: string;
    readonly policy: KeyPolicy;
    readonly fromBearer: boolean;
  }
  | { readonly allow: false; readonly reason: Reason; readonly keyId?: string };

/** Decides whether `request` may reach the upstream, and under which key. */
export function decide(request: Request, pathname: string, config: Config): Decision {
  const keys = config.keys;
  if (config.publicPaths.length > 0) {
    const path = canonicalPath(pathname);
    if (path !== undefined && config.publicPaths.some((rule) => matchesRule(path, rule))) {
      return { allow: true, outcome: "public" };
    }
  }
  if (config.corsPreflight && isPreflight(request)) return { allow: true, outcome: "preflight" };

  const credential = readCredential(request.headers, config.header, config.bearer);
  if (credential.kind === "none") return { allow: false, reason: "missing_key" };
  if (credential.kind === "conflict") return { allow: false, reason: "conflicting_keys" };
  if (credential.kind === "malformed") return { allow: false, reason: "invalid_key" };
  const index = verifyKey(credential.value, keys);
  if (index === -1) return { allow: false, reason: "invalid_key" };

  const keyId = keys.ids[index];
  const policy = keys.policies[index];
  const now = Date.now();
  // Outside its window a key is denied exactly like a wrong one; only the log
  // tells the difference.
  if (policy.from !== undefined && now < policy.from) {
    return { allow: false, reason: "key_not_yet_valid", keyId };
  }
  if (policy.until !== undefined && now >= policy.until) {
    return { allow: false, reason: "key_expired", keyId };
  }
  if (!inScope(request.method, pathname, policy)) {
    return { allow: false, reason: "out_of_scope", keyId };
  }
  return { allow: true, outcome: "allowed", keyId, policy, fromBearer: credential.fromBearer };
}

function inScope(method: string, pathname: string, policy: KeyPolicy): boolean {
  if (policy.methods !== undefined && !policy.methods.has(method.toUpperCase())) return false;
  if (policy.paths === undefined) return true;
  const path = canonicalPath(pathname);
  return path !== undefined && policy.paths.some((prefix) => underPrefix(path, prefix));
}

/** A real CORS preflight (Fetch standard §3.2.2), not merely an OPTIONS. */
function isPreflight(request: Request): boolean {
  return request.method === "OPTIONS" && request.headers.has("origin") &&
    request.headers.has("access-control-request-method");
}
