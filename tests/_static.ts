// Checks that need no gateway: portability, format, lint, types, docs, publish.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { weaknessOf } from "../src/_key_list.ts";
import type { Result } from "./_harness.ts";
import { run, RUNTIMES } from "./_spawn.ts";

// Anything that ties code to one runtime. Portable code may use Web APIs only.
const RUNTIME_REFERENCE = [
  /\b(Deno|Bun|process|Buffer|require)\s*[.(]/,
  /\bglobalThis\s*\.\s*(Deno|Bun|process|Buffer)\b/,
  /\bfrom\s+["'](node:|bun|cloudflare:|@cloudflare\/|npm:|jsr:)/,
  /\bimport\s*\(\s*["'](node:|bun|cloudflare:)/,
  /\b__dirname\b|\b__filename\b/,
];

/** Lines of `source` (comments excluded) that reference a runtime. */
export function findRuntimeReferences(source: string): string[] {
  return source.split("\n")
    .filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line))
    .filter((line) => RUNTIME_REFERENCE.some((pattern) => pattern.test(line)));
}

/** The portable files: the library entry and everything under src/. */
export function portableFiles(): string[] {
  const src = readdirSync("src", { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => `src/${file}`);
  return ["mod.ts", ...src];
}

function portability(): Result {
  const offenders = portableFiles().flatMap((file) =>
    findRuntimeReferences(readFileSync(file, "utf8")).map((line) => `${file}: ${line.trim()}`)
  );
  // The check must be able to fail: it has to catch these.
  const samples = [
    'import http from "node:http";',
    "const env = Deno.env.toObject();",
    "Bun.serve({})",
    "process.exit(1)",
  ];
  const blind = samples.filter((sample) => findRuntimeReferences(sample).length === 0);
  const error = [...offenders, ...blind.map((s) => `detector misses: ${s}`)].join("\n");
  return {
    target: "static",
    id: "portable",
    title: "portable code references no runtime",
    ok: error === "",
    ms: 0,
    error: error || undefined,
  };
}

/** `npm run keygen ci` prints a strong key and the entry holding its digest. */
async function keygen(): Promise<Result> {
  const t0 = Date.now();
  const done = await run(process.execPath, ["scripts/keygen.mjs", "ci"], { timeoutMs: 30_000 });
  const key = /^ {2}([A-Za-z0-9_-]{43})$/m.exec(done.stdout)?.[1];
  const entry = /^ {2}ci:sha256:([0-9a-f]{64})$/m.exec(done.stdout)?.[1];
  const problems = [
    done.code !== 0 && `exited ${done.code}`,
    key === undefined && "no 43-character base64url key",
    key && entry !== createHash("sha256").update(key).digest("hex") &&
    "the entry is not the key's SHA-256",
    key && weaknessOf(key),
  ].filter(Boolean);
  const error = problems.length
    ? `${problems.join("; ")}\n${done.stdout}${done.stderr}`
    : undefined;
  return {
    target: "static",
    id: "keygen",
    title: "npm run keygen",
    ok: !error,
    ms: Date.now() - t0,
    error,
  };
}

function command(id: string, title: string, bin: string, args: string[]): () => Promise<Result> {
  return async () => {
    const t0 = Date.now();
    const done = await run(bin, args, { timeoutMs: 180_000 });
    const ok = done.code === 0;
    const error = ok ? undefined : (done.stderr + done.stdout).trim().slice(-1500);
    return { target: "static", id, title, ok, ms: Date.now() - t0, error };
  };
}

const deno = RUNTIMES.deno;

export const STATIC_CHECKS: (() => Promise<Result> | Result)[] = [
  portability,
  keygen,
  command("fmt", "deno fmt --check", deno, ["fmt", "--check"]),
  command("lint", "deno lint", deno, ["lint"]),
  command("types-portable", "portable code type-checks against DOM + ESNext only", RUNTIMES.tsc, [
    "-p",
    "tsconfig.json",
  ]),
  command("types-shims", "the Bun and Node shims type-check", RUNTIMES.tsc, [
    "-p",
    "tsconfig.shims.json",
  ]),
  command("types-deno", "the Deno shims and the tests type-check", deno, [
    "check",
    "shims/deno.ts",
    "shims/deno_serve.ts",
    "tests/",
  ]),
  command("doc-lint", "deno doc --lint", deno, ["doc", "--lint", "mod.ts"]),
  command("doc-tests", "JSDoc examples run (deno test --doc)", deno, [
    "test",
    "--doc",
    "--allow-net",
    "mod.ts",
    "src/",
  ]),
  command("publish", "deno publish --dry-run", deno, ["publish", "--dry-run", "--allow-dirty"]),
  command("npm-package", "the npm package imports and holds its types", process.execPath, [
    "scripts/check_npm_package.mjs",
  ]),
  command("bun-lockb", "bun.lockb is in step with package.json", process.execPath, [
    "scripts/lockfile.mjs",
    "--check",
  ]),
];
