// Path matching for scopes and public paths. Matching happens on a canonical
// form, and a path with no single canonical form matches nothing, so that
// "/public/..%2Fadmin" or "/admin%5C..%5Cpublic" can neither escape a scope
// nor pass as public, whatever the upstream makes of it.

/**
 * The request path percent-decoded, or `undefined` when decoding could change
 * which resource it names: an encoded "/" or "\" forming dot segments, empty
 * segments, backslashes, NUL, or bad escapes. The URL parser has already
 * resolved plain and %2e dot segments.
 */
export function canonicalPath(pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (/[\\\0]/.test(decoded) || decoded.includes("//")) return undefined;
  if (decoded.split("/").some((segment) => segment === "." || segment === "..")) return undefined;
  return decoded;
}

/**
 * True when `path` lies under `prefix`: "/api" covers "/api" and "/api/x" but
 * not "/apix"; "/api/" covers "/api/x" only.
 */
export function underPrefix(path: string, prefix: string): boolean {
  if (prefix.endsWith("/")) return path.startsWith(prefix);
  return path === prefix || path.startsWith(prefix + "/");
}

/** A parsed public-path rule: exact, or a prefix written with a trailing "*". */
export interface PathRule {
  readonly path: string;
  readonly prefix: boolean;
}

export function matchesRule(path: string, rule: PathRule): boolean {
  return rule.prefix ? path.startsWith(rule.path) : path === rule.path;
}

/** Checks a configured path: absolute and already canonical. */
export function isConfigPath(path: string): boolean {
  return path.startsWith("/") && canonicalPath(path) === path && !/[?#]/.test(path);
}
