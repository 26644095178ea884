// Checks the npm package as a user gets it: `npm pack` holds the built
// library and its declarations, and the entry imports on this Node.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";

const [pack] = JSON.parse(
  execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { encoding: "utf8" }),
);
const files = pack.files.map((file) => file.path);
for (const file of ["dist/npm/mod.js", "dist/npm/mod.d.ts", "README.md", "package.json"]) {
  assert.ok(files.includes(file), `npm package lacks ${file}`);
}
assert.ok(
  !files.some((file) => file.startsWith("tests/") || file.startsWith("shims/")),
  "npm package holds tests or shims",
);
const library = await import("../dist/npm/mod.js");
for (const name of ["createHandler", "handler", "ConfigError"]) {
  assert.equal(typeof library[name], "function", `${name} is not exported`);
}
console.log(`npm package ok: ${files.length} files, ${pack.size} bytes packed`);
