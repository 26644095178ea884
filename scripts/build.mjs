// Builds what Node cannot run from TypeScript: with esbuild the Node shim,
// the Workers module, `npm start` and the test runner; with tsc the npm
// library (dist/npm).
import { spawnSync } from "node:child_process";
import { build } from "esbuild";

const node = {
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  logLevel: "warning",
};

await Promise.all([
  // Self-contained: @hono/node-server is bundled, so a host needs only this file.
  build({ ...node, packages: "bundle", entryPoints: ["shims/node.ts"], outfile: "dist/node.mjs" }),
  build({
    ...node,
    entryPoints: ["scripts/start.ts"],
    outfile: "dist/start.mjs",
    external: ["./node.mjs"],
  }),
  build({
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    logLevel: "warning",
    entryPoints: ["shims/workers.ts"],
    outfile: "dist/workers.mjs",
  }),
  build({
    ...node,
    entryPoints: ["tests/run.ts", "tests/inprocess.ts"],
    outdir: "dist/tests",
    outExtension: { ".js": ".mjs" },
  }),
]);
// The npm library: JavaScript and declarations from the portable sources.
const tsc = spawnSync("node_modules/.bin/tsc", ["-p", "tsconfig.npm.json"], { stdio: "inherit" });
if (tsc.status !== 0) process.exit(1);
console.log("built dist/npm/, dist/node.mjs, dist/start.mjs, dist/workers.mjs and dist/tests/");
