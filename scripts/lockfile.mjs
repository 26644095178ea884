// Keeps bun.lockb in step with package.json without touching node_modules
// (npm owns it): Bun resolves in a scratch folder.
//   node scripts/lockfile.mjs          rewrite bun.lockb
//   node scripts/lockfile.mjs --check  fail if bun.lockb is out of step
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const check = process.argv.includes("--check");
const bun = resolve("node_modules/.bin/bun");
const scratch = mkdtempSync(join(tmpdir(), "psk-gate-lock-"));
try {
  for (const file of ["package.json", "bunfig.toml", "bun.lockb"]) {
    if (existsSync(file)) copyFileSync(file, join(scratch, file));
  }
  const args = ["install", "--lockfile-only", ...(check ? ["--frozen-lockfile"] : [])];
  const result = spawnSync(bun, args, { cwd: scratch, encoding: "utf8" });
  if (result.status !== 0) {
    console.error(
      check
        ? "bun.lockb is out of step with package.json: run `node scripts/lockfile.mjs`"
        : "bun install failed",
    );
    console.error(result.stderr || result.stdout);
    process.exit(1);
  }
  if (!check) copyFileSync(join(scratch, "bun.lockb"), "bun.lockb");
  console.log(check ? "bun.lockb is in step with package.json" : "wrote bun.lockb");
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
